"""Suggested claims on the article page: dismissing a suggestion (anyone) and restoring it (leads)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from annotator.db.models import Article, Suggestion
from annotator.domain import text
from annotator.extensions import db
from annotator.services.suggestions import set_dismissed
from annotator.web.helpers import get_or_404, htmx_request, lead_required

bp = Blueprint("suggestions", __name__)


def load_suggestion(article_id: int, suggestion_id: int) -> tuple[Article, Suggestion]:
    article = get_or_404(Article, article_id)
    suggestion = get_or_404(Suggestion, suggestion_id)
    if suggestion.article_id != article.id:
        abort(404)
    return article, suggestion


def _respond(article: Article, suggestion: Suggestion):
    """The suggestions section again, and the paragraphs under the sentence with their underline
    removed or back (out of band); a full page without htmx."""
    if not htmx_request():
        return redirect(url_for("articles.show", article_id=article.id), code=303)
    from annotator.web.panel import article_context  # the panel imports this module

    context = article_context(session=db.session(), article=article, viewer=current_user)
    bounds = text.touched_bounds(article.text, suggestion.start, suggestion.end) or (0, 0)
    context["paragraphs"] = [p for p in context["paragraphs"] if bounds[0] <= p.start and p.end <= bounds[1]]
    body = render_template("annotations/_suggestions_response.html", **context)
    return htmx_response(body, 200)


@bp.post("/articles/<int:article_id>/suggestions/<int:suggestion_id>/dismiss")
def dismiss(article_id: int, suggestion_id: int):
    """Dismiss a suggested claim on this article (any signed-in user)."""
    article, suggestion = load_suggestion(article_id, suggestion_id)
    set_dismissed(session=db.session(), suggestion=suggestion, user=current_user, dismissed=True)
    return _respond(article, suggestion)


@bp.post("/articles/<int:article_id>/suggestions/<int:suggestion_id>/restore")
@lead_required
def restore(article_id: int, suggestion_id: int):
    """Bring a dismissed suggestion back (leads only)."""
    article, suggestion = load_suggestion(article_id, suggestion_id)
    set_dismissed(session=db.session(), suggestion=suggestion, user=current_user, dismissed=False)
    return _respond(article, suggestion)
