"""Articles: adding one (its text made canonical, its version 1 and its suggested claims), fetching
one from the web, and the list with its figures."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from annotator.db.models import DRAFT, Annotation, Article, FinalVerdict, Span, User
from annotator.domain import checkworthiness, text
from annotator.net.extraction import ExtractedArticle, decode, extract_article
from annotator.net.fetching import FetchRules, fetch
from annotator.services import suggestions, versioning, visibility


def slugify(title: str) -> str:
    """A URL-friendly slug from a title (ASCII letters, digits and hyphens)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-") or "article"


def unique_slug(session: Session, title: str) -> str:
    base = slugify(title)
    taken = set(session.exec(select(Article.slug).where(Article.slug.startswith(base))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_article(
    *,
    session: Session,
    title: str,
    raw_text: str,
    created_by: User | None = None,
    author: str | None = None,
    publisher: str | None = None,
    source_url: str | None = None,
    published_on: date | None = None,
    origin: str = "created",
    scorer: checkworthiness.Scorer | None = None,
) -> Article:
    """Store a new article with its text made canonical (NFC, ``\\n``) as its version 1, with its
    suggested claims."""
    canonical = text.canonicalize(raw_text)
    if not canonical.strip():
        raise ValueError("the article text is empty")
    article = Article(
        slug=unique_slug(session, title),
        title=title.strip(),
        text=canonical,
        author=(author or "").strip() or None,
        publisher=(publisher or "").strip() or None,
        source_url=(source_url or "").strip() or None,
        published_on=published_on,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(article)
    session.flush()
    assert article.id is not None  # the flush gave it one
    session.add(versioning.first_version(article, created_by, origin))
    suggestions.store(session=session, article_id=article.id, version=1, article_text=canonical, scorer=scorer)
    session.commit()
    return article


def fetch_article(url: str, config: Mapping) -> tuple[ExtractedArticle, str]:
    """The article at ``url`` (fetched under the app's rules, then extracted) and the address
    that answered; FetchError or ExtractionError with the reason."""
    rules = FetchRules(
        allowed_hosts=config["FETCH_ALLOWED_HOSTS"],
        timeout=config["FETCH_TIMEOUT"],
        max_bytes=config["FETCH_MAX_BYTES"],
    )
    page = fetch(url, rules)
    return extract_article(decode(page.body, page.charset), page.url), page.url


def article_list(*, session: Session) -> list[tuple[Article, int, int, int]]:
    """Every article with its numbers of checked claims, submitted annotations and settled claims (one query).

    Drafts and deleted annotations do not count: the list says what was checked.
    """
    submitted = (col(Annotation.span_id) == Span.id) & visibility.not_deleted() & (col(Annotation.status) != DRAFT)
    statement = (
        select(
            Article,
            func.count(func.distinct(case((col(Annotation.id).is_not(None), Span.id)))),
            func.count(func.distinct(Annotation.id)),
            func.count(func.distinct(FinalVerdict.id)),
        )
        .outerjoin(Span, col(Span.article_id) == Article.id)
        .outerjoin(Annotation, submitted)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .group_by(col(Article.id))
        .order_by(col(Article.created_at).desc(), col(Article.id).desc())
    )
    return list(session.exec(statement))
