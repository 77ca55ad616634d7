"""Export downloads: W3C Web Annotation JSON-LD and CSV, from the browser and the CLI."""
from __future__ import annotations

import json
from typing import Callable

from flask import Blueprint, current_app, url_for
from flask_login import current_user
from sqlmodel import Session, select

from . import db, exports, spans
from .models import Annotation, Article, FinalVerdict, Span
from .web import attachment, get_or_404

bp = Blueprint("downloads", __name__)


def article_iri(article: Article) -> str:
    """The article's public address: its source URL, or its page here."""
    return article.source_url or url_for("articles.show", article_id=article.id, _external=True)


def to_record(annotation: Annotation) -> exports.AnnotationRecord:
    span = annotation.span
    return exports.AnnotationRecord(
        id=annotation.id,
        iri=url_for("annotations.show", annotation_id=annotation.id, _external=True),
        creator_name=annotation.user.display_name, creator_username=annotation.user.username,
        created=annotation.created_at, modified=annotation.updated_at,
        verdict=annotation.verdict, note=annotation.note,
        start=span.start, end=span.end, quote=span.quote, prefix=span.prefix, suffix=span.suffix,
        sources=tuple(exports.SourceRecord(s.url, s.title, s.excerpt) for s in annotation.sources),
    )


def records(session: Session, article: Article, viewer) -> list[exports.AnnotationRecord]:
    return [to_record(a) for a in spans.annotations_for_export(session=session, article=article, viewer=viewer)]


def w3c_document(*, session: Session, article: Article, viewer) -> dict:
    """The article's AnnotationCollection as ``viewer`` may see it (needs a request context for URLs)."""
    return exports.w3c_collection(
        records(session, article, viewer),
        collection_id=url_for("downloads.w3c", article_id=article.id, _external=True),
        label=f"Fact-check annotations on “{article.title}”",
        target_source=article_iri(article),
    )


def csv_document(*, session: Session, article: Article, viewer) -> str:
    return "".join(exports.csv_lines(records(session, article, viewer)))


def claimreview_document(*, session: Session, article: Article, viewer=None) -> list[dict]:
    """One ClaimReview per settled claim of the article, in text order (final verdicts are public)."""
    statement = (select(FinalVerdict, Span).join(Span, Span.id == FinalVerdict.span_id)
                 .where(Span.article_id == article.id).order_by(Span.start, Span.end, Span.id))
    reviews = []
    for final, span in session.exec(statement):
        record = exports.FinalVerdictRecord(
            url=url_for("articles.show", article_id=article.id, span=span.id, _external=True),
            quote=span.quote, verdict=final.verdict, rationale=final.rationale,
            settled=final.created_at, modified=final.updated_at,
            cited=tuple(exports.SourceRecord(c["url"], c.get("title", ""), c.get("excerpt", ""))
                        for c in final.cited_sources),
        )
        reviews.append(exports.claim_review(
            record, organisation=current_app.config["ORGANISATION_NAME"], article_url=article_iri(article),
            publisher=article.publisher,
            article_date=article.published_on.isoformat() if article.published_on else None,
        ))
    return reviews


def _json(document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[..., str]] = {
    "w3c": lambda **kw: _json(w3c_document(**kw)),
    "claimreview": lambda **kw: _json(claimreview_document(**kw)),
    "csv": csv_document,
}


@bp.get("/articles/<int:article_id>/annotations.jsonld")
def w3c(article_id: int):
    """Every annotation of the article as a W3C Web Annotation collection."""
    article = get_or_404(Article, article_id)
    return attachment(FORMATS["w3c"](session=db.session(), article=article, viewer=current_user),
                      f"{article.slug}-annotations.jsonld", "application/ld+json")


@bp.get("/articles/<int:article_id>/claimreview.jsonld")
def claimreview(article_id: int):
    """The article's settled claims as schema.org ClaimReview JSON-LD (a JSON array; [] when none)."""
    article = get_or_404(Article, article_id)
    return attachment(FORMATS["claimreview"](session=db.session(), article=article, viewer=current_user),
                      f"{article.slug}-claimreview.jsonld", "application/ld+json")


@bp.get("/articles/<int:article_id>/annotations.csv")
def csv(article_id: int):
    """Every annotation of the article as CSV, one row per annotation."""
    article = get_or_404(Article, article_id)
    return attachment(FORMATS["csv"](session=db.session(), article=article, viewer=current_user),
                      f"{article.slug}-annotations.csv", "text/csv")
