"""A reviewer's agreement with final verdicts over time, for My work.

Pure module (no Flask, no DB). Each settled judgement is (when the claim was settled, the
reviewer's verdict, the final verdict); judgements are grouped by calendar month (UTC) of the
ruling, oldest first, and each month gives its count, exact agreement and near misses
(verdicts adjacent on the ordered scale; see ``verdicts.adjacent``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from annotator.domain import verdicts


@dataclass
class Period:
    year: int
    month: int
    settled: int = 0
    exact: int = 0
    near: int = 0

    @property
    def label(self) -> str:
        return datetime(self.year, self.month, 1).strftime("%b %Y")

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def exact_share(self) -> float:
        return self.exact / self.settled

    @property
    def near_share(self) -> float:
        return self.near / self.settled

    @property
    def other(self) -> int:
        """Neither exact nor a near miss."""
        return self.settled - self.exact - self.near


def by_month(judgements: Iterable[tuple[datetime, str, str]]) -> list[Period]:
    """Months with settled judgements, oldest first (months without any are left out)."""
    periods: dict[tuple[int, int], Period] = {}
    for settled_at, verdict, final in judgements:
        period = periods.setdefault((settled_at.year, settled_at.month), Period(settled_at.year, settled_at.month))
        period.settled += 1
        period.exact += verdict == final
        period.near += verdicts.adjacent(verdict, final)
    return [periods[k] for k in sorted(periods)]
