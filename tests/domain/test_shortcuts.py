"""The shortcut list that the "?" overlay shows."""

from __future__ import annotations

from annotator.domain import shortcuts, verdicts


def test_verdict_digits_follow_the_scale_order():
    assert shortcuts.verdict_digits() == [(str(n), v.label) for n, v in enumerate(verdicts.SCALE, start=1)]
    assert shortcuts.verdict_digits()[0] == ("1", "True")
    assert shortcuts.verdict_digits()[-1] == ("7", "Unverifiable")


def test_every_issue_shortcut_is_listed():
    keys = {key for _, items in shortcuts.groups() for item in items for key in item.keys}
    assert {"j", "k", "Enter", "s", "]", "[", "Shift+]", "Shift+[", "a", "1–7", "Ctrl+Enter", "Esc", "?"} <= keys
