"""Reviewer x final-verdict confusion matrix: how reviewers' verdicts compare with the rulings.

Pure module (no Flask, no DB). Each pair is one submitted annotation on a settled claim: the
reviewer's verdict (the row) and the claim's final verdict (the column). Rows and columns are
the whole scale in its order, so matrices of different articles line up; the diagonal is exact
agreement, cells next to it on the ordered scale are near misses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.domain import verdicts

SHADES = 4  # shading levels of non-empty cells, 1 (fewest) to SHADES (most); 0 is empty


@dataclass(frozen=True)
class Cell:
    reviewer: str  # verdict key of the row
    final: str  # verdict key of the column
    count: int
    shade: int  # 0 for an empty cell, else 1..SHADES by count relative to the largest cell

    @property
    def exact(self) -> bool:
        return self.reviewer == self.final

    @property
    def near(self) -> bool:
        return verdicts.adjacent(self.reviewer, self.final)


@dataclass(frozen=True)
class Row:
    verdict: verdicts.Verdict
    cells: tuple[Cell, ...]
    total: int


@dataclass(frozen=True)
class Matrix:
    rows: tuple[Row, ...]
    columns: tuple[verdicts.Verdict, ...]
    column_totals: tuple[int, ...]
    total: int
    exact: int  # on the diagonal
    near: int  # next to it on the ordered scale

    @property
    def exact_share(self) -> float | None:
        return self.exact / self.total if self.total else None

    @property
    def near_share(self) -> float | None:
        return self.near / self.total if self.total else None


def shade(count: int, largest: int) -> int:
    """The cell's shading level: 0 when empty, else ceil(SHADES * count / largest), so any count shows."""
    return 0 if count == 0 else math.ceil(SHADES * count / largest)


def matrix(pairs: Iterable[tuple[str, str]]) -> Matrix:
    """The matrix of (reviewer verdict, final verdict) pairs; keys off the scale are left out."""
    counts = Counter((r, f) for r, f in pairs if r in verdicts.BY_KEY and f in verdicts.BY_KEY)
    largest = max(counts.values(), default=0)
    rows = []
    for rv in verdicts.SCALE:
        cells = tuple(
            Cell(rv.key, fv.key, counts[rv.key, fv.key], shade(counts[rv.key, fv.key], largest))
            for fv in verdicts.SCALE
        )
        rows.append(Row(rv, cells, sum(c.count for c in cells)))
    column_totals = tuple(sum(counts[rv.key, fv.key] for rv in verdicts.SCALE) for fv in verdicts.SCALE)
    return Matrix(
        rows=tuple(rows),
        columns=verdicts.SCALE,
        column_totals=column_totals,
        total=sum(counts.values()),
        exact=sum(n for (r, f), n in counts.items() if r == f),
        near=sum(n for (r, f), n in counts.items() if verdicts.adjacent(r, f)),
    )
