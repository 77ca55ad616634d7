"""The annotation form in the side panel: loading what a reviewer may change, reading the form's target,
rendering the form (200, 422) or the stale-edit conflict (409), and answering after a change.
The views that use them are ``web.annotations``."""

from __future__ import annotations

from flask import redirect, request
from flask_login import current_user

from annotator.db.models import SUBMITTED, Annotation, Article
from annotator.domain.anchoring import AnchorError, Target, resolve_target
from annotator.extensions import db
from annotator.services import claims, visibility
from annotator.services.content import MAX_SOURCES
from annotator.web.forms import AnnotationForm, NewAnnotationForm
from annotator.web.helpers import get_or_404, htmx_request, refuse
from annotator.web.panel import changed_panel_context, claim_address, render_panel

SETTLED_MESSAGE = "A lead has settled this claim; its annotations can no longer be changed."
TEXT_CHANGED_MESSAGE = (
    "A new version of the article arrived while you were annotating. Reload the article and "
    "select the words again; nothing was saved."
)


def load_own_annotation(annotation_id: int, *, for_change: bool = False) -> Annotation:
    """An annotation the signed-in user may change: 404 when missing or hidden from them (another
    reviewer's draft: the answer must not tell that it exists), 403 when they know of it but it is
    not theirs. ``for_change``: read in the write transaction the change takes (``get_or_404``)."""
    # Its span and article load when first read: as loader options of this query they would come back
    # with the write lock's refresh (FOR UPDATE, which PostgreSQL refuses on an outer join), and as
    # rows of a joined query the session, which holds rows weakly, may drop them before they are read.
    annotation = get_or_404(Annotation, annotation_id, for_change=for_change)
    if annotation.deleted_at is not None or not visibility.is_listed(
        current_user, author_id=annotation.user_id, status=annotation.status
    ):
        refuse(404, for_change=for_change)
    if not annotation.is_owned_by(current_user):
        refuse(403, for_change=for_change)
    return annotation


def target_fields(target: Target, article: Article) -> dict:
    return {
        "start": target.start,
        "end": target.end,
        "quote": target.quote,
        "prefix": target.prefix,
        "suffix": target.suffix,
        "article_version": article.current_version,
    }


def form_target(form: NewAnnotationForm, article: Article) -> Target | None:
    """The target the form asks for, checked against the text; errors go on the quote field."""
    try:
        return resolve_target(
            article.text,
            start=form.start.data,
            end=form.end.data,
            quote=form.quote.data,
            prefix=form.prefix.data or "",
            suffix=form.suffix.data or "",
        )
    except AnchorError as error:
        form.quote.errors = [*form.quote.errors, str(error)]
        return None


def render_form(
    form,
    status: int = 200,
    *,
    article: Article,
    action: str,
    quote: str,
    existing: Annotation | None = None,
    reattachable=(),
):
    """The annotation form in the panel (for new words, with the orphans that could move there)."""
    return render_panel(
        "annotations/_form.html",
        status,
        article=article,
        form=form,
        action=action,
        quote=quote,
        existing=existing,
        max_sources=MAX_SOURCES,
        reattachable=reattachable,
    )


def render_conflict(form: AnnotationForm, current: Annotation, *, article: Article):
    """409: the user's version beside the stored one, to re-apply or discard."""
    return render_panel(
        "annotations/_conflict.html",
        409,
        article=article,
        form=form,
        current=current,
        mine=form.source_rows(),
        span=current.span,
    )


def wants_submit() -> bool:
    """Whether the form was sent with its Submit button (rather than Save)."""
    return request.form.get("action") == "submit"


def saved_message(annotation: Annotation) -> str:
    """What the live region says after a save: whether the annotation is a draft or submitted."""
    return "Annotation submitted." if annotation.status == SUBMITTED else f"Annotation saved ({annotation.status})."


def after_change(span_id: int, announce: str = ""):
    """After a save or delete on the claim ``span_id``: the claim panel and fresh highlights, or a redirect
    without htmx. ``announce`` is said by the page's live region. The claim's read brings its article
    and span (what the change left loaded of them is not read again)."""
    session = db.session()
    claim = claims.claim_of_span(session=session, span_id=span_id, viewer=current_user)
    assert claim is not None  # the span just changed: spans are never deleted
    if not htmx_request():
        return redirect(claim_address(claim.span), code=303)
    return render_panel(
        "annotations/_span_panel.html",
        article=claim.article,
        refresh_text=True,
        address=claim_address(claim.span),
        announce=announce,
        **changed_panel_context(session=session, claim=claim, user=current_user),
    )
