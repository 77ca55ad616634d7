"""Canonical article text, paragraphs and highlight segments.

Offsets everywhere are Python ``str`` indices (Unicode code points) into the
canonical text: line endings ``\\n``, Unicode NFC. Nothing here knows Flask or
the database.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple, NoReturn, Protocol

# C0 control characters other than tab and newline, and DEL. HTML parsers drop
# or mangle some of them (NUL), which would make the page's text differ from
# the stored text; PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


# Surrogate code points: JSON may spell one alone ("\\ud800"), which no Unicode text holds and no
# database can store.
SURROGATES = re.compile("[\ud800-\udfff]")


class NotText(ValueError):
    """A document holds a string that is not Unicode text (a lone surrogate); the message says where."""


def check_text(value: object, where: str = "") -> None:
    """NotText when any string in ``value`` (a JSON document: dicts, lists, strings, numbers), keys
    included, holds a lone surrogate; ``where`` names the place in the messages (``body[1].value``)."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            found = SURROGATES.search(item)
            if found:
                raise NotText(
                    f"{path or 'The document'} holds a lone surrogate (\\u{ord(found.group()):04x}), "
                    "which is not Unicode text."
                )
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = f"{path}{'.' if path else ''}{SURROGATES.sub(chr(0xFFFD), str(key))}"
                stack.append((key, f"The name of {name}"))
                stack.append((inner, name))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}[{n}]") for n, inner in enumerate(item))


# A JSON escape of a surrogate code point (\uD800 to \uDFFF, any case): the only way a JSON text
# that holds no surrogate itself can give one. A text with neither needs no walk through its values.
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def loads_json(data: str | bytes) -> object:
    """``json.loads``, refusing (NotText) a document that holds a string that is not Unicode text, and
    (ValueError) the NaN and Infinity that Python writes but JSON does not have."""
    value = json.loads(data, parse_constant=_not_json)
    if isinstance(data, bytes) or SURROGATES.search(data) or ESCAPED_SURROGATE.search(data):
        check_text(value)  # walk the document for the surrogate, to say where it is (if a pair did not hold it)
    return value


def _not_json(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def canonicalize_fragment(raw: str) -> str:
    """Canonical form of any text: ``\n`` line endings, no control characters, Unicode NFC."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", CONTROL_CHARACTERS.sub("", text))


def one_line(value: str | None) -> str | None:
    """Text that belongs on one line (a name, a byline) cleaned: canonical, white space collapsed;
    None when nothing is left."""
    if not value:
        return None
    return " ".join(canonicalize_fragment(value).split()) or None


def canonicalize(raw: str) -> str:
    """Canonical form of article text: that of ``canonicalize_fragment``, trimmed.

    Leading byte-order marks are dropped and trailing whitespace at the very end
    is trimmed; nothing inside the text moves.
    """
    text = canonicalize_fragment(raw)
    return text.lstrip("\ufeff").rstrip()  # all leading BOMs, so that canonicalize is idempotent


class Ranged(Protocol):
    """What segmentation reads of a span: a ``SpanRef``, or a row that begins with one's fields (the
    changed paragraphs' claims, ``services.highlights.Highlight``), passed as it is."""

    @property
    def id(self) -> int: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class SpanRef(NamedTuple):
    """What segmentation needs to know of a span: its id and range. A plain tuple: the article page
    makes one per claim, thousands on a long article."""

    id: int
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


class Segment(NamedTuple):
    """A run of text covered by exactly the same set of spans.

    ``span_ids`` is ordered innermost (shortest) span first, so a click on the
    segment can open the most specific claim. A plain tuple, like ``SpanRef``.
    """

    start: int
    end: int
    text: str
    span_ids: tuple[int, ...] = ()
    suggestion_id: int | None = None  # the suggested claim (sentence) it lies in, if any

    @property
    def depth(self) -> int:
        return len(self.span_ids)

    @property
    def span_ids_attr(self) -> str:
        """The span ids as the ``data-span-ids`` attribute holds them."""
        return " ".join(map(str, self.span_ids))


@dataclass
class Paragraph:
    start: int
    end: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def runs(self) -> list[tuple[int | None, list[Segment]]]:
        """The segments grouped into runs of the same suggestion (None: outside any), in order:
        the page wraps each suggestion's run in one underline element around its highlights."""
        runs: list[tuple[int | None, list[Segment]]] = []
        for seg in self.segments:
            if runs and runs[-1][0] == seg.suggestion_id:
                runs[-1][1].append(seg)
            else:
                runs.append((seg.suggestion_id, [seg]))
        return runs


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the text split on ``\\n``."""
    bounds = []
    start = 0
    while True:
        newline = text.find("\n", start)
        if newline == -1:
            bounds.append((start, len(text)))
            return bounds
        bounds.append((start, newline))
        start = newline + 1


def segment(text: str, spans: Iterable[SpanRef], lo: int = 0, hi: int | None = None) -> list[Segment]:
    """Split ``text`` (or its window ``[lo, hi)``) at every span boundary into segments covering it all.

    Spans may overlap and nest; those reaching out of the window are cut at its edges but keep
    their place in the innermost-first order (by their whole length). Sorting the 2k boundary
    events costs O(k log k); each event updates the ordered active set by binary search,
    and each segment copies the active set, so the work is
    O((n + k) log k) plus the size of the output.
    """
    hi = len(text) if hi is None else hi
    ordered = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text) and s.start < hi and lo < s.end),
        key=lambda s: (s.length, s.id),
    )
    # Events: (position, kind, rank); ends (0) sort before starts (1) at a tie.
    events: list[tuple[int, int, int]] = []
    for rank, s in enumerate(ordered):
        events.append((max(s.start, lo), 1, rank))
        events.append((min(s.end, hi), 0, rank))
    events.sort()

    segments: list[Segment] = []
    active: list[int] = []  # ranks, sorted: innermost first
    position = lo
    for at, kind, rank in events:
        if at > position:
            ids = tuple(ordered[r].id for r in active)
            segments.append(Segment(position, at, text[position:at], ids))
            position = at
        if kind == 1:
            bisect.insort(active, rank)
        else:
            del active[bisect.bisect_left(active, rank)]
    if position < hi or not segments:
        segments.append(Segment(position, hi, text[position:hi], ()))
    return segments


def _chosen_suggestions(text: str, suggestions: Iterable[Ranged]) -> list[Ranged]:
    """The suggestions in range, by start; one that overlaps an earlier one is left out."""
    chosen: list[Ranged] = []
    for s in sorted((s for s in suggestions if 0 <= s.start < s.end <= len(text)), key=lambda s: (s.start, s.end)):
        if not chosen or s.start >= chosen[-1].end:
            chosen.append(s)
    return chosen


def cut_at_suggestions(text: str, segments: list[Segment], suggestions: Iterable[Ranged]) -> list[Segment]:
    """``segments`` cut again at the boundaries of ``suggestions``, each piece knowing the suggestion
    it lies in. Suggestions are sentences and do not overlap; one that overlaps an earlier one (by
    start) is left out. One pass over both sorted lists: O(n + s log s)."""
    chosen = _chosen_suggestions(text, suggestions)
    if not chosen:
        return segments
    cuts = sorted({b for s in chosen for b in (s.start, s.end)})
    result: list[Segment] = []
    c = k = 0
    for seg in segments:
        position = seg.start
        while c < len(cuts) and cuts[c] <= position:
            c += 1
        while position < seg.end:
            stop = min(seg.end, cuts[c]) if c < len(cuts) else seg.end
            while k < len(chosen) and chosen[k].end <= position:
                k += 1
            inside = chosen[k].id if k < len(chosen) and chosen[k].start <= position else None
            result.append(Segment(position, stop, text[position:stop], seg.span_ids, inside))
            position = stop
            if c < len(cuts) and cuts[c] <= position:
                c += 1
    return result


def paragraphs(
    text: str, spans: Iterable[Ranged], suggestions: Iterable[Ranged] = (), window: tuple[int, int] | None = None
) -> list[Paragraph]:
    """Paragraphs of ``text``, each holding its highlight segments (cut at suggested sentences too).

    The segments are those of ``segment`` cut at paragraph boundaries and then by
    ``cut_at_suggestions``, made in one sweep: the span boundaries are sorted once, and a
    position moves through the paragraphs, cutting where the next boundary, suggestion edge or
    paragraph end comes first. The ``\\n`` between paragraphs belongs to no paragraph, so joining
    paragraph texts with ``\\n`` gives back the text exactly. ``window`` = (lo, hi), from the start
    of a paragraph to the end of one, gives only the paragraphs in it, in time that does not
    depend on the rest of the text; spans reaching out of it are cut at its edges but keep their
    place in the innermost-first order (by their whole length), as in ``segment``.
    """
    start, end = window or (0, len(text))
    ordered = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text) and s.start < end and start < s.end),
        key=lambda s: (s.end - s.start, s.id),
    )
    ids = [s.id for s in ordered]
    # Events as sortable ints: (position, kind, rank) packed as (2 * position + kind) * width + rank, ends
    # (kind 0) before starts; then a sentinel past the end. The spans covering a position are those
    # whose events at or before it have been applied (a start inserts its rank, an end removes it).
    width = len(ordered) + 1
    stride = 2 * width  # the packed events of one position
    events = [(2 * max(s.start, start) + 1) * width + rank for rank, s in enumerate(ordered)]
    events += [2 * min(s.end, end) * width + rank for rank, s in enumerate(ordered)]
    events.sort()
    events.append((len(text) + 1) * stride)
    chosen = _chosen_suggestions(text, suggestions)
    chosen.append(SpanRef(0, len(text) + 1, len(text) + 2))  # a sentinel past the end
    result: list[Paragraph] = []
    active: list[int] = []  # ranks, sorted: innermost first
    covering: tuple[int, ...] = ()
    new = tuple.__new__  # Segment(...) without its Python-level __new__: this loop runs once per segment
    e = k = 0
    following = events[0] // stride  # the position of the next event
    suggestion = chosen[0]
    for lo, hi in paragraph_bounds(text[start:end]):
        lo, hi = lo + start, hi + start
        segments: list[Segment] = []
        position = lo
        while position < hi:
            if following <= position:
                while following <= position:
                    kind_rank = events[e] % stride
                    if kind_rank >= width:
                        bisect.insort(active, kind_rank - width)
                    else:
                        del active[bisect.bisect_left(active, kind_rank)]
                    e += 1
                    following = events[e] // stride
                covering = tuple(map(ids.__getitem__, active))
            stop = following if following < hi else hi
            while suggestion.end <= position:
                k += 1
                suggestion = chosen[k]
            if suggestion.start <= position:
                inside = suggestion.id
                if suggestion.end < stop:
                    stop = suggestion.end
            else:
                inside = None
                if suggestion.start < stop:
                    stop = suggestion.start
            segments.append(new(Segment, (position, stop, text[position:stop], covering, inside)))
            position = stop
        result.append(Paragraph(lo, hi, segments))
    return result


def paragraphs_touching(
    text: str, spans: Iterable[Ranged], start: int, end: int, suggestions: Iterable[Ranged] = ()
) -> list[Paragraph]:
    """The paragraphs that ``[start, end)`` touches, with their highlights (as ``paragraphs`` gives them).

    After a change to one span, these are the only paragraphs whose highlights can
    differ; only they are read and segmented, so the cost does not grow with the article.
    """
    bounds = touched_bounds(text, start, end)
    if bounds is None:
        return []
    lo, hi = bounds
    return paragraphs(text, spans, [s for s in suggestions if s.start < hi and lo < s.end], window=bounds)


def touched_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """From the start of the first to the end of the last paragraph that ``[start, end)`` touches
    (None when it holds only line breaks). Looks only at the text around the range."""
    lo = text.rfind("\n", 0, max(0, min(start, len(text)))) + 1  # the start of the paragraph holding ``start``
    hi = text.find("\n", max(lo, end))
    hi = len(text) if hi == -1 else hi
    touched = [
        (a + lo, b + lo)
        for a, b in paragraph_bounds(text[lo:hi])
        if a + lo < end and start < b + lo or a + lo <= start < b + lo
    ]
    return (touched[0][0], touched[-1][1]) if touched else None
