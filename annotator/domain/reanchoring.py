"""Re-anchoring: where a span of one version of an article lies in the next.

Pure functions (no Flask, no database). A character diff of the two texts
(diff-match-patch) says which stretches of the old text survive unchanged and
where they went. Each span is then, in this order:

- **kept**: its words lie in one unchanged stretch and did not move;
- **moved**: its words lie in one unchanged stretch that shifted, or the exact
  quote was re-inserted elsewhere (a paragraph cut and pasted), the prefix and
  suffix picking between several places;
- **changed**: the text that replaced its words (or, for a moved and edited
  passage, the closest inserted passage) is still similar enough to the quote:
  a normalised Indel similarity (rapidfuzz ``fuzz.ratio``) of at least
  ``CHANGED_THRESHOLD`` percent;
- **orphaned**: nothing good enough. The span keeps its old place and wording
  until someone re-attaches it.

An exact match is only ever taken from text that is the span's own words
carried over, or from newly inserted text: another, older occurrence of the
same words elsewhere in the article is a different claim and never adopted.
(One limit: when the quote occurs more than once and an edit removes text right
next to a copy, the two texts alone cannot tell which copy went; the diff's
choice decides, and the span may be orphaned though its words remain.)
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Mapping
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz

from annotator.domain.anchoring import CONTEXT_LENGTH, context_of

KEPT, MOVED, CHANGED, ORPHANED = "kept", "moved", "changed", "orphaned"
ORIGINAL = "original"  # the version a span was made on
REATTACHED = "reattached"  # placed by hand after being orphaned
STATES = (ORIGINAL, KEPT, MOVED, CHANGED, ORPHANED, REATTACHED)
OUTCOMES = (KEPT, MOVED, CHANGED, ORPHANED)  # what a new version can do to a span, in report order


def describe(counts: Mapping[str, int]) -> str:
    """``3 kept, 40 moved, 2 changed, 0 orphaned``: a version's outcomes, zeros included."""
    return ", ".join(f"{counts.get(state, 0)} {state}" for state in OUTCOMES)


# A replaced wording at least this similar to the old quote (0-100) is the same claim, changed.
CHANGED_THRESHOLD = 70.0
# Seconds diff-match-patch may spend before settling for a coarser (still correct) diff.
DIFF_TIMEOUT = 2.0

EQUAL, DELETE, INSERT = 0, -1, 1


@dataclass(frozen=True)
class OldSpan:
    """A span as anchored in the old text."""

    id: int
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a span lies in the new text; ``start``/``end``/``quote`` are None when orphaned."""

    span_id: int
    state: str
    start: int | None = None
    end: int | None = None
    quote: str | None = None
    prefix: str = ""
    suffix: str = ""
    similarity: float = 100.0

    @property
    def found(self) -> bool:
        return self.state != ORPHANED


def text_diff(old: str, new: str) -> list[tuple[int, str]]:
    """The character diff of two texts as (operation, text) pairs, deletions before insertions."""
    differ = diff_match_patch()
    differ.Diff_Timeout = DIFF_TIMEOUT
    diff: list[tuple[int, str]] = differ.diff_main(old, new)  # diff_match_patch has no type annotations
    return diff


class DiffMap:
    """Old-text offsets mapped to new-text offsets through a diff."""

    def __init__(self, diff: list[tuple[int, str]]):
        # Per operation: its kind, old start, new start, length; plus the starts for bisecting.
        self.ops: list[tuple[int, int, int, int]] = []
        old = new = 0
        for op, chunk in diff:
            self.ops.append((op, old, new, len(chunk)))
            if op != INSERT:
                old += len(chunk)
            if op != DELETE:
                new += len(chunk)
        self.old_starts = [o for kind, o, _, _ in self.ops]
        self.new_length = new
        self.inserted = [(n, n + length) for kind, _, n, length in self.ops if kind == INSERT]
        self.equal_new = [(n, n + length, n - o) for kind, o, n, length in self.ops if kind == EQUAL]

    def _op_at(self, old_offset: int) -> int:
        """Index of the operation holding the old character at ``old_offset`` (never an insertion)."""
        index = bisect.bisect_right(self.old_starts, old_offset) - 1
        while index > 0 and (self.ops[index][0] == INSERT or self.ops[index][1] > old_offset):
            index -= 1
        while self.ops[index][0] == INSERT or self.ops[index][1] + self.ops[index][3] <= old_offset:
            index += 1
        return index

    def unchanged(self, start: int, end: int) -> int | None:
        """The new start of ``[start, end)`` when it lies within one unchanged stretch, else None."""
        kind, old, new, length = self.ops[self._op_at(start)]
        if kind == EQUAL and end <= old + length:
            return new + start - old
        return None

    def image(self, start: int, end: int) -> tuple[int, int]:
        """The new range that the old ``[start, end)`` became: its surviving characters plus what
        replaced its deleted ones (an insertion just outside the span is left out)."""
        first = self._op_at(start)
        kind, old, new, _ = self.ops[first]
        image_start = new + start - old if kind == EQUAL else new
        last = self._op_at(end - 1)
        kind, old, new, length = self.ops[last]
        if kind == EQUAL:
            image_end = new + end - old
        else:
            image_end = new
            following = last + 1
            if following < len(self.ops) and self.ops[following][0] == INSERT:
                image_end += self.ops[following][3]  # the replacement of the deleted words
        return image_start, max(image_start, image_end)

    def in_unchanged(self, start: int, end: int) -> bool:
        """Whether new ``[start, end)`` lies inside one unchanged stretch (text carried over from
        the old version, so not the span's own words re-inserted)."""
        index = bisect.bisect_right(self.equal_new, (start, float("inf"), 0)) - 1
        return index >= 0 and self.equal_new[index][0] <= start and end <= self.equal_new[index][1]


def reanchor(
    old_text: str, new_text: str, spans: list[OldSpan], diff: list[tuple[int, str]] | None = None
) -> list[Placement]:
    """Place every span of ``old_text`` in ``new_text``; one Placement per span, in the same order.

    Two spans never end on the same range: when they would, the less certain one is orphaned.
    """
    mapping = DiffMap(diff if diff is not None else text_diff(old_text, new_text))
    return _without_collisions([_place(old_text, new_text, mapping, span) for span in spans])


def reanchor_groups(
    new_text: str, groups: list[tuple[str, list[OldSpan]]], orphans: frozenset[int] | set[int] = frozenset()
) -> list[Placement]:
    """``reanchor`` for spans anchored in different old texts (orphans keep the version they were
    last found in): one diff per old text, collisions settled across all of them. An orphan (a span
    id in ``orphans``) found again never takes words from a span that was placed in the latest
    version, however certain it is."""
    placements: list[Placement] = []
    for old_text, spans in groups:
        mapping = DiffMap(text_diff(old_text, new_text))
        placements.extend(_place(old_text, new_text, mapping, span) for span in spans)
    return _without_collisions(placements, orphans)


def _place(old_text: str, new_text: str, mapping: DiffMap, span: OldSpan) -> Placement:
    if old_text[span.start : span.end] != span.quote:
        # The span does not fit its own text (it should): nothing to map from.
        return _search(new_text, mapping, span, hint=min(span.start, len(new_text)))
    at = mapping.unchanged(span.start, span.end)
    if at is not None:
        return _found(new_text, span.id, KEPT if at == span.start else MOVED, at, at + len(span.quote))
    image_start, image_end = mapping.image(span.start, span.end)
    return _search(new_text, mapping, span, hint=image_start, image=(image_start, image_end))


def _search(
    new_text: str, mapping: DiffMap, span: OldSpan, *, hint: int, image: tuple[int, int] | None = None
) -> Placement:
    """The exact quote re-inserted somewhere, else the changed wording, else orphaned."""
    exact = _reinserted(new_text, mapping, span, hint)
    if exact is not None:
        return _found(new_text, span.id, KEPT if exact == span.start else MOVED, exact, exact + len(span.quote))
    best: tuple[float, int, int] | None = None
    if image is not None:
        start, end = _trimmed(new_text, *image)
        if start < end:
            best = (fuzz.ratio(span.quote, new_text[start:end]), start, end)
    if best is None or best[0] < CHANGED_THRESHOLD:
        moved = _closest_insertion(new_text, mapping, span)
        if moved is not None and (best is None or moved[0] > best[0]):
            best = moved
    if best is not None and best[0] >= CHANGED_THRESHOLD:
        similarity, start, end = best
        return _found(new_text, span.id, CHANGED, start, end, similarity)
    return Placement(span.id, ORPHANED, similarity=round(best[0], 1) if best else 0.0)


def _reinserted(new_text: str, mapping: DiffMap, span: OldSpan, hint: int) -> int | None:
    """Start of the quote's one best occurrence in new text that is not an old occurrence carried over."""
    length = len(span.quote)
    candidates = []
    at = new_text.find(span.quote)
    while at != -1:
        if not mapping.in_unchanged(at, at + length):
            candidates.append(at)
        at = new_text.find(span.quote, at + 1)
    if not candidates:
        return None

    def context_fit(at: int) -> int:
        prefix, suffix = context_of(new_text, at, at + length)
        return _common_suffix(span.prefix, prefix) + _common_prefix(span.suffix, suffix)

    return max(candidates, key=lambda at: (context_fit(at), -abs(at - hint)))


def _closest_insertion(new_text: str, mapping: DiffMap, span: OldSpan) -> tuple[float, int, int] | None:
    """The inserted passage most like the quote (a moved and edited claim), as (similarity, start, end)."""
    best = None
    for start, end in mapping.inserted:
        if end - start < len(span.quote) // 2:
            continue
        aligned = fuzz.partial_ratio_alignment(span.quote, new_text[start:end])
        if aligned is None:
            continue
        found = _trimmed(new_text, start + aligned.dest_start, start + aligned.dest_end)
        if found[0] < found[1]:
            similarity = fuzz.ratio(span.quote, new_text[found[0] : found[1]])
            if best is None or similarity > best[0]:
                best = (similarity, *found)
    return best


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The range without white space at either end (a selection never starts or ends with it)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _found(new_text: str, span_id: int, state: str, start: int, end: int, similarity: float = 100.0) -> Placement:
    prefix, suffix = context_of(new_text, start, end)
    return Placement(span_id, state, start, end, new_text[start:end], prefix, suffix, round(similarity, 1))


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a, b]))


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


_CERTAINTY = {KEPT: 3, MOVED: 2, CHANGED: 1}


def _without_collisions(
    placements: list[Placement], orphans: frozenset[int] | set[int] = frozenset()
) -> list[Placement]:
    """Orphan the less certain of two spans placed on the same range (a range holds one span); a span
    that was placed before (not in ``orphans``) is more certain than any orphan."""
    holder: dict[tuple[int | None, int | None], int] = {}
    result = list(placements)
    for index, placement in enumerate(placements):
        if not placement.found:
            continue
        key = (placement.start, placement.end)
        other = holder.get(key)
        if other is None:
            holder[key] = index
            continue
        rank = (placement.span_id not in orphans, _CERTAINTY[placement.state], placement.similarity)
        other_rank = (result[other].span_id not in orphans, _CERTAINTY[result[other].state], result[other].similarity)
        loser = index if rank <= other_rank else other
        if loser == other:
            holder[key] = index
        result[loser] = Placement(result[loser].span_id, ORPHANED, similarity=result[loser].similarity)
    return result


__all__ = [
    "CHANGED",
    "CHANGED_THRESHOLD",
    "CONTEXT_LENGTH",
    "KEPT",
    "MOVED",
    "ORIGINAL",
    "ORPHANED",
    "OUTCOMES",
    "REATTACHED",
    "describe",
    "OldSpan",
    "Placement",
    "reanchor",
    "reanchor_groups",
    "text_diff",
]
