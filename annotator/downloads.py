"""Export downloads: W3C Web Annotation JSON-LD and CSV, from the browser and the CLI."""
from __future__ import annotations

import json
from typing import Callable

from flask import Blueprint, Response, url_for
from flask_login import current_user
from sqlmodel import Session

from . import db, exports, spans
from .models import Annotation, Article
from .web import get_or_404

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


FORMATS: dict[str, Callable[..., str]] = {
    "w3c": lambda **kw: json.dumps(w3c_document(**kw), ensure_ascii=False, indent=2) + "\n",
    "csv": csv_document,
}


def _attachment(body: str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/articles/<int:article_id>/annotations.jsonld")
def w3c(article_id: int):
    """Every annotation of the article as a W3C Web Annotation collection."""
    article = get_or_404(Article, article_id)
    return _attachment(FORMATS["w3c"](session=db.session(), article=article, viewer=current_user),
                       "application/ld+json", f"{article.slug}-annotations.jsonld")


@bp.get("/articles/<int:article_id>/annotations.csv")
def csv(article_id: int):
    """Every annotation of the article as CSV, one row per annotation."""
    article = get_or_404(Article, article_id)
    return _attachment(FORMATS["csv"](session=db.session(), article=article, viewer=current_user),
                       "text/csv", f"{article.slug}-annotations.csv")
