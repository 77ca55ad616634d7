"""The article page and its side panel: what they render, and page versus fragment.

Every panel view (claims list, claim, annotation form) answers an htmx request
with the panel fragment, and a normal request with the whole article page with
that panel open, so each panel has a real address.
"""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_htmx import make_response as htmx_response
from sqlmodel import Session

from . import db, spans, text
from .models import Article, Span, User
from .web import get_or_404, htmx_request


def article_context(*, session: Session, article: Article) -> dict:
    """What the article text, its counters and the claims list render."""
    summaries = spans.span_summaries(session=session, article_id=article.id)
    return {
        "article": article,
        "paragraphs": text.paragraphs(article.text, [s.ref() for s in summaries]),
        "tones": {s.id: s.tone for s in summaries},
        "claims": summaries,
        "annotation_count": sum(len(s.judgements) for s in summaries),
    }


def span_panel_context(*, session: Session, span: Span, user: User) -> dict:
    """What the claim panel renders: the span, its annotations, overlapping claims."""
    annotations = spans.span_annotations(session=session, span=span)
    return {
        "span": span,
        "annotations": annotations,
        "own": next((a for a in annotations if a.user_id == user.id), None),
        "overlapping": spans.overlapping_spans(session=session, span=span),
    }


def load_span(article_id: int, span_id: int) -> tuple[Article, Span]:
    """The article and one of its spans, or 404."""
    article = get_or_404(Article, article_id)
    span = get_or_404(Span, span_id)
    if span.article_id != article.id:
        abort(404)
    return article, span


def claim_address(span: Span) -> str:
    """The article page with this claim open in the panel."""
    return url_for("articles.show", article_id=span.article_id, span=span.id)


def render_panel(panel: str, status: int = 200, *, article: Article, refresh_text: bool = False,
                 address: str | None = None, **context):
    """The panel fragment for htmx, or the article page with that panel open.

    ``refresh_text`` adds out-of-band swaps of the article text and counters,
    so that highlights change in place after a save or delete. ``address`` is
    the page URL that shows this panel; htmx puts it in the location bar, so a
    claim can be bookmarked, shared and reloaded.
    """
    if htmx_request():
        if refresh_text:
            context.update(article_context(session=db.session(), article=article))
        body = render_template("annotations/_panel_response.html", panel=panel, refresh_text=refresh_text,
                               **(context | {"article": article}))
        return htmx_response(body, status, push_url=address)
    return render_article_page(panel, status, article=article, **context)


def render_article_page(panel: str, status: int = 200, *, article: Article, **context):
    """The whole article page with ``panel`` open in its side panel."""
    page = article_context(session=db.session(), article=article) | context
    return render_template("articles/show.html", panel=panel, **page), status
