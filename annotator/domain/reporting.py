"""The printable fact-check report of an article: what goes in it, in which order.

Pure module (no Flask, no DB): the report's loader hands in plain records and this module
orders the settled claims in reading order, counts them by verdict and summarises the claims
still open. Orphaned claims (their words are gone from the latest version, so their offsets
belong to an older text) come after the others, in the order they were made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from annotator.domain import verdicts
from annotator.domain.anchoring import CONTEXT_LENGTH


@dataclass
class SettledClaim:
    span_id: int
    start: int
    end: int
    orphaned: bool
    prefix: str
    quote: str  # the span's words now
    suffix: str
    ruled_quote: str | None  # the words as they read when the verdict was set
    verdict: str
    rationale: str
    sources: list[dict[str, str]]  # {"url", "title", "excerpt"}
    lead: str
    settled_at: datetime

    @property
    def label(self) -> str:
        return verdicts.label(self.verdict)

    @property
    def text_before(self) -> bool:
        """More text precedes the prefix (a prefix shorter than the context length reached the start)."""
        return len(self.prefix) >= CONTEXT_LENGTH

    @property
    def text_after(self) -> bool:
        return len(self.suffix) >= CONTEXT_LENGTH

    @property
    def before(self) -> str:
        """The words before the claim, a cut-off first word left out."""
        return self.prefix.split(" ", 1)[1] if self.text_before and " " in self.prefix else self.prefix

    @property
    def after(self) -> str:
        """The words after the claim, a cut-off last word left out."""
        return self.suffix.rsplit(" ", 1)[0] + " " if self.text_after and " " in self.suffix else self.suffix

    @property
    def wording_changed(self) -> bool:
        """The words ruled on are not the span's words any more (a later version changed them)."""
        return self.ruled_quote is not None and self.ruled_quote != self.quote


@dataclass
class OpenClaim:
    """A claim with submitted verdicts and no final verdict yet."""

    span_id: int
    start: int
    end: int
    orphaned: bool
    quote: str
    verdicts: list[str] = field(default_factory=list)

    @property
    def disputed(self) -> bool:
        return len(set(self.verdicts)) > 1


class _Placed(Protocol):
    """Where a claim is: settled or open, either can be put in reading order."""

    span_id: int
    start: int
    end: int
    orphaned: bool


ClaimT = TypeVar("ClaimT", bound=_Placed)


@dataclass
class VerdictCount:
    key: str
    label: str
    count: int


def reading_order(claims: Iterable[ClaimT]) -> list[ClaimT]:
    """Claims as a reader meets them: by start, then end; orphans last, by span id."""
    return sorted(
        claims, key=lambda c: (c.orphaned, c.span_id if c.orphaned else c.start, c.end if not c.orphaned else 0)
    )


def verdict_counts(claims: Iterable[SettledClaim]) -> list[VerdictCount]:
    """Settled claims per final verdict, in scale order, verdicts nobody gave left out."""
    counts = Counter(c.verdict for c in claims)
    return [VerdictCount(v.key, v.label, counts[v.key]) for v in verdicts.SCALE if counts[v.key]]


def open_claims(rows: Iterable[tuple[int, int, int, bool, str, str]]) -> list[OpenClaim]:
    """Open claims from (span id, start, end, orphaned, quote, verdict) rows, one per submitted verdict."""
    found: dict[int, OpenClaim] = {}
    for span_id, start, end, orphaned, quote, verdict in rows:
        claim = found.setdefault(span_id, OpenClaim(span_id, start, end, orphaned, quote))
        claim.verdicts.append(verdict)
    return reading_order(found.values())
