"""The side panel's actions: the claim panel, the annotation form, saving, editing, deleting."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.db.models import MAX_ID, SUBMITTED, Annotation, Article
from annotator.domain.anchoring import AnchorError, quote_at, resolve_target
from annotator.extensions import db
from annotator.services import annotations as annotation_service
from annotator.services import claims as claim_service
from annotator.services import discussion, history, saving, spans, visibility
from annotator.services.content import MAX_SOURCES
from annotator.web.annotation_forms import (
    SETTLED_MESSAGE,
    TEXT_CHANGED_MESSAGE,
    after_change,
    form_target,
    load_own_annotation,
    render_conflict,
    render_form,
    saved_message,
    target_fields,
    wants_submit,
)
from annotator.web.forms import AnnotationForm, CommentForm, NewAnnotationForm
from annotator.web.helpers import get_or_404, htmx_request
from annotator.web.panel import (
    article_context,
    claim_address,
    load_claim,
    load_span,
    render_panel,
    saved_panel_context,
    span_panel_context,
)

bp = Blueprint("annotations", __name__)


@bp.get("/articles/<int:article_id>/claims")
def claims(article_id: int):
    """The panel's default view: the article's annotated claims (the first ones; "Show more" brings the rest)."""
    article = get_or_404(Article, article_id)
    return render_panel(
        "annotations/_claims.html",
        address=url_for("articles.show", article_id=article.id),
        **article_context(session=db.session(), article=article, viewer=current_user, text_too=False),
    )


@bp.get("/articles/<int:article_id>/spans/<int:span_id>")
def span_panel(article_id: int, span_id: int):
    """A claim with every reviewer's annotation on it."""
    claim = load_claim(article_id, span_id)
    return render_panel(
        "annotations/_span_panel.html",
        article=claim.article,
        address=claim_address(claim.span),
        **span_panel_context(session=db.session(), span=claim.span, user=current_user, claim=claim),
    )


@bp.get("/articles/<int:article_id>/annotate")
def annotate(article_id: int):
    """The annotation form for a selection: ``start`` and ``end`` (or a ``quote``) in the query.

    The quote may be left out when offsets are given (it is read from the text),
    which keeps the URL short for long selections. A claim the user has judged
    already comes back prefilled: saving updates it.
    """
    article = get_or_404(Article, article_id)
    action = url_for("annotations.create", article_id=article.id)
    start, end = request.args.get("start", type=int), request.args.get("end", type=int)
    quote = request.args.get("quote") or quote_at(article.text, start, end)
    try:
        target = resolve_target(
            article.text,
            start=start,
            end=end,
            quote=quote,
            prefix=request.args.get("prefix", ""),
            suffix=request.args.get("suffix", ""),
        )
    except AnchorError as error:
        form = NewAnnotationForm(formdata=None, data={"start": start, "end": end, "quote": quote})
        form.quote.errors = [str(error)]
        return render_form(form, 422, article=article, action=action, quote=quote or "")
    session = db.session()
    span = spans.find_span(session=session, article_id=article.id, start=target.start, end=target.end)
    if span is not None and not visibility.knows_span(session=session, span=span, viewer=current_user):
        span = None  # words only another reviewer's draft holds: answered as if no claim were there
    existing = spans.own_annotation(session=session, span=span, user=current_user)
    form = NewAnnotationForm(formdata=None, obj=existing, data=target_fields(target, article))
    reattachable = () if span else visibility.known_orphans(session=session, article=article, viewer=current_user)
    return render_form(
        form, article=article, action=action, quote=target.quote, existing=existing, reattachable=reattachable
    )


@bp.post("/articles/<int:article_id>/annotations")
def create(article_id: int):
    """Save the signed-in reviewer's annotation on a selection (creating the span if new).

    A verdict on words the reviewer has not judged yet takes the fast way (``services.saving``: one
    read, the writes, the highlights of the touched paragraphs); saving over their own annotation, a
    selection placed by its quote alone, and invalid forms take the general one (:func:`save_general`).
    """
    form = NewAnnotationForm()
    start, end = form.start.data, form.end.data
    if (
        not form.validate()
        or start is None
        or end is None
        or not (0 < article_id <= MAX_ID and 0 <= start < end <= MAX_ID)
    ):
        return save_general(article_id, form)
    session = db.session()
    found = saving.lookup(session=session, article_id=article_id, start=start, end=end, user=current_user)
    if found is None:
        session.rollback()
        abort(404)
    current = form.article_version.data in (None, found.article.current_version)
    target = form_target(form, found.article) if current else None
    if target is None or found.own_id is not None or (target.start, target.end) != (start, end):
        return save_general(article_id, form, in_transaction=True)
    if found.settled:
        session.rollback()
        abort(403, SETTLED_MESSAGE)
    try:
        saved = saving.write_new(
            session=session,
            found=found,
            user=current_user,
            target=target,
            verdict=form.verdict.data,
            note=form.note.data or "",
            sources=form.source_rows(),
            submit=wants_submit(),
        )
    except saving.Raced:
        session.rollback()
        return save_general(article_id, form)
    announce = "Annotation submitted." if saved.annotation.status == SUBMITTED else "Annotation saved (draft)."
    if not htmx_request():
        return redirect(claim_address(saved.span), code=303)
    return render_panel(
        "annotations/_span_panel.html",
        article=found.article,
        refresh_text=True,
        address=claim_address(saved.span),
        announce=announce,
        **saved_panel_context(session=session, found=found, saved=saved, user=current_user),
    )


def save_general(article_id: int, form: NewAnnotationForm, *, in_transaction: bool = False):
    """The save through the ORM: 404, 409 on a new version, 422 with the form and its messages,
    StaleEdit's 409 and the settled claim's 403, for every case the fast way leaves to it."""
    if in_transaction:
        db.session().rollback()  # the fast way's read: this way reads again, in its own transaction
    article = get_or_404(Article, article_id)
    if form.article_version.data not in (None, article.current_version):
        abort(409, TEXT_CHANGED_MESSAGE)
    target = form_target(form, article) if form.quote.data else None
    if form.errors or target is None:
        return render_form(
            form,
            422,
            article=article,
            action=url_for("annotations.create", article_id=article.id),
            quote=target.quote if target else form.quote.data or "",
        )
    try:
        annotation = annotation_service.save_annotation(
            session=db.session(),
            user=current_user,
            article=article,
            target=target,
            verdict=form.verdict.data,
            note=form.note.data or "",
            sources=form.source_rows(),
            submit=wants_submit(),
            expected_version=form.version.data,
        )
    except annotation_service.StaleEdit as stale:
        db.session().rollback()
        return render_conflict(form, stale.current, article=article)
    except annotation_service.Locked:
        abort(403, SETTLED_MESSAGE)
    except annotation_service.TextChanged:
        db.session().rollback()
        abort(409, TEXT_CHANGED_MESSAGE)
    return after_change(annotation.span_id, saved_message(annotation))


@bp.get("/annotations/<int:annotation_id>")
def show(annotation_id: int):
    """An annotation's own address (used as its W3C id): its claim in the article."""
    annotation = get_or_404(Annotation, annotation_id)
    if annotation.deleted_at is not None or not visibility.is_listed(
        current_user, author_id=annotation.user_id, status=annotation.status
    ):
        abort(404)
    return redirect(claim_address(annotation.span))


@bp.get("/annotations/<int:annotation_id>/edit")
def edit(annotation_id: int):
    """The form to change one's own annotation. Its claim (article, span, ruling) is one read."""
    annotation = load_own_annotation(annotation_id)
    claim = claim_service.claim_of_span(session=db.session(), span_id=annotation.span_id, viewer=current_user)
    assert claim is not None  # the annotation's own span
    if claim.final is not None:
        abort(403, SETTLED_MESSAGE)  # saving it could only fail
    return render_form(
        AnnotationForm(formdata=None, obj=annotation),
        article=claim.article,
        action=url_for("annotations.update", annotation_id=annotation.id),
        quote=claim.span.quote,
        existing=annotation,
    )


@bp.post("/annotations/<int:annotation_id>")
def update(annotation_id: int):
    """Save changes to one's own annotation. Its span and article are read for a refused form alone:
    an accepted one is answered from the claim's read (``after_change``)."""
    form = AnnotationForm()
    valid = form.validate()  # before the write lock: nobody waits on it meanwhile
    annotation = load_own_annotation(annotation_id, for_change=valid)
    if not valid:
        return render_form(
            form,
            422,
            article=annotation.span.article,
            action=url_for("annotations.update", annotation_id=annotation.id),
            quote=annotation.span.quote,
            existing=annotation,
        )
    try:
        annotation_service.update_annotation(
            session=db.session(),
            annotation=annotation,
            user=current_user,
            verdict=form.verdict.data,
            note=form.note.data or "",
            sources=form.source_rows(),
            expected_version=form.version.data,
            submit=wants_submit(),
        )
    except annotation_service.StaleEdit as stale:
        db.session().rollback()
        return render_conflict(form, stale.current, article=annotation.span.article)
    except annotation_service.Locked:
        abort(403, SETTLED_MESSAGE)
    except annotation_service.TextChanged:
        db.session().rollback()
        abort(409, TEXT_CHANGED_MESSAGE)
    return after_change(annotation.span_id, saved_message(annotation))


@bp.post("/annotations/<int:annotation_id>/submit")
def submit(annotation_id: int):
    """Submit one's draft (or returned) annotation: leads see it, and blind review counts it. A draft
    awaiting a verdict (an imported highlight) is refused with 422: its edit form, asking for one."""
    try:
        return change_own(annotation_id, annotation_service.submit_annotation, "Annotation submitted.")
    except annotation_service.NoVerdict as refused:
        db.session().rollback()
        annotation = load_own_annotation(annotation_id)
        form = AnnotationForm(formdata=None, obj=annotation)
        form.verdict.errors = [refused.message]
        return render_form(
            form,
            422,
            article=annotation.span.article,
            action=url_for("annotations.update", annotation_id=annotation.id),
            quote=annotation.span.quote,
            existing=annotation,
        )


@bp.post("/annotations/<int:annotation_id>/delete")
def delete(annotation_id: int):
    """Hide one's own annotation (it stays in the database)."""
    return change_own(annotation_id, annotation_service.delete_annotation, "Annotation deleted.")


def change_own(annotation_id: int, action, announce: str):
    """Run a reviewer's action on their own annotation; 403 once the claim is settled."""
    annotation = load_own_annotation(annotation_id, for_change=True)
    try:
        action(session=db.session(), annotation=annotation, user=current_user)
    except annotation_service.Locked:
        abort(403, SETTLED_MESSAGE)
    return after_change(annotation.span_id, announce)


@bp.post("/articles/<int:article_id>/spans/<int:span_id>/comments")
def comment(article_id: int, span_id: int):
    """Add a comment to the claim's discussion; answers the thread."""
    article, span = load_span(article_id, span_id)
    assert span.id is not None  # a stored span
    form = CommentForm()
    if not form.validate():
        status = 422
    else:
        assert form.body.data is not None  # DataRequired passed
        discussion.add_comment(session=db.session(), span=span, user=current_user, body=form.body.data.strip())
        form, status = CommentForm(formdata=None), 200
    comments = discussion.span_comments(session=db.session(), span_id=span.id)
    if htmx_request():
        return render_template("annotations/_comments.html", span=span, comments=comments, comment_form=form), status
    if status == 200:
        return redirect(claim_address(span), code=303)
    return render_panel(
        "annotations/_span_panel.html",
        status,
        article=article,
        **span_panel_context(session=db.session(), span=span, user=current_user, comment_form=form),
    )


@bp.get("/articles/<int:article_id>/spans/<int:span_id>/history")
def span_history(article_id: int, span_id: int):
    """Every recorded change on the claim, oldest first, as this user may see it."""
    article, span = load_span(article_id, span_id)
    assert span.id is not None  # a stored span
    events = history.span_history(session=db.session(), span_id=span.id, viewer=current_user)
    return render_panel(
        "annotations/_history.html",
        article=article,
        span=span,
        events=events,
        address=url_for("annotations.span_history", article_id=article.id, span_id=span.id),
    )


@bp.get("/annotate/source-row")
def source_row():
    """One more empty source row for the annotation form (``index`` names its fields)."""
    index = request.args.get("index", type=int)
    if index is None or not 0 <= index < 1000:
        abort(404)
    form = AnnotationForm(formdata=None, meta={"csrf": False})
    while len(form.sources.entries) <= index:
        form.sources.append_entry()
    return render_template(
        "annotations/_source_row_added.html", row=form.sources.entries[index], index=index, max_sources=MAX_SOURCES
    )
