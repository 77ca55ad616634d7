"""What an import says of each item: its outcome, the reason, and where it went (``services.imports``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from annotator.domain.reanchoring import ORPHANED

IMPORTED, REANCHORED, REJECTED = "imported", "re-anchored", "rejected"  # and ORPHANED, a span state too
# A highlight whose tags name no verdict, stored as its author's draft awaiting one (whether anchored
# at its place, re-anchored or orphaned: the reason says).
NO_VERDICT = "imported, no verdict"
# In this order on the report and in the totals line; NO_VERDICT last and only when some item had it,
# so a file of verdicts prints the totals line it always did.
OUTCOMES = (IMPORTED, REANCHORED, ORPHANED, REJECTED, NO_VERDICT)
ORPHAN_REASON = "Its words are not in the article's current text: kept as an orphan to re-attach."
REANCHORED_REASON = "Re-anchored: the quote was found away from the position the file gave."


def shown_outcomes(totals: Counter) -> list[str]:
    """The outcomes a report's totals list: every one, but NO_VERDICT only when some item had it."""
    return [o for o in OUTCOMES if o != NO_VERDICT or totals[o]]


def totals_line(totals: Counter) -> str:
    """``2 imported, 0 re-anchored, 0 orphaned, 1 rejected`` (``, 3 imported, no verdict`` when any)."""
    return ", ".join(f"{totals[o]} {o}" for o in shown_outcomes(totals))


@dataclass(frozen=True)
class ItemReport:
    """What became of one item of the file (``number`` counts from 1)."""

    number: int
    outcome: str  # imported, re-anchored, orphaned, rejected, or imported with no verdict
    reason: str = ""
    annotation_id: int | None = None
    article_id: int | None = None
    span_id: int | None = None
    author: str = ""
    quote: str = ""  # the words the item quotes (once it could be read)
    notice: str = ""  # something to know about a stored item (its creator imported under another name)


def rejected(number: int, reason: str, quote: str = "") -> ItemReport:
    return ItemReport(number, REJECTED, reason, quote=quote)


def not_stored(number: int, error: BaseException, quote: str = "") -> ItemReport:
    """An item the database (or an unforeseen error) refused: its report names the error's type only."""
    return rejected(number, f"not stored: {type(error).__name__}", quote)
