"""Checked before: earlier settled claims and external fact-checks that match a claim, the
lead's "same claim as" links, and loading published ClaimReviews into the matching corpus.

Queries and writes only (no Flask); the scoring is :mod:`matching`, reading ClaimReview files
is :mod:`claimreview_reader`. A claim's matches cost two queries (settled claims of other
articles, external checks), each reading at most ``matching.CANDIDATES`` rows that share a
key word with the claim; its links cost two more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from annotator.db.models import MAX_ID, Annotation, Article, ClaimLink, ExternalCheck, FinalVerdict, Span, User, utcnow
from annotator.db.sql import id_col
from annotator.domain import matching
from annotator.formats.claimreview_reader import ExternalReview, Skipped
from annotator.services import history
from annotator.services.visibility import listed_to


@dataclass(frozen=True)
class SettledClaim:
    """A settled claim of another article, as "Checked before" shows it."""

    span_id: int
    article_id: int
    article_title: str
    quote: str
    verdict: str
    settled_at: datetime
    kind: str = "claim"


@dataclass(frozen=True)
class External:
    """An external check, as "Checked before" shows it."""

    id: int
    url: str
    claim: str
    rating: str
    publisher: str
    published_on: date | None
    kind: str = "external"


@dataclass(frozen=True)
class Link:
    """An active "same claim as" link seen from one claim: the other side and the link's id."""

    id: int
    other: SettledClaim | External | UnsettledClaim


@dataclass(frozen=True)
class UnsettledClaim:
    """A linked claim with no final verdict yet (the claim being annotated, seen from the other side)."""

    span_id: int
    article_id: int
    article_title: str
    quote: str
    kind: str = "claim"
    verdict: str | None = None
    settled_at: datetime | None = None


def _like_any(column, terms: list[str], dialect: str):
    """``column`` holds any of the terms, ignoring case (terms are word characters: only ``_`` needs escaping).

    SQLite's LIKE ignores ASCII case by itself; ``lower(x) LIKE lower(y)`` would lower every row's
    text first and fold no more letters (SQLite's lower() is ASCII-only too). So on SQLite a
    candidate differing by the case of a non-ASCII letter alone is missed (README: Checked before).
    """
    patterns = ["%" + t.replace("_", "\\_") + "%" for t in terms]
    if dialect == "sqlite":
        return or_(*(column.like(p, escape="\\") for p in patterns))
    return or_(*(column.ilike(p, escape="\\") for p in patterns))


def matches(
    *, session: Session, quote: str, article_id: int | None, limit: int = matching.LIMIT
) -> list[matching.Match]:
    """Settled claims of other articles and external checks that read like ``quote``, best first.

    Final verdicts are published: every signed-in user may see them, and nothing here reads
    an annotation, so no draft or blind verdict can leak.
    """
    terms = matching.key_terms(quote)
    if not terms:
        return []
    dialect = session.get_bind().dialect.name
    ruled_words = func.coalesce(col(FinalVerdict.quote), col(Span.quote))
    # Declared: SQLAlchemy types a column's .label() as Label[Never], from which mypy infers no type.
    settled: Select[*tuple[Any, ...]]
    settled = (
        select(
            col(Span.id).label("span_id"),
            col(Span.article_id).label("article_id"),
            col(Article.title).label("title"),
            ruled_words.label("quote"),
            col(FinalVerdict.verdict).label("verdict"),
            col(FinalVerdict.updated_at).label("settled_at"),
        )
        .join(Span, col(Span.id) == FinalVerdict.span_id)
        .join(Article, col(Article.id) == Span.article_id)
        .where(_like_any(ruled_words, terms, dialect))
        .order_by(col(FinalVerdict.updated_at).desc())
        .limit(matching.CANDIDATES)
    )
    if article_id is not None:
        settled = settled.where(col(Span.article_id) != article_id)
    candidates: list[tuple[SettledClaim | External, str]] = [
        (SettledClaim(row.span_id, row.article_id, row.title, row.quote, row.verdict, row.settled_at), row.quote)
        for row in session.execute(settled)
    ]
    external = (
        select(
            id_col(ExternalCheck.id),
            col(ExternalCheck.url),
            col(ExternalCheck.claim_reviewed),
            col(ExternalCheck.rating),
            col(ExternalCheck.publisher),
            col(ExternalCheck.published_on),
        )
        .where(_like_any(ExternalCheck.claim_reviewed, terms, dialect))
        .order_by(col(ExternalCheck.published_on).desc().nulls_last(), col(ExternalCheck.id).desc())
        .limit(matching.CANDIDATES)
    )
    candidates += [(External(*row), row.claim_reviewed) for row in session.execute(external)]
    return matching.rank(quote, candidates, limit=limit)


def identity(item: SettledClaim | UnsettledClaim | External) -> tuple[str, int]:
    """What a match or a link's other side is: a claim (by span id) or an external check (by id)."""
    return (item.kind, item.id) if isinstance(item, External) else (item.kind, item.span_id)


def as_external(check: ExternalCheck) -> External:
    assert check.id is not None  # a stored check
    return External(check.id, check.url, check.claim_reviewed, check.rating, check.publisher, check.published_on)


def links(*, session: Session, span: Span, viewer: User) -> list[Link]:
    """The span's active "same claim as" links that the viewer may see (two queries).

    A linked claim of another article shows when it is settled, or when the viewer may know
    of it anyway (a lead; a reviewer who can list one of its annotations).
    """
    other = aliased(Span)
    joined = or_(
        and_(col(ClaimLink.span_id) == span.id, col(other.id) == ClaimLink.other_span_id),
        and_(col(ClaimLink.other_span_id) == span.id, col(other.id) == ClaimLink.span_id),
    )
    statement: Select[*tuple[Any, ...]]  # declared, as in matches()
    statement = (
        select(
            col(ClaimLink.id).label("link_id"),
            col(other.id).label("span_id"),
            col(other.article_id).label("article_id"),
            col(other.quote).label("quote"),
            col(Article.title).label("title"),
            col(FinalVerdict.verdict).label("verdict"),
            col(FinalVerdict.updated_at).label("settled_at"),
            col(FinalVerdict.quote).label("ruled"),
        )
        .select_from(ClaimLink)
        .join(other, joined)
        .join(Article, col(Article.id) == other.article_id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == other.id)
        .where(col(ClaimLink.removed_at).is_(None))
        .order_by(col(ClaimLink.id))
    )
    if not viewer.is_lead:
        listed = exists(select(col(Annotation.id)).where(col(Annotation.span_id) == other.id, listed_to(viewer)))
        statement = statement.where(or_(col(FinalVerdict.id).is_not(None), listed))
    found: list[Link] = []
    for row in session.execute(statement):
        if row.verdict is None:
            found.append(Link(row.link_id, UnsettledClaim(row.span_id, row.article_id, row.title, row.quote)))
        else:
            found.append(
                Link(
                    row.link_id,
                    SettledClaim(
                        row.span_id, row.article_id, row.title, row.ruled or row.quote, row.verdict, row.settled_at
                    ),
                )
            )
    external = (
        select(col(ClaimLink.id), ExternalCheck)
        .join(ExternalCheck, col(ExternalCheck.id) == ClaimLink.external_check_id)
        .where(col(ClaimLink.span_id) == span.id, col(ClaimLink.removed_at).is_(None))
        .order_by(col(ClaimLink.id))
    )
    found += [Link(link_id, as_external(check)) for link_id, check in session.execute(external)]
    return found


class LinkError(ValueError):
    """A "same claim as" that cannot be made; the message says why."""


def link_claims(*, session: Session, span: Span, other: Span, user: User) -> ClaimLink:
    """Mark two claims of different articles as the same claim (nothing new when they are already)."""
    if other.article_id == span.article_id:
        raise LinkError("Choose a claim of another article: claims of one article are not linked this way.")
    assert span.id is not None and other.id is not None  # stored claims
    low, high = sorted((span.id, other.id))
    return _link(
        session, user, ClaimLink.span_id == low, ClaimLink.other_span_id == high, span_id=low, other_span_id=high
    )


def link_external(*, session: Session, span: Span, check: ExternalCheck, user: User) -> ClaimLink:
    """Mark a claim as the one an external check reviewed (nothing new when it is already)."""
    return _link(
        session,
        user,
        ClaimLink.span_id == span.id,
        ClaimLink.external_check_id == check.id,
        span_id=span.id,
        external_check_id=check.id,
    )


def _link(session: Session, user: User, *where, **values) -> ClaimLink:
    current = session.scalars(select(ClaimLink).where(*where, col(ClaimLink.removed_at).is_(None))).first()
    if current is not None:
        return current
    assert user.id is not None  # a signed-in user is a stored one
    # A removed link keeps its row; marking it again makes a new one, so both acts stay on record.
    link = ClaimLink(created_by_id=user.id, **values)
    session.add(link)
    _record(session, link, user, "linked")
    try:
        session.commit()
    except IntegrityError:  # another request linked the pair between the check and the insert
        session.rollback()
        return session.scalars(select(ClaimLink).where(*where, col(ClaimLink.removed_at).is_(None))).one()
    return link


def unlink(*, session: Session, link: ClaimLink, user: User) -> None:
    """Remove a "same claim as" link (its row stays, with who removed it and when)."""
    link.removed_at = utcnow()
    link.removed_by_id = user.id
    session.add(link)
    _record(session, link, user, "unlinked")
    session.commit()


def _record(session: Session, link: ClaimLink, user: User, action: str) -> None:
    """The link, or its removal, in the history of each claim it joins.

    The other side is named by ids (or the review's URL), never by its words: the history of a
    claim is read by people who may not know of a claim still under review elsewhere.
    """
    if link.external_check_id is not None:
        check = session.get(ExternalCheck, link.external_check_id)
        assert check is not None  # the link's foreign key: external checks are never removed
        sides = [(link.span_id, f"external check {check.url}")]
    else:
        assert link.other_span_id is not None  # a link joins a claim to an external check or to another claim
        spans = {
            row.id: row.article_id
            for row in session.execute(
                select(col(Span.id), col(Span.article_id)).where(col(Span.id).in_((link.span_id, link.other_span_id)))
            )
        }
        sides = [
            (here, f"claim {there} of article {spans[there]}")
            for here, there in ((link.span_id, link.other_span_id), (link.other_span_id, link.span_id))
        ]
    for span_id, other in sides:
        value = {"same_claim": other}
        history.record(
            session,
            span_id=span_id,
            user=user,
            action=action,
            before=value if action == "unlinked" else None,
            after=value if action == "linked" else None,
        )


def link_of_span(*, session: Session, span: Span, link_id: int) -> ClaimLink | None:
    """The active link with this id that has ``span`` on one side, or None."""
    link = session.get(ClaimLink, link_id) if 0 < link_id <= MAX_ID else None
    if link is None or link.removed_at is not None or span.id not in (link.span_id, link.other_span_id):
        return None
    return link


@dataclass
class Related:
    """What the exports say a claim is the same as: other claims (span id, article id) and external reviews."""

    claims: list[tuple[int, int]] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)


def related_in_article(*, session: Session, article_id: int, settled_only: bool) -> dict[int, Related]:
    """For each span of the article, its active links, for the exports (two queries).

    ``settled_only`` keeps only linked claims that are settled: what a public ClaimReview, or a
    reviewer's export, may point to.
    """
    mine, other = aliased(Span), aliased(Span)
    related: dict[int, Related] = defaultdict(Related)
    pairs = (
        select(col(mine.id), col(other.id), col(other.article_id))
        .select_from(ClaimLink)
        .join(mine, or_(col(mine.id) == ClaimLink.span_id, col(mine.id) == ClaimLink.other_span_id))
        .join(
            other,
            or_(
                and_(col(ClaimLink.span_id) == mine.id, col(other.id) == ClaimLink.other_span_id),
                and_(col(ClaimLink.other_span_id) == mine.id, col(other.id) == ClaimLink.span_id),
            ),
        )
        .where(col(mine.article_id) == article_id, col(ClaimLink.removed_at).is_(None))
        .order_by(col(ClaimLink.id))
    )
    if settled_only:
        pairs = pairs.where(exists(select(col(FinalVerdict.id)).where(col(FinalVerdict.span_id) == other.id)))
    for span_id, other_id, other_article in session.execute(pairs):
        related[span_id].claims.append((other_id, other_article))
    reviews = (
        select(col(ClaimLink.span_id), col(ExternalCheck.url))
        .join(ExternalCheck, col(ExternalCheck.id) == ClaimLink.external_check_id)
        .join(Span, col(Span.id) == ClaimLink.span_id)
        .where(col(Span.article_id) == article_id, col(ClaimLink.removed_at).is_(None))
        .order_by(col(ClaimLink.id))
    )
    for span_id, url in session.execute(reviews):
        related[span_id].reviews.append(url)
    return dict(related)


# --- Loading published ClaimReviews ----------------------------------------------------------------

IMPORTED, UPDATED, UNCHANGED, SKIPPED = "imported", "updated", "unchanged", "skipped"
IMPORT_OUTCOMES = (IMPORTED, UPDATED, UNCHANGED, SKIPPED)
_FIELDS = ("claim_reviewed", "rating", "rating_value", "publisher", "published_on", "claim_author", "appearance_url")


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPORT_OUTCOMES, 0))
    skipped: list[Skipped] = field(default_factory=list)

    def line(self) -> str:
        return ", ".join(f"{self.counts[o]} {o}" for o in IMPORT_OUTCOMES)


def import_reviews(
    *, session: Session, reviews: Iterable[ExternalReview], skipped: Iterable[Skipped] = ()
) -> ImportReport:
    """Store the reviews in the matching corpus: a new URL is imported, a known one updated
    (or left unchanged); one commit for the whole file."""
    report = ImportReport(skipped=list(skipped))
    report.counts[SKIPPED] = len(report.skipped)
    by_url: dict[str, ExternalReview] = {}
    for review in reviews:
        by_url[review.url] = review  # the last one in the file wins, as a later import would
    known: dict[str, ExternalCheck] = {}
    urls = sorted(by_url)
    for i in range(0, len(urls), 500):
        chunk = select(ExternalCheck).where(col(ExternalCheck.url).in_(urls[i : i + 500]))
        known.update((check.url, check) for check in session.scalars(chunk))
    now = utcnow()
    for url, review in by_url.items():
        values = {name: getattr(review, name) for name in _FIELDS}
        check = known.get(url)
        if check is None:
            session.add(ExternalCheck(url=url, imported_at=now, updated_at=now, **values))
            report.counts[IMPORTED] += 1
        elif any(getattr(check, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(check, name, value)
            check.updated_at = now
            report.counts[UPDATED] += 1
        else:
            report.counts[UNCHANGED] += 1
    session.commit()
    return report
