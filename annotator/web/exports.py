"""Export downloads of an article: W3C Web Annotation JSON-LD, CSV and ClaimReview (``services.exports``
writes them)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, current_app, request, stream_with_context
from flask_login import current_user
from sqlmodel import Session

from annotator.db.models import Article
from annotator.extensions import db
from annotator.services.exports import FORMATS, Addresses, in_pieces
from annotator.web.helpers import attachment, get_or_404

bp = Blueprint("exports", __name__)


def download(export_format: str, article: Article, filename: str, mimetype: str):
    """The export as a streamed download, read with a session of its own.

    Flask closes the request's session when the view returns, before the body is sent; a stream
    that went on using it would open a connection that nothing gives back to the pool.
    """
    # The user itself, not the proxy: the visibility rule reads it once per annotation.
    viewer = current_user._get_current_object()
    engine, article_id = db.engine(), article.id
    options = {
        "viewer": viewer,
        "addresses": Addresses.under(request.url_root),
        "organisation": current_app.config["ORGANISATION_NAME"],
    }

    def chunks() -> Iterator[str]:
        with Session(engine, expire_on_commit=False) as session:
            streamed = session.get(Article, article_id)
            yield from in_pieces(FORMATS[export_format](session=session, article=streamed, **options))

    return attachment(stream_with_context(chunks()), filename, mimetype)


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
