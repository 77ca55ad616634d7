"""The shortcut list the overlay shows, and the words a highlight says to a screen reader."""
from __future__ import annotations

from datetime import datetime, timezone

from annotator import shortcuts, verdicts
from annotator.spans import Judgement, SpanSummary


def test_verdict_digits_follow_the_scale_order():
    assert shortcuts.verdict_digits() == [(str(n), v.label) for n, v in enumerate(verdicts.SCALE, start=1)]
    assert shortcuts.verdict_digits()[0] == ("1", "True")
    assert shortcuts.verdict_digits()[-1] == ("7", "Unverifiable")


def test_every_issue_shortcut_is_listed():
    keys = {key for _, items in shortcuts.groups() for item in items for key in item.keys}
    assert {"j", "k", "Enter", "s", "]", "[", "Shift+]", "Shift+[", "a", "1–7", "Ctrl+Enter", "Esc", "?"} <= keys


def judgement(verdict, status="submitted"):
    return Judgement(1, 1, "R", verdict, status, 0, datetime.now(timezone.utc))


def test_a_highlight_says_its_verdict_and_count():
    summary = SpanSummary(1, 0, 4, "text", judgements=[judgement("false"), judgement("false")])
    assert summary.description == "Claim: False, 2 annotations"


def test_a_disputed_highlight_names_the_verdicts_in_scale_order():
    summary = SpanSummary(1, 0, 4, "text", judgements=[judgement("false"), judgement("true")])
    assert summary.description == "Claim: reviewers disagree (True, False), 2 annotations"


def test_a_settled_highlight_says_the_final_verdict():
    summary = SpanSummary(1, 0, 4, "text", final_verdict="mixed", judgements=[judgement("true")])
    assert summary.description == "Settled claim: final verdict Mixed, 1 annotation"


def test_hidden_verdicts_stay_hidden_in_words():
    summary = SpanSummary(1, 0, 4, "text", judgements=[judgement(None)])
    assert summary.description == "Claim: verdicts not shown to you, 1 annotation"
    assert "False" not in summary.description
