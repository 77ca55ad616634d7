"""Reading ClaimReview JSON-LD published by other fact-checkers. Pure: no Flask, no database.

A document may be one ClaimReview, a list of them, a page's ``@graph`` (objects of other
types in it are passed over), or a saved HTML page whose ``<script type="application/ld+json">``
blocks hold any of these. Each ClaimReview becomes an :class:`ExternalReview`, or a
:class:`Skipped` with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

from annotator.domain.text import CONTROL_CHARACTERS, loads_json


class NotClaimReview(ValueError):
    """The file holds no JSON-LD, or no ClaimReview at all (a one-line message)."""


@dataclass(frozen=True)
class ExternalReview:
    """What the matching corpus keeps of one published ClaimReview."""

    url: str
    claim_reviewed: str
    rating: str = ""
    rating_value: float | None = None
    publisher: str = ""
    published_on: date | None = None
    claim_author: str = ""
    appearance_url: str = ""


@dataclass(frozen=True)
class Skipped:
    number: int  # the ClaimReview's place in the file, from 1
    reason: str


class _JsonLdScripts(HTMLParser):
    """Collects the text of every ``<script type="application/ld+json">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        self._inside = tag == "script" and kind == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def documents(text: str) -> list[Any]:
    """The JSON documents in a file: the file itself if it is JSON, else its pages' JSON-LD blocks."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            return [loads_json(stripped)]
        except ValueError as error:  # JSONDecodeError, an integer too long to convert, a lone surrogate
            raise NotClaimReview(f"not valid JSON: {error}") from None
    if "<" not in stripped:
        raise NotClaimReview("neither JSON nor an HTML page")
    parser = _JsonLdScripts()
    try:
        parser.feed(text)
    except (AssertionError, ValueError):  # html.parser asserts on some malformed declarations
        raise NotClaimReview("the page's HTML cannot be read") from None
    found = []
    for block in parser.blocks:
        try:
            found.append(loads_json(block))
        except ValueError:
            continue  # a broken block elsewhere on the page must not hide the good ones
    if not found:
        raise NotClaimReview("the page has no readable application/ld+json block")
    return found


def _is_claim_review(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1].split(":")[-1] == "ClaimReview" for k in kinds)


def claim_reviews(document: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object in a document: itself, its list's items, its ``@graph``, nested lists."""
    if isinstance(document, list):
        for item in document:
            yield from claim_reviews(item)
    elif isinstance(document, dict):
        if _is_claim_review(document):
            yield document
        elif "@graph" in document:
            yield from claim_reviews(document["@graph"])


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _name(value: Any) -> str:
    """A person's or organisation's name: ``{"name": ...}``, or a plain string."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) else ""


def _url(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")) else ""


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None


def _number(value: Any) -> float | None:
    """A rating's number: a JSON number or a numeral, finite (10**400, "1e309" and "NaN" are no rating)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def parse_review(item: dict[str, Any]) -> ExternalReview:
    """One ClaimReview as an :class:`ExternalReview`; ValueError (the reason) when it lacks what a match needs."""
    url = _url(item.get("url")) or _url(item.get("@id"))
    if not url:
        raise ValueError("no http(s) url")
    claim = item.get("claimReviewed")
    claimed = _first(item.get("itemReviewed")) if isinstance(_first(item.get("itemReviewed")), dict) else {}
    if not isinstance(claim, str) or not claim.strip():
        claim = claimed.get("name") or claimed.get("text")
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError("no claimReviewed text")
    rating = _first(item.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    value = _number(rating.get("ratingValue"))
    label = rating.get("alternateName") or rating.get("name")
    if not isinstance(label, str) or not label.strip():
        label = "" if value is None else f"{value:g}"
    return ExternalReview(
        url=_clean(url)[:2000],
        claim_reviewed=" ".join(_clean(claim).split()),
        rating=_clean(label).strip()[:200],
        rating_value=value,
        publisher=_clean(_name(item.get("author")) or _name(item.get("publisher")))[:300],
        published_on=_day(item.get("datePublished")),
        claim_author=_clean(_name(claimed.get("author")))[:300],
        appearance_url=_clean(_url(claimed.get("appearance")) or _url(claimed.get("firstAppearance")))[:2000],
    )


def _clean(value: str) -> str:
    """Without control characters, as the app stores every text (PostgreSQL refuses NUL)."""
    return CONTROL_CHARACTERS.sub("", value)


def read(text: str) -> tuple[list[ExternalReview], list[Skipped]]:
    """Every ClaimReview in a file's text, parsed, and the ones skipped with their reasons.

    NotClaimReview when the file holds no ClaimReview at all.
    """
    reviews, skipped, number = [], [], 0
    for document in documents(text):
        for item in claim_reviews(document):
            number += 1
            try:
                reviews.append(parse_review(item))
            except ValueError as reason:
                skipped.append(Skipped(number, str(reason)))
    if not number:
        raise NotClaimReview("no ClaimReview found")
    return reviews, skipped
