"""Tests for annotator.domain.trends: agreement with final verdicts per month."""

from __future__ import annotations

from datetime import UTC, datetime

from annotator.domain.trends import by_month


def at(year, month, day=1):
    return datetime(year, month, day, 12, tzinfo=UTC)


def test_months_oldest_first_with_exact_and_near_counts():
    periods = by_month(
        [
            (at(2026, 3, 5), "true", "true"),
            (at(2026, 1, 2), "true", "mostly-true"),  # near
            (at(2026, 3, 30), "true", "false"),  # far
            (at(2026, 3, 9), "misleading", "mostly-false"),  # near
            (at(2026, 1, 31), "mixed", "mixed"),
        ]
    )
    assert [(p.key, p.label, p.settled, p.exact, p.near, p.other) for p in periods] == [
        ("2026-01", "Jan 2026", 2, 1, 1, 0),
        ("2026-03", "Mar 2026", 3, 1, 1, 1),
    ]
    assert periods[1].exact_share == 1 / 3 and periods[1].near_share == 1 / 3


def test_unverifiable_is_never_a_near_miss():
    [period] = by_month([(at(2025, 12), "unverifiable", "false")])
    assert (period.exact, period.near, period.other) == (0, 0, 1)


def test_nothing_settled():
    assert by_month([]) == []
