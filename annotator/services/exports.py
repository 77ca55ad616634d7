"""The export documents of an article: W3C Web Annotation JSON-LD, CSV and ClaimReview, as the viewer
may see them, streamed in pieces. The views, the API and the CLI pass in where things live
(:class:`Addresses`), so that the documents name this app's pages without a request."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from annotator.db import sql
from annotator.db.models import (
    DRAFT,
    ORPHANED,
    Annotation,
    Article,
    FinalVerdict,
    Publication,
    PublishedClaim,
    Source,
    Span,
    User,
)
from annotator.db.sql import select_columns
from annotator.formats import exports as formats
from annotator.services import checks, publishing
from annotator.services.visibility import can_see_verdict, not_deleted

EXPORT_BATCH = 1000


@dataclass(frozen=True)
class ExportItem:
    """One annotation as an export reads it: plain values, no ORM objects (100,000 of them must stream)."""

    id: int
    verdict: str
    note: str
    created_at: datetime
    updated_at: datetime
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    creator_name: str
    creator_username: str
    sources: tuple[tuple[str, str, str], ...]  # (url, title, excerpt) in the annotation's order
    placed: bool = True  # False for an orphan: start/end are in an older version
    span_id: int = 0


def exportable_annotations(
    *, session: Session, article: Article, viewer: User, batch_size: int | None = None
) -> Iterator[ExportItem]:
    """Every annotation of the article the viewer may read, in text order, fetched in batches.

    Two small queries up front (settled spans, the viewer's own submitted spans), then per
    batch one page of the annotation cursor (with its authors) and one query for its
    sources: memory stays bounded by the batch however large the article.
    """
    in_article = Span.article_id == article.id
    settled = set(session.exec(select(FinalVerdict.span_id).join(Span).where(in_article)))
    submitted_by_viewer = set(
        session.exec(
            select(Annotation.span_id)
            .join(Span)
            .where(in_article, Annotation.user_id == viewer.id, Annotation.status != DRAFT, not_deleted())
        )
    )
    statement = (
        select_columns(
            col(Annotation.id),
            col(Annotation.user_id),
            col(Annotation.status),
            col(Annotation.verdict),
            col(Annotation.note),
            col(Annotation.created_at),
            col(Annotation.updated_at),
            col(Span.id).label("span_id"),
            col(Span.start),
            col(Span.end),
            col(Span.quote),
            col(Span.prefix),
            col(Span.suffix),
            col(Span.anchor_state),
            col(User.display_name),
            col(User.username),
        )
        .join(Span, col(Span.id) == Annotation.span_id)
        .join(User, col(User.id) == Annotation.user_id)
        .where(in_article, not_deleted())
        .order_by(col(Span.start), col(Span.end), col(Annotation.id))
        .execution_options(yield_per=batch_size or EXPORT_BATCH)
    )
    for batch in sql.rows(session, statement).partitions():
        visible = [
            row
            for row in batch
            if can_see_verdict(
                viewer,
                author_id=row.user_id,
                status=row.status,
                blind=article.blind_review,
                settled=row.span_id in settled,
                viewer_submitted=row.span_id in submitted_by_viewer,
            )
        ]
        sources = _active_sources(session, [row.id for row in visible])
        for row in visible:
            yield ExportItem(
                id=row.id,
                verdict=row.verdict,
                note=row.note,
                created_at=row.created_at,
                updated_at=row.updated_at,
                start=row.start,
                end=row.end,
                quote=row.quote,
                prefix=row.prefix,
                suffix=row.suffix,
                creator_name=row.display_name,
                creator_username=row.username,
                sources=tuple(sources.get(row.id, ())),
                placed=row.anchor_state != ORPHANED,
                span_id=row.span_id,
            )


def _active_sources(session: Session, annotation_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """The sources each annotation cites now, in order, for one batch (one query)."""
    cited: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    if annotation_ids:
        statement = (
            select(col(Source.annotation_id), col(Source.url), col(Source.title), col(Source.excerpt))
            .where(col(Source.annotation_id).in_(annotation_ids), col(Source.removed_at).is_(None))
            .order_by(col(Source.annotation_id), col(Source.position))
        )
        for annotation_id, url, title, excerpt in session.execute(statement):
            cited[annotation_id].append((url, title, excerpt))
    return cited


@dataclass(frozen=True)
class Addresses:
    """The app's absolute address (``http://host/`` and any prefix it is mounted under), and the pages
    under it that exports point to."""

    root: str

    @classmethod
    def under(cls, root: str) -> Addresses:
        return cls(root.rstrip("/") + "/")

    def article(self, article_id: int) -> str:
        return f"{self.root}articles/{article_id}"

    def claim(self, article_id: int, span_id: int) -> str:
        return f"{self.root}articles/{article_id}?span={span_id}"

    def annotation(self, annotation_id: int) -> str:
        return f"{self.root}annotations/{annotation_id}"

    def collection(self, article_id: int) -> str:
        return f"{self.root}articles/{article_id}/annotations.jsonld"

    def public_claim(self, slug: str, number: int) -> str:
        """A published claim's public page (``web.public``)."""
        return f"{self.root}p/{slug}/claims/{number}"


def article_iri(article: Article, addresses: Addresses) -> str:
    """The article's public address: its source URL, or its page here."""
    assert article.id is not None  # a stored article
    return article.source_url or addresses.article(article.id)


def records(session: Session, article: Article, viewer, addresses: Addresses) -> Iterator[formats.AnnotationRecord]:
    """The annotations ``viewer`` may read, as export records, streamed from the database in batches."""
    related = related_addresses(session, article, addresses, settled_only=not viewer.is_lead)
    for item in exportable_annotations(session=session, article=article, viewer=viewer):
        yield formats.AnnotationRecord(
            id=item.id,
            iri=addresses.annotation(item.id),
            creator_name=item.creator_name,
            creator_username=item.creator_username,
            created=item.created_at,
            modified=item.updated_at,
            verdict=item.verdict,
            note=item.note,
            start=item.start if item.placed else None,
            end=item.end if item.placed else None,
            quote=item.quote,
            prefix=item.prefix,
            suffix=item.suffix,
            sources=tuple(formats.SourceRecord(*source) for source in item.sources),
            related=related.get(item.span_id, ()),
        )


def related_addresses(
    session: Session, article: Article, addresses: Addresses, *, settled_only: bool
) -> dict[int, tuple[str, ...]]:
    """For each span of the article, the addresses of what a lead marked as the same claim
    (other claims' pages here, then external reviews)."""
    assert article.id is not None  # a stored article
    return {
        span_id: tuple([addresses.claim(article_id, other_id) for other_id, article_id in found.claims] + found.reviews)
        for span_id, found in checks.related_in_article(
            session=session, article_id=article.id, settled_only=settled_only
        ).items()
    }


def w3c_document(*, session: Session, article: Article, viewer, addresses: Addresses, **_) -> Iterator[str]:
    """The article's AnnotationCollection as ``viewer`` may see it, as streamed JSON text."""
    assert article.id is not None  # a stored article
    return formats.w3c_collection_json(
        records(session, article, viewer, addresses),
        collection_id=addresses.collection(article.id),
        label=f"Fact-check annotations on “{article.title}”",
        target_source=article_iri(article, addresses),
    )


def csv_document(*, session: Session, article: Article, viewer, addresses: Addresses, **_) -> Iterator[str]:
    return formats.csv_lines(records(session, article, viewer, addresses))


def claimreview_document(
    *, session: Session, article: Article, addresses: Addresses, organisation: str, **_
) -> list[dict]:
    """One ClaimReview per settled claim of the article, in text order (final verdicts are public)."""
    assert article.id is not None  # a stored article
    statement = (
        select(FinalVerdict, Span)
        .join(Span, col(Span.id) == FinalVerdict.span_id)
        .where(Span.article_id == article.id)
        .order_by(col(Span.start), col(Span.end), col(Span.id))
    )
    reviews = []
    # A published review points only to settled claims (and to other fact-checkers' reviews).
    related = related_addresses(session, article, addresses, settled_only=True)
    public = published_addresses(session, article, addresses)
    for final, span in session.exec(statement):
        record = formats.FinalVerdictRecord(
            # Its public page once published (or the desk's own page); else its address here.
            url=public.get(final.span_id) or addresses.claim(article.id, final.span_id),
            quote=final.quote or span.quote,
            verdict=final.verdict,
            rationale=final.rationale,
            settled=final.created_at,
            modified=final.updated_at,
            cited=tuple(
                formats.SourceRecord(c["url"], c.get("title", ""), c.get("excerpt", "")) for c in final.cited_sources
            ),
            same_as=related.get(final.span_id, ()),
            record=final.record,
        )
        reviews.append(
            formats.claim_review(
                record,
                organisation=organisation,
                article_url=article_iri(article, addresses),
                publisher=article.publisher,
                article_date=article.published_on.isoformat() if article.published_on else None,
            )
        )
    return reviews


def published_addresses(session: Session, article: Article, addresses: Addresses) -> dict[int, str]:
    """The public address of each of the article's claims that is published now (span id -> url)."""
    rows = session.exec(
        select(PublishedClaim.span_id, PublishedClaim.number, Publication.slug, Publication.canonical_url)
        .join(Publication, col(Publication.id) == PublishedClaim.publication_id)
        .where(Publication.article_id == article.id, col(Publication.live), col(PublishedClaim.public))
    )
    return {
        span_id: publishing.on_desk_page(canonical, number) or addresses.public_claim(slug, number)
        for span_id, number, slug, canonical in rows
    }


def claimreview_json(**kwargs) -> Iterator[str]:
    # A few reviews per article at most: no need to stream them.
    yield json.dumps(claimreview_document(**kwargs), ensure_ascii=False, indent=2) + "\n"


# Each format gives its document as chunks of text, so that large exports stream. Each takes
# session=, article=, viewer=, addresses= and organisation= (and ignores what it does not need).
FORMATS: dict[str, Callable[..., Iterator[str]]] = {
    "w3c": w3c_document,
    "claimreview": claimreview_json,
    "csv": csv_document,
}


def in_pieces(chunks: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    """The chunks joined into pieces of about ``size`` characters: one write per piece, not per annotation."""
    piece: list[str] = []
    length = 0
    for chunk in chunks:
        piece.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(piece)
            piece, length = [], 0
    if piece:
        yield "".join(piece)
