"""Reading annotations written by other tools (or by our own export). Pure: no Flask, no database.

W3C Web Annotation JSON-LD: an AnnotationCollection (items in ``first.items``, or
``items``), an AnnotationPage, a list of annotations, or one annotation. Hypothesis API
JSON: a search response (``rows``), a list of rows, or one row. Each item becomes an
:class:`Incoming` (what it says, not yet checked against an article), or a
:class:`Rejected` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from annotator.domain import verdicts
from annotator.domain.text import CONTROL_CHARACTERS


class Rejected(ValueError):
    """An item that cannot be imported; the message says why, in a sentence.

    ``field`` names the part of a W3C annotation at fault (``body.verdict``,
    ``target.selector.exact``, ``body.sources[0].url``…), or "" for the whole item.
    """

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Incoming:
    """One annotation as a file states it."""

    target_source: str | None
    quote: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None  # the position selector: a hint, the quote decides
    end: int | None = None
    verdict: str = ""  # a key of the scale; "" for a highlight awaiting a verdict (imported as a draft)
    note: str = ""
    sources: tuple[dict[str, str], ...] = ()  # {"url", "title", "excerpt"}
    creator_username: str | None = None  # the creator's nickname (or Hypothesis account): the username as given
    creator_name: str | None = None
    creator_id: str | None = None  # the creator's IRI (a bare string creator, or its id)
    created: datetime | None = None
    modified: datetime | None = None


W3C, HYPOTHESIS = "W3C Web Annotation", "Hypothesis"


def read_items(document: Any) -> tuple[str, list[Any]]:
    """The document's format and its items; Rejected when it holds none, or only one page of them."""
    if _is_hypothesis(document):
        return HYPOTHESIS, hypothesis_items(document)
    return W3C, w3c_items(document)


# What becomes of a Hypothesis highlight whose tags name no verdict (a reader flagging a claim):
# a draft awaiting a verdict (its verdict ""), or rejected as before.
UNTAGGED_DRAFT, UNTAGGED_SKIP = "draft", "skip"
UNTAGGED_CHOICES = (UNTAGGED_DRAFT, UNTAGGED_SKIP)


def parse_item(file_format: str, item: Any, *, untagged: str = UNTAGGED_DRAFT) -> Incoming:
    """One item of a document in ``file_format`` (as :func:`read_items` named it)."""
    if file_format == HYPOTHESIS:
        return parse_hypothesis_annotation(item, untagged=untagged)
    return parse_w3c_annotation(item)


def _is_hypothesis(document: Any) -> bool:
    """Hypothesis rows carry ``uri`` and ``user`` and no JSON-LD ``type``."""
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        return True
    first = document[0] if isinstance(document, list) and document else document
    return isinstance(first, dict) and "type" not in first and ("uri" in first or "user" in first)


def hypothesis_items(document: Any) -> list[Any]:
    """The rows of a Hypothesis search response, a list of rows, or one row."""
    if isinstance(document, list):
        return _some(document)
    rows = document.get("rows")
    if rows is None:
        return [document]
    total = document.get("total")
    if isinstance(total, int) and not isinstance(total, bool) and total > len(rows):
        raise Rejected(
            f"The search found {total} annotations but the file holds {len(rows)}: it is one page "
            "of several; fetch them all (a larger limit, or every page) into one file."
        )
    return _some(rows)


def w3c_items(document: Any) -> list[Any]:
    """The annotations of a W3C document, whatever its shape; Rejected when it holds none, or
    when it is one page of a collection whose other pages are elsewhere (a partial import)."""
    if isinstance(document, list):
        return _some(document)
    if not isinstance(document, dict):
        raise Rejected("The file is not W3C Web Annotation JSON: expected an object or a list.")
    kind = document.get("type")
    if kind == "AnnotationCollection":
        first = document.get("first")
        if first is not None and not isinstance(first, dict):
            raise Rejected("The collection's first page is a link, not in the file; export it with its items.")
        items = _list(first.get("items") if first is not None else document.get("items", []))
        total = document.get("total")
        if isinstance(total, int) and not isinstance(total, bool) and total > len(items):
            raise Rejected(
                f"The collection holds {total} annotations but the file only {len(items)}: "
                "it is one page of several; export the whole collection."
            )
        return _some(items)
    if kind == "AnnotationPage":
        if document.get("next") is not None:
            raise Rejected("The page has a next page, not in the file; export the whole collection.")
        return _some(_list(document.get("items")))
    if kind == "Annotation":
        return [document]
    raise Rejected("The file is not W3C Web Annotation JSON: no AnnotationCollection, AnnotationPage or Annotation.")


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Rejected("The collection's items are not a list.")
    return value


def _some(items: list[Any]) -> list[Any]:
    if not items:
        raise Rejected("The file holds no annotations.")
    return items


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any, what: str, field: str = "") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Rejected(f"The {what} is not text.", field)
    return value


def _offset(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Rejected(f"The position selector's {what} is not a whole number of 0 or more.", f"target.selector.{what}")
    return value


def _moment(value: Any) -> datetime | None:
    """An ISO 8601 time (a trailing Z allowed), as UTC; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # unreadable, or pushed off the calendar by the move to UTC
        return None


def verdict_key(value: str) -> str:
    """The scale key for a verdict given by key or by label (any case); Rejected when off the scale."""
    wanted = value.strip().casefold()
    for verdict in verdicts.SCALE:
        if wanted in (verdict.key, verdict.label.casefold()):
            return verdict.key
    raise Rejected(
        f"“{value}” is not a verdict on the scale ({', '.join(v.label for v in verdicts.SCALE)}).", "body.verdict"
    )


def _selectors(target: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for selector in _as_list(target.get("selector")):
        if isinstance(selector, dict):
            yield selector
            # A refinement chain (refinedBy) is read as more selectors of the same target.
            yield from (s for s in _as_list(selector.get("refinedBy")) if isinstance(s, dict))


def _anchor(item: Any, no_quote: str) -> dict[str, Any]:
    """Where the item's one target points: its source and the anchoring fields of :class:`Incoming`.

    Rejected when the item has no single target, or (with ``no_quote`` as the reason) when
    the target quotes no words.
    """
    if not isinstance(item, dict):
        raise Rejected("The item is not an annotation object.")
    targets = [t for t in _as_list(item.get("target")) if isinstance(t, dict)]
    if len(targets) != 1:
        raise Rejected("The annotation needs exactly one target with selectors.", "target")
    target = targets[0]
    quote_selector = next((s for s in _selectors(target) if s.get("type") == "TextQuoteSelector"), None)
    position = next((s for s in _selectors(target) if s.get("type") == "TextPositionSelector"), None)
    if quote_selector is None or not _text(quote_selector.get("exact"), "quote", "target.selector.exact").strip():
        raise Rejected(no_quote, "target.selector.exact")
    source = target.get("source")
    return {
        "target_source": source if isinstance(source, str) else None,
        "quote": quote_selector["exact"],
        "prefix": _text(quote_selector.get("prefix"), "prefix", "target.selector.prefix"),
        "suffix": _text(quote_selector.get("suffix"), "suffix", "target.selector.suffix"),
        "start": _offset(position.get("start"), "start") if position else None,
        "end": _offset(position.get("end"), "end") if position else None,
    }


W3C_NO_QUOTE = "The target has no TextQuoteSelector with the quoted words."


def w3c_target(item: Any) -> dict[str, Any]:
    """Where a W3C annotation points: ``target_source``, ``quote``, ``prefix``, ``suffix``, ``start``, ``end``."""
    return _anchor(item, W3C_NO_QUOTE)


def w3c_content(item: Any) -> tuple[str, str, tuple[dict[str, str], ...]]:
    """What a W3C annotation says: its verdict key, its note (the commenting bodies) and its sources
    (``{"url", "title", "excerpt"}``), read exactly as our export writes them."""
    if not isinstance(item, dict):
        raise Rejected("The item is not an annotation object.")
    verdict: str | None = None
    notes: list[str] = []
    sources: list[dict[str, str]] = []
    for body in _as_list(item.get("body")):
        if not isinstance(body, dict):
            continue
        purpose = body.get("purpose")
        if purpose == "assessing" and body.get("type", "TextualBody") == "TextualBody":
            if verdict is not None:
                raise Rejected("The annotation gives more than one verdict.", "body.verdict")
            verdict = verdict_key(_text(body.get("value"), "verdict", "body.verdict"))
        elif purpose == "commenting" or (purpose is None and body.get("type") == "TextualBody"):
            notes.append(_text(body.get("value"), "note", "body.note"))
        elif purpose == "linking" or body.get("type") == "SpecificResource":
            field = f"body.sources[{len(sources)}]"
            excerpt = next(
                (
                    _text(s.get("exact"), "source excerpt", f"{field}.excerpt")
                    for s in _as_list(body.get("selector"))
                    if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"
                ),
                "",
            )
            sources.append(
                {
                    "url": _text(body.get("source") or body.get("id"), "source address", f"{field}.url"),
                    "title": _text(body.get("label"), "source title", f"{field}.title"),
                    "excerpt": excerpt,
                }
            )
    if verdict is None:
        raise Rejected("The annotation has no verdict (a TextualBody with purpose “assessing”).", "body.verdict")
    return verdict, "\n\n".join(n for n in notes if n), tuple(sources)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _clean(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


def w3c_creator(value: Any) -> tuple[str | None, str | None, str | None]:
    """(nickname, name, IRI) of a W3C creator: an agent object (``nickname``, ``name``, ``id``), a bare
    IRI, or a list of them (the first counts). Each None when absent or blank."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return None, None, _string(value) and _clean(value).strip()
    if not isinstance(value, dict):
        return None, None, None
    iri = _string(value.get("id")) or _string(value.get("@id"))
    name = _string(value.get("name"))
    return _string(value.get("nickname")), name and _clean(name), iri and _clean(iri).strip()


def parse_w3c_annotation(item: Any) -> Incoming:
    """One W3C annotation as an :class:`Incoming`; Rejected with the reason when it can't be one."""
    anchor = w3c_target(item)
    verdict, note, sources = w3c_content(item)
    nickname, name, iri = w3c_creator(item.get("creator"))
    return Incoming(
        **anchor,
        verdict=verdict,
        note=note,
        sources=sources,
        creator_username=nickname,
        creator_name=name,
        creator_id=iri,
        created=_moment(item.get("created")),
        modified=_moment(item.get("modified")),
    )


HYPOTHESIS_ACCOUNT = re.compile(r"^acct:([^@\s]+@\S+)$")


def _verdict_or_none(tag: Any) -> str | None:
    if not isinstance(tag, str):
        return None
    try:
        return verdict_key(tag)
    except Rejected:
        return None


def parse_hypothesis_annotation(row: Any, *, untagged: str = UNTAGGED_DRAFT) -> Incoming:
    """One Hypothesis annotation: the tag that names a verdict gives the verdict; its text and
    the other tags give the note. A highlight whose tags name no verdict has the verdict "" (a
    claim awaiting one) or, with ``untagged`` "skip", is rejected; one whose tags name several is
    rejected. Page notes and replies (no selectors) are rejected."""
    anchor = _anchor(row, "The annotation quotes no words (a page note or a reply): nothing to anchor.")
    if anchor["target_source"] is None and isinstance(row.get("uri"), str):
        anchor["target_source"] = row["uri"]
    tags = [t for t in _as_list(row.get("tags")) if isinstance(t, str) and t.strip()]
    judged = [(tag, _verdict_or_none(tag)) for tag in tags]
    named = {key for _, key in judged if key}
    if not named and untagged != UNTAGGED_DRAFT:
        raise Rejected(
            f"No tag names a verdict (tags: {', '.join(tags) or 'none'}); "
            f"tag it with one of: {', '.join(v.label for v in verdicts.SCALE)}."
        )
    if len(named) > 1:
        raise Rejected(f"Its tags name several verdicts ({', '.join(sorted(named))}); keep one.")
    others = [tag.strip() for tag, key in judged if key is None]
    note = "\n\n".join(
        part
        for part in (_text(row.get("text"), "note").strip(), f"Tags: {', '.join(others)}" if others else "")
        if part
    )
    user = row.get("user")
    account = HYPOTHESIS_ACCOUNT.match(user) if isinstance(user, str) else None
    user_info = row.get("user_info") if isinstance(row.get("user_info"), dict) else {}
    return Incoming(
        **anchor,
        verdict=named.pop() if named else "",
        note=note,
        creator_username=account.group(1) if account else None,
        creator_name=user_info.get("display_name") if isinstance(user_info.get("display_name"), str) else None,
        created=_moment(row.get("created")),
        modified=_moment(row.get("updated")),
    )
