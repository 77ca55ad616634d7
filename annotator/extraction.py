"""The article in a web page: its main text and metadata, extracted with trafilatura.

Navigation, adverts, comments and footers are left out; each paragraph of the text is one
line, as articles are stored. Pure apart from trafilatura: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import trafilatura

from .text import canonicalize, one_line


class ExtractionError(ValueError):
    """Why no article could be taken from the page, in a sentence."""


@dataclass(frozen=True)
class ExtractedArticle:
    title: str
    text: str  # canonical, one paragraph per line
    author: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    canonical_url: str | None = None


def decode(body: bytes, charset: str | None) -> str | bytes:
    """The page as text when the server named its encoding; otherwise the bytes, for trafilatura
    to decode by the page's own <meta charset> (or by guessing)."""
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:  # an encoding Python does not know: let the page say
            return body
    return body


def extract_article(page: str | bytes, url: str | None = None) -> ExtractedArticle:
    """The page's article; ExtractionError when it holds no article text."""
    found = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False,
                                        include_tables=False, favor_precision=True)
    text = canonicalize((found.text or "") if found is not None else "")
    if len(text) < 40:  # a sign-in form or a list of links is not an article
        raise ExtractionError("No article text was found on the page.")
    title = one_line(found.title) or ""
    lines = text.split("\n")
    if title and lines[0].strip() == title and len(lines) > 1:  # the headline, kept apart as the title
        text = "\n".join(lines[1:]).strip()
    canonical = found.url if (found.url or "").startswith(("http://", "https://")) and len(found.url) <= 2000 else None
    return ExtractedArticle(  # cut to the lengths the article's columns take
        title=(title or lines[0])[:300],
        text=text,
        author=(one_line(found.author) or "")[:200] or None,
        publisher=(one_line(found.sitename) or "")[:200] or None,
        published_on=_date(found.date),
        canonical_url=canonical,
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def text_of_file(filename: str, data: bytes) -> str:
    """The article text of a file: a saved web page's (.html) extracted article, or UTF-8 text.
    ValueError (ExtractionError for a page without an article) with the reason."""
    if filename.lower().endswith((".html", ".htm")):
        return extract_article(data).text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{filename} is not UTF-8 text; save it as UTF-8, or paste its text.") from None
