"""The lead's publishing page (``/articles/<id>/publication``): publish an article's fact-check
with the settled claims chosen, publish it again after a change, take it down, add a correction,
and copy each claim's embed card. What readers then see is ``web.public``."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from annotator.db.models import Article
from annotator.extensions import db
from annotator.services import publishing
from annotator.web import public
from annotator.web.forms import ConfirmForm, CorrectionForm, PublishForm, add_error
from annotator.web.helpers import get_or_404, lead_required

bp = Blueprint("publishing", __name__)


def _page(article: Article, status: int = 200, *, form=None, correction=None, problem: str | None = None):
    session = db.session()
    claims = publishing.settled_claims(session=session, article=article)
    publication = publishing.publication_of(session=session, article_id=article.id or 0)
    if form is None:  # ticked: what was chosen the last time (nothing, before the first publish)
        chosen = [c.span_id for c in claims if c.chosen]
        form = PublishForm(
            formdata=None, data={"claims": chosen, "canonical_url": publication.canonical_url if publication else ""}
        )
    form.claims.choices = [(c.span_id, c.quote) for c in claims]
    snippets = {}
    if publication is not None and publication.live:
        found = publishing.Public.of(publication)
        snippets = {claim["number"]: public.embed_card(found, claim) for claim in publication.content["claims"]}
    return (
        render_template(
            "publishing/index.html",
            article=article,
            claims=claims,
            publication=publication,
            embed_snippets=snippets,
            form=form,
            correction_form=correction or CorrectionForm(formdata=None),
            confirm_form=ConfirmForm(formdata=None),
            problem=problem,
        ),
        status,
    )


@bp.get("/articles/<int:article_id>/publication")
@lead_required
def index(article_id: int):
    """The article's publication: its state, the claims to publish, corrections, embed cards."""
    return _page(get_or_404(Article, article_id))


@bp.post("/articles/<int:article_id>/publication")
@lead_required
def publish(article_id: int):
    """Publish (or publish again) with the claims chosen."""
    article = get_or_404(Article, article_id)
    form = PublishForm()
    if not form.validate():
        return _page(article, 422, form=form)
    try:
        publishing.publish(
            session=db.session(),
            article=article,
            lead=current_user,
            span_ids=form.claims.data or [],
            canonical_url=(form.canonical_url.data or "").strip(),
            byline=current_app.config["PUBLIC_BYLINE"],
        )
    except publishing.NotPublishable as reason:
        db.session().rollback()
        add_error(form.claims, str(reason))
        return _page(article, 422, form=form, problem=str(reason))
    return redirect(url_for("publishing.index", article_id=article_id), code=303)


@bp.post("/articles/<int:article_id>/publication/unpublish")
@lead_required
def unpublish(article_id: int):
    """Take the fact-check down (its addresses answer 404 until it is published again)."""
    article = get_or_404(Article, article_id)
    if not ConfirmForm().validate():
        return _page(article, 422, problem="Your form expired; reload the page and try again.")
    try:
        publishing.unpublish(session=db.session(), article=article, lead=current_user)
    except publishing.NotPublishable as reason:
        db.session().rollback()
        return _page(article, 409, problem=str(reason))
    return redirect(url_for("publishing.index", article_id=article_id), code=303)


@bp.post("/articles/<int:article_id>/publication/corrections")
@lead_required
def correct(article_id: int):
    """Add a dated correction to the published fact-check."""
    article = get_or_404(Article, article_id)
    form = CorrectionForm()
    if not form.validate():
        return _page(article, 422, correction=form)
    try:
        publishing.correct(session=db.session(), article=article, lead=current_user, note=form.note.data or "")
    except publishing.NotPublishable as reason:
        db.session().rollback()
        add_error(form.note, str(reason))
        return _page(article, 422, correction=form)
    return redirect(url_for("publishing.index", article_id=article_id), code=303)
