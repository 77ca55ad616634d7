"""Text selectors: locating a quote in canonical text and checking a target.

A target is the W3C pair TextPositionSelector (start, end in code points) +
TextQuoteSelector (exact, prefix, suffix). The server is the judge of both:
it re-derives the quote from the offsets, or finds the quote when only the
quote is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.domain.text import canonicalize_fragment

CONTEXT_LENGTH = 32  # code points of prefix/suffix kept for re-anchoring


class AnchorError(ValueError):
    """A target that does not fit the text; the message is shown to the user.

    ``selector`` names the selector member at fault: ``exact`` (the quote), ``start`` or ``end``.
    """

    def __init__(self, message: str, selector: str = "exact"):
        super().__init__(message)
        self.selector = selector


class QuoteAbsent(AnchorError):
    """The quote does not occur in the text at all (as opposed to being ambiguous)."""


@dataclass(frozen=True)
class Target:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def context_of(text: str, start: int, end: int, length: int = CONTEXT_LENGTH) -> tuple[str, str]:
    """The prefix and suffix around [start, end), up to ``length`` code points each."""
    return text[max(0, start - length) : start], text[end : end + length]


def target_at(text: str, start: int, end: int) -> Target:
    """The full target for a range already known to be valid."""
    prefix, suffix = context_of(text, start, end)
    return Target(start, end, text[start:end], prefix, suffix)


def quote_at(text: str, start: int | None, end: int | None) -> str:
    """The text between two offsets, or "" when they do not make a valid range."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return ""
    return text[start:end]


def find_all(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` (overlapping ones too)."""
    found = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def locate_quote(text: str, quote: str, prefix: str = "", suffix: str = "") -> int:
    """Start offset of the one occurrence of ``quote`` that fits its context.

    Raises AnchorError when the quote is absent, or present more than once and
    the prefix/suffix do not single one out.
    """
    if not quote:
        raise AnchorError("The quote is empty.")
    candidates = find_all(text, quote)
    if not candidates:
        raise AnchorError("This quote does not occur in the article text.")
    if len(candidates) > 1 and (prefix or suffix):
        candidates = [
            at for at in candidates if text.endswith(prefix, 0, at) and text.startswith(suffix, at + len(quote))
        ]
        if not candidates:
            raise AnchorError("This quote does not occur in the article with the given prefix or suffix.")
    if len(candidates) > 1:
        raise AnchorError(
            f"This quote occurs {len(candidates)} times in the article; "
            "select it in the text or give a prefix so that it is unambiguous."
        )
    return candidates[0]


def resolve_target(
    text: str,
    *,
    start: int | None,
    end: int | None,
    quote: str | None,
    prefix: str = "",
    suffix: str = "",
) -> Target:
    """Check a requested target against the text and return the exact target.

    With offsets, the quote must equal the text between them. Without
    offsets, the quote (with optional prefix/suffix) is located.
    """
    quote = canonicalize_fragment(quote or "")
    prefix = canonicalize_fragment(prefix or "")
    suffix = canonicalize_fragment(suffix or "")
    if quote and not quote.strip():
        raise AnchorError("The selection holds only white space; select words of the article.")
    if start is None and end is None:
        at = locate_quote(text, quote, prefix, suffix)
        return target_at(text, at, at + len(quote))
    if start is None or end is None:
        raise AnchorError("Give both the start and the end offset, or neither.", "end" if end is None else "start")
    if start < 0 or end > len(text):
        raise AnchorError(
            f"The offsets must lie within the article (0 to {len(text)}).", "start" if start < 0 else "end"
        )
    if start >= end:
        raise AnchorError("The selection is empty: the start must come before the end.", "end")
    if not quote:
        raise AnchorError("The quote is missing.")
    if text[start:end] != quote:
        raise AnchorError("The quote does not match the article text at these offsets; the article may have changed.")
    return target_at(text, start, end)


def anchor(
    text: str, *, quote: str, prefix: str = "", suffix: str = "", start: int | None = None
) -> tuple[Target, bool]:
    """Place a quote selector, with a position selector as a hint, in ``text``.

    The quote decides: the hinted position is taken when the quote is there;
    otherwise the quote is looked up, its prefix and suffix pick between
    occurrences, and the occurrence nearest the hint breaks a remaining tie.
    Returns the target and whether it moved away from the hint. AnchorError when
    the quote is absent or its place stays ambiguous.
    """
    quote = canonicalize_fragment(quote)
    prefix, suffix = canonicalize_fragment(prefix), canonicalize_fragment(suffix)
    if not quote.strip():
        raise AnchorError("The quote is empty.")
    if start is not None and text[start : start + len(quote)] == quote:
        return target_at(text, start, start + len(quote)), False
    candidates = find_all(text, quote)
    if not candidates:
        raise QuoteAbsent("The quote does not occur in the article text.")
    in_context = [at for at in candidates if text.endswith(prefix, 0, at) and text.startswith(suffix, at + len(quote))]
    candidates = in_context or candidates
    if len(candidates) > 1:
        if start is None:
            raise AnchorError(f"The quote occurs {len(candidates)} times in the article and nothing says which.")
        candidates.sort(key=lambda at: abs(at - start))
    at = candidates[0]
    return target_at(text, at, at + len(quote)), start is not None
