"""Tests for annotator.domain.confusion: the reviewer x final-verdict matrix."""

from __future__ import annotations

from annotator.domain import verdicts
from annotator.domain.confusion import SHADES, matrix, shade


def cell(m, reviewer, final):
    row = next(r for r in m.rows if r.verdict.key == reviewer)
    return next(c for c in row.cells if c.final == final)


def test_counts_totals_and_shares():
    m = matrix(
        [("true", "true"), ("true", "true"), ("mostly-true", "true"), ("false", "mixed"), ("unverifiable", "false")]
    )
    assert [r.verdict.key for r in m.rows] == list(verdicts.KEYS)
    assert [c.key for c in m.columns] == list(verdicts.KEYS)
    assert cell(m, "true", "true").count == 2
    assert cell(m, "mostly-true", "true").count == 1
    assert cell(m, "true", "mostly-true").count == 0  # rows are the reviewer's, columns the final
    assert [r.total for r in m.rows] == [2, 1, 0, 0, 0, 1, 1]
    assert m.column_totals == (3, 0, 1, 0, 0, 1, 0)
    assert (m.total, m.exact, m.near) == (5, 2, 1)
    assert m.exact_share == 2 / 5 and m.near_share == 1 / 5


def test_cells_know_exact_and_near():
    m = matrix([])
    assert cell(m, "mixed", "mixed").exact
    assert cell(m, "misleading", "mostly-false").near
    assert not cell(m, "unverifiable", "false").near
    assert m.total == 0 and m.exact_share is None


def test_shading_levels():
    assert shade(0, 10) == 0
    assert shade(1, 10) == 1  # any count is visibly shaded
    assert shade(10, 10) == SHADES
    assert shade(5, 10) == 2
    m = matrix([("true", "true")] * 4 + [("false", "false")])
    assert cell(m, "true", "true").shade == SHADES
    assert cell(m, "false", "false").shade == 1
    assert cell(m, "mixed", "false").shade == 0


def test_unknown_keys_are_left_out():
    assert matrix([("nonsense", "true"), ("true", "gone")]).total == 0
