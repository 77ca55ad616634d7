"""Export downloads: W3C Web Annotation JSON-LD and CSV, from the browser and the CLI."""
from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator

from flask import Blueprint, current_app, stream_with_context, url_for
from flask_login import current_user
from sqlmodel import Session, select

from annotator.services import checks, spans
from annotator.extensions import db
from annotator.formats import exports
from annotator.db.models import Article, FinalVerdict, Span
from annotator.web.helpers import attachment, get_or_404

bp = Blueprint("downloads", __name__)


def article_iri(article: Article) -> str:
    """The article's public address: its source URL, or its page here."""
    return article.source_url or url_for("articles.show", article_id=article.id, _external=True)


def records(session: Session, article: Article, viewer) -> Iterator[exports.AnnotationRecord]:
    """The annotations ``viewer`` may read, as export records, streamed from the database in batches."""
    # One url_for for the whole export: building 100,000 addresses one by one costs seconds.
    iri_prefix = url_for("annotations.show", annotation_id=0, _external=True).removesuffix("0")
    related = related_addresses(session, article, settled_only=not viewer.is_lead)
    for item in spans.exportable_annotations(session=session, article=article, viewer=viewer):
        yield exports.AnnotationRecord(
            id=item.id, iri=f"{iri_prefix}{item.id}",
            creator_name=item.creator_name, creator_username=item.creator_username,
            created=item.created_at, modified=item.updated_at, verdict=item.verdict, note=item.note,
            start=item.start if item.placed else None, end=item.end if item.placed else None, quote=item.quote, prefix=item.prefix, suffix=item.suffix,
            sources=tuple(exports.SourceRecord(*source) for source in item.sources),
            related=related.get(item.span_id, ()),
        )


def related_addresses(session: Session, article: Article, *, settled_only: bool) -> dict[int, tuple[str, ...]]:
    """For each span of the article, the addresses of what a lead marked as the same claim
    (other claims' pages here, then external reviews)."""
    claim_prefix = url_for("articles.show", article_id=0, _external=True).removesuffix("0")
    return {span_id: tuple([f"{claim_prefix}{article_id}?span={other_id}" for other_id, article_id in found.claims]
                           + found.reviews)
            for span_id, found in checks.related_in_article(session=session, article_id=article.id,
                                                            settled_only=settled_only).items()}


def w3c_document(*, session: Session, article: Article, viewer) -> Iterator[str]:
    """The article's AnnotationCollection as ``viewer`` may see it, as streamed JSON text."""
    return exports.w3c_collection_json(
        records(session, article, viewer),
        collection_id=url_for("downloads.w3c", article_id=article.id, _external=True),
        label=f"Fact-check annotations on “{article.title}”",
        target_source=article_iri(article),
    )


def csv_document(*, session: Session, article: Article, viewer) -> Iterator[str]:
    return exports.csv_lines(records(session, article, viewer))


def claimreview_document(*, session: Session, article: Article, viewer=None) -> list[dict]:
    """One ClaimReview per settled claim of the article, in text order (final verdicts are public)."""
    statement = (select(FinalVerdict, Span).join(Span, Span.id == FinalVerdict.span_id)
                 .where(Span.article_id == article.id).order_by(Span.start, Span.end, Span.id))
    reviews = []
    # A published review points only to settled claims (and to other fact-checkers' reviews).
    related = related_addresses(session, article, settled_only=True)
    for final, span in session.exec(statement):
        record = exports.FinalVerdictRecord(
            url=url_for("articles.show", article_id=article.id, span=span.id, _external=True),
            quote=final.quote or span.quote, verdict=final.verdict, rationale=final.rationale,
            settled=final.created_at, modified=final.updated_at,
            cited=tuple(exports.SourceRecord(c["url"], c.get("title", ""), c.get("excerpt", ""))
                        for c in final.cited_sources),
            same_as=related.get(span.id, ()),
        )
        reviews.append(exports.claim_review(
            record, organisation=current_app.config["ORGANISATION_NAME"], article_url=article_iri(article),
            publisher=article.publisher,
            article_date=article.published_on.isoformat() if article.published_on else None,
        ))
    return reviews


def claimreview_json(**kwargs) -> Iterator[str]:
    # A few reviews per article at most: no need to stream them.
    yield json.dumps(claimreview_document(**kwargs), ensure_ascii=False, indent=2) + "\n"


# Each format gives its document as chunks of text, so that large exports stream.
FORMATS: dict[str, Callable[..., Iterator[str]]] = {
    "w3c": w3c_document,
    "claimreview": claimreview_json,
    "csv": csv_document,
}


def download(export_format: str, article: Article, filename: str, mimetype: str):
    """The export as a streamed download, read with a session of its own.

    Flask closes the request's session when the view returns, before the body is sent; a stream
    that went on using it would open a connection that nothing gives back to the pool.
    """
    # The user itself, not the proxy: the visibility rule reads it once per annotation.
    viewer = current_user._get_current_object()
    engine, article_id = db.engine(), article.id

    def chunks() -> Iterator[str]:
        with Session(engine, expire_on_commit=False) as session:
            streamed = session.get(Article, article_id)
            yield from in_pieces(FORMATS[export_format](session=session, article=streamed, viewer=viewer))

    return attachment(stream_with_context(chunks()), filename, mimetype)


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


@bp.get("/articles/<int:article_id>/annotations.jsonld")
def w3c(article_id: int):
    """Every annotation of the article as a W3C Web Annotation collection."""
    article = get_or_404(Article, article_id)
    return download("w3c", article, f"{article.slug}-annotations.jsonld", "application/ld+json")


@bp.get("/articles/<int:article_id>/claimreview.jsonld")
def claimreview(article_id: int):
    """The article's settled claims as schema.org ClaimReview JSON-LD (a JSON array; [] when none)."""
    article = get_or_404(Article, article_id)
    return download("claimreview", article, f"{article.slug}-claimreview.jsonld", "application/ld+json")


@bp.get("/articles/<int:article_id>/annotations.csv")
def csv(article_id: int):
    """Every annotation of the article as CSV, one row per annotation."""
    article = get_or_404(Article, article_id)
    return download("csv", article, f"{article.slug}-annotations.csv", "text/csv")
