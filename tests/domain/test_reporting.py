"""Tests for annotator.domain.reporting: the report's order, counts and open claims."""

from __future__ import annotations

from datetime import UTC, datetime

from annotator.domain.reporting import SettledClaim, open_claims, reading_order, verdict_counts

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def settled(span_id, start, end, verdict="true", orphaned=False, quote="q", ruled_quote=None):
    return SettledClaim(span_id, start, end, orphaned, "", quote, "", ruled_quote, verdict, "", [], "Lee", NOW)


def test_reading_order_by_place_then_orphans_by_id():
    claims = [
        settled(1, 50, 60),
        settled(2, 10, 20),
        settled(9, 5, 8, orphaned=True),
        settled(4, 10, 15),
        settled(3, 900, 950, orphaned=True),
    ]
    assert [c.span_id for c in reading_order(claims)] == [4, 2, 1, 3, 9]


def test_verdict_counts_in_scale_order():
    counts = verdict_counts(
        [
            settled(1, 0, 1, "false"),
            settled(2, 1, 2, "true"),
            settled(3, 2, 3, "false"),
            settled(4, 3, 4, "unverifiable"),
        ]
    )
    assert [(c.label, c.count) for c in counts] == [("True", 1), ("False", 2), ("Unverifiable", 1)]
    assert [c.key for c in counts] == ["true", "false", "unverifiable"]


def test_wording_changed():
    assert settled(1, 0, 1, quote="new words", ruled_quote="old words").wording_changed
    assert not settled(1, 0, 1, quote="same", ruled_quote="same").wording_changed
    assert not settled(1, 0, 1, ruled_quote=None).wording_changed


def test_open_claims_grouped_in_reading_order():
    claims = open_claims(
        [(5, 30, 40, False, "later", "true"), (2, 0, 9, False, "first", "true"), (5, 30, 40, False, "later", "false")]
    )
    assert [(c.quote, c.verdicts, c.disputed) for c in claims] == [
        ("first", ["true"], False),
        ("later", ["true", "false"], True),
    ]


def test_ellipses_only_where_the_context_was_cut():
    claim = settled(1, 0, 1)
    claim.prefix, claim.suffix = "short start ", "x" * 32
    assert (claim.text_before, claim.text_after) == (False, True)


def test_context_drops_words_cut_in_half():
    claim = settled(1, 0, 1)
    claim.prefix, claim.suffix = "ical dysfunction and divisions. ", " fellow at Chatham House, London"
    assert len(claim.prefix) == len(claim.suffix) == 32
    assert (claim.before, claim.after) == ("dysfunction and divisions. ", " fellow at Chatham House, ")
    claim.prefix, claim.suffix = "At the start: ", "."
    assert (claim.before, claim.after) == ("At the start: ", ".")


def test_open_claims_keep_each_claims_place_and_orphan_flag():
    claims = open_claims([(7, 12, 30, True, "gone words", "false"), (3, 4, 9, False, "here", "true")])
    assert [(c.span_id, c.start, c.end, c.orphaned, c.quote) for c in claims] == [
        (3, 4, 9, False, "here"),
        (7, 12, 30, True, "gone words"),
    ]
