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


def test_the_overlay_lists_each_group_with_its_keys_and_wording():
    """The words the "?" overlay and docs/guide/keyboard.md show, group by group, in the order a reviewer uses them."""
    listed = [(where, [(item.keys, item.action) for item in items]) for where, items in shortcuts.groups()]
    assert listed == [
        (
            "In the article",
            [
                (("j", "k"), "Next / previous highlight or suggested claim"),
                (("Enter",), "Open the highlight or suggestion that has the focus"),
                (("s", "Shift+S"), "Select the sentence at the selection or focus; again: the next / previous one"),
                (("]", "["), "Move the end of the selection one word right / left"),
                (("Shift+]", "Shift+["), "Move the start of the selection one word right / left"),
                (("a",), "Annotate the selection (the Annotate button)"),
            ],
        ),
        (
            "In the annotation form",
            [
                (
                    ("1–7",),
                    "Choose the verdict (1 True, 2 Mostly true, 3 Mixed, 4 Misleading, 5 Mostly false, 6 False,"
                    " 7 Unverifiable), then go to Note",
                ),
                (("Ctrl+Enter", "⌘+Enter"), "Save"),
                (("Esc",), "Close the form or the claim; the focus goes back to the highlight or suggestion"),
            ],
        ),
        ("Anywhere", [(("?",), "Show this list of shortcuts")]),
    ]
