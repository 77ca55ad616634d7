"""Grouping reviewers' spans into claims: spans whose ranges overlap enough (intersection over union at
or above a threshold) are judgements of the same claim. Pure: no Flask, no database."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.5  # IoU at or above which two spans are the same claim


@dataclass(frozen=True)
class JudgedSpan:
    """A span ``[start, end)`` in code points and its verdicts, one per reviewer.

    ``judgements`` is stored as a tuple of ``(user_id, verdict_key)`` pairs
    sorted by user id; a mapping or any iterable of pairs is accepted and
    normalised. A reviewer may appear only once per span.
    """

    span_id: int
    start: int
    end: int
    judgements: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"span {self.span_id}: need 0 <= start < end, got [{self.start}, {self.end})")
        raw = self.judgements
        pairs = list(raw.items()) if isinstance(raw, Mapping) else [tuple(p) for p in raw]
        if len({user for user, _ in pairs}) != len(pairs):
            raise ValueError(f"span {self.span_id}: a reviewer judged it more than once")
        object.__setattr__(self, "judgements", tuple(sorted(pairs)))

    @property
    def verdicts(self) -> dict[int, str]:
        """The judgements as a ``{user_id: verdict_key}`` dict."""
        return dict(self.judgements)

    @classmethod
    def checked(cls, span_id: int, start: int, end: int, judgements: tuple[tuple[int, str], ...]) -> JudgedSpan:
        """A span from rows the database already holds to the rules (a valid range, one verdict per
        reviewer), judgements sorted by user: built without the checks, for tens of thousands at once."""
        span = object.__new__(cls)
        for name, value in (("span_id", span_id), ("start", start), ("end", end), ("judgements", judgements)):
            object.__setattr__(span, name, value)
        return span


@dataclass(frozen=True)
class Claim:
    """A group of spans that are the same claim, with one verdict per reviewer.

    ``span_ids`` ascending; ``start``/``end`` cover all its spans;
    ``judgements`` as in :class:`JudgedSpan` (sorted ``(user_id, verdict)`` pairs).
    """

    span_ids: tuple[int, ...]
    start: int
    end: int
    judgements: tuple[tuple[int, str], ...]

    @property
    def verdicts(self) -> dict[int, str]:
        """The merged judgements as a ``{user_id: verdict_key}`` dict."""
        return dict(self.judgements)


def iou(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """Intersection over union of ``[a_start, a_end)`` and ``[b_start, b_end)``; 0.0 if disjoint."""
    inter = max(0, min(a_end, b_end) - max(a_start, b_start))
    union = (a_end - a_start) + (b_end - b_start) - inter
    return inter / union if inter > 0 and union > 0 else 0.0


def group_claims(spans: Iterable[JudgedSpan], threshold: float = DEFAULT_THRESHOLD) -> list[Claim]:
    """Group spans into claims: connected components of ``iou >= threshold``, ordered by position.

    Only overlapping spans can reach a threshold > 0, so a sweep over spans
    sorted by start compares each span with the still-open ones only:
    O(n log n + overlapping pairs). When a reviewer judged several spans of
    one claim, the verdict on the span with the highest ``span_id`` (the most
    recently created span) wins.
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    items = sorted(spans, key=lambda s: (s.start, s.end, s.span_id))
    if len({s.span_id for s in items}) != len(items):
        raise ValueError("duplicate span_id")

    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    open_spans: list[tuple[int, int]] = []  # heap of (end, index) of spans still open at the sweep
    for i, span in enumerate(items):
        while open_spans and open_spans[0][0] <= span.start:
            heapq.heappop(open_spans)  # ended at or before this start: disjoint from it and all later
        for _, j in open_spans:  # every open span overlaps this one
            other = items[j]
            if iou(other.start, other.end, span.start, span.end) >= threshold:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
        heapq.heappush(open_spans, (span.end, i))

    groups: dict[int, list[JudgedSpan]] = {}
    for i, span in enumerate(items):
        groups.setdefault(find(i), []).append(span)  # roots are each group's first index: ordered

    claims = []
    for members in groups.values():
        if len(members) == 1:  # most claims: one span, its judgements already sorted
            span = members[0]
            claims.append(Claim(span_ids=(span.span_id,), start=span.start, end=span.end, judgements=span.judgements))
            continue
        merged: dict[int, str] = {}
        for span in sorted(members, key=lambda s: s.span_id):
            merged.update(span.judgements)  # later (higher) span_id overwrites
        claims.append(
            Claim(
                span_ids=tuple(sorted(s.span_id for s in members)),
                start=min(s.start for s in members),
                end=max(s.end for s in members),
                judgements=tuple(sorted(merged.items())),
            )
        )
    return claims
