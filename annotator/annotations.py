"""The side panel: span panel, annotation form, saving, editing and deleting (htmx)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from . import db, spans
from .anchoring import AnchorError, Target, resolve_target
from .forms import MAX_SOURCES, AnnotationForm, NewAnnotationForm
from .models import Annotation, Article, Span
from .web import get_or_404, htmx_request

bp = Blueprint("annotations", __name__)


def render_panel(article: Article, panel: str, status: int = 200, *, refresh_text: bool = False,
                 address: str | None = None, **context):
    """The panel fragment for htmx, or the article page with that panel open.

    ``refresh_text`` adds out-of-band swaps of the article text and counters,
    so that highlights change in place after a save or delete. ``address`` is
    the page URL that shows this panel; htmx puts it in the location bar, so a
    claim can be bookmarked, shared and reloaded.
    """
    if htmx_request():
        if refresh_text:
            context.update(spans.article_context(session=db.session(), article=article))
        context["article"] = article
        body = render_template("annotations/_panel_response.html", panel=panel, refresh_text=refresh_text, **context)
        return htmx_response(body, status, push_url=address)
    context = spans.article_context(session=db.session(), article=article) | context
    return render_template("articles/show.html", panel=panel, **context), status


def claim_address(span: Span) -> str:
    """The article page with this claim open in the panel."""
    return url_for("articles.show", article_id=span.article_id, span=span.id)


def load_span(article_id: int, span_id: int) -> tuple[Article, Span]:
    """The article and one of its spans, or 404."""
    article = get_or_404(Article, article_id)
    span = get_or_404(Span, span_id)
    if span.article_id != article.id:
        abort(404)
    return article, span


def load_own_annotation(annotation_id: int) -> Annotation:
    """An annotation the signed-in user may change: 404 when missing, 403 when not theirs."""
    annotation = get_or_404(Annotation, annotation_id)
    if annotation.deleted_at is not None:
        abort(404)
    if not annotation.is_owned_by(current_user):
        abort(403)
    return annotation


def form_target(form: NewAnnotationForm, article: Article) -> Target | None:
    """The target the form asks for, checked against the text; errors go on the quote field."""
    try:
        return resolve_target(article.text, start=form.start.data, end=form.end.data,
                              quote=form.quote.data, prefix=form.prefix.data or "", suffix=form.suffix.data or "")
    except AnchorError as error:
        form.quote.errors = [*form.quote.errors, str(error)]
        return None


def form_context(form, *, action: str, quote: str, existing: Annotation | None = None) -> dict:
    return {"form": form, "action": action, "quote": quote, "existing": existing, "max_sources": MAX_SOURCES}


@bp.get("/articles/<int:article_id>/claims")
def claims(article_id: int):
    """The panel's default view: every annotated claim of the article."""
    article = get_or_404(Article, article_id)
    context = spans.article_context(session=db.session(), article=article)
    del context["article"]  # passed positionally
    return render_panel(article, "annotations/_claims.html",
                        address=url_for("articles.show", article_id=article.id), **context)


@bp.get("/articles/<int:article_id>/spans/<int:span_id>")
def span_panel(article_id: int, span_id: int):
    """A claim with every reviewer's annotation on it."""
    article, span = load_span(article_id, span_id)
    return render_panel(article, "annotations/_span_panel.html", address=claim_address(span),
                        **spans.span_panel_context(session=db.session(), span=span, user=current_user))


@bp.get("/articles/<int:article_id>/annotate")
def annotate(article_id: int):
    """The annotation form for a selection (``start``, ``end``, ``quote`` in the query)."""
    article = get_or_404(Article, article_id)
    # Not validated here; CSRF stays on so that the form (even with errors) renders its token.
    form = NewAnnotationForm(formdata=request.args)
    form.verdict.data = form.verdict.data or ""
    target = form_target(form, article)
    existing = None
    if target is not None:
        span = spans.find_span(session=db.session(), article_id=article.id, start=target.start, end=target.end)
        existing = spans.own_annotation(session=db.session(), span=span, user=current_user)
        # ``data=``, not keywords: ``prefix`` is also a Form constructor argument.
        form = NewAnnotationForm(formdata=None, obj=existing, data={
            "start": target.start, "end": target.end, "quote": target.quote,
            "prefix": target.prefix, "suffix": target.suffix})
    status = 200 if target is not None else 422
    return render_panel(article, "annotations/_form.html", status,
                        **form_context(form, action=url_for("annotations.create", article_id=article.id),
                                       quote=target.quote if target else form.quote.data or "", existing=existing))


@bp.post("/articles/<int:article_id>/annotations")
def create(article_id: int):
    """Save the signed-in reviewer's annotation on a selection (creating the span if new)."""
    article = get_or_404(Article, article_id)
    form = NewAnnotationForm()
    valid = form.validate()
    target = form_target(form, article) if form.quote.data else None
    action = url_for("annotations.create", article_id=article.id)
    if not valid or target is None:
        return render_panel(article, "annotations/_form.html", 422,
                            **form_context(form, action=action, quote=target.quote if target else form.quote.data or ""))
    annotation = spans.save_annotation(
        session=db.session(), user=current_user, article=article, target=target,
        verdict=form.verdict.data, note=form.note.data or "", sources=form.source_rows(),
    )
    return after_change(article, annotation.span)


@bp.get("/annotations/<int:annotation_id>")
def show(annotation_id: int):
    """An annotation's own address (used as its W3C id): its claim in the article."""
    annotation = get_or_404(Annotation, annotation_id)
    if annotation.deleted_at is not None:
        abort(404)
    return redirect(claim_address(annotation.span))


@bp.get("/annotations/<int:annotation_id>/edit")
def edit(annotation_id: int):
    """The form to change one's own annotation."""
    annotation = load_own_annotation(annotation_id)
    form = AnnotationForm(formdata=None, obj=annotation)
    return render_panel(annotation.span.article, "annotations/_form.html",
                        **form_context(form, action=url_for("annotations.update", annotation_id=annotation.id),
                                       quote=annotation.span.quote, existing=annotation))


@bp.post("/annotations/<int:annotation_id>")
def update(annotation_id: int):
    """Save changes to one's own annotation."""
    annotation = load_own_annotation(annotation_id)
    article = annotation.span.article
    form = AnnotationForm()
    if not form.validate():
        return render_panel(article, "annotations/_form.html", 422,
                            **form_context(form, action=url_for("annotations.update", annotation_id=annotation.id),
                                           quote=annotation.span.quote, existing=annotation))
    spans.update_annotation(session=db.session(), annotation=annotation, verdict=form.verdict.data,
                            note=form.note.data or "", sources=form.source_rows())
    return after_change(article, annotation.span)


@bp.post("/annotations/<int:annotation_id>/delete")
def delete(annotation_id: int):
    """Hide one's own annotation (it stays in the database)."""
    annotation = load_own_annotation(annotation_id)
    spans.delete_annotation(session=db.session(), annotation=annotation)
    return after_change(annotation.span.article, annotation.span)


def after_change(article: Article, span: Span):
    """After a save or delete: the span panel and fresh highlights, or a redirect without htmx."""
    if not htmx_request():
        return redirect(claim_address(span), code=303)
    return render_panel(article, "annotations/_span_panel.html", refresh_text=True, address=claim_address(span),
                        **spans.span_panel_context(session=db.session(), span=span, user=current_user))


@bp.get("/annotate/source-row")
def source_row():
    """One more empty source row for the annotation form."""
    index = request.args.get("index", type=int)
    if index is None or not 0 <= index < MAX_SOURCES * 5:
        abort(404)
    form = AnnotationForm(formdata=None, meta={"csrf": False})
    while len(form.sources.entries) <= index:
        form.sources.append_entry()
    return render_template("annotations/_source_row_added.html", row=form.sources.entries[index],
                           index=index, max_sources=MAX_SOURCES)
