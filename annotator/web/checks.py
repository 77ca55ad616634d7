"""Checked before: the claim panel's list of earlier checks that match the claim, and a lead's
"same claim as" links. Loaded lazily into the panel (``hx-trigger="load"``), so that the panel
opens before the matching runs."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from annotator.db.models import Article, ExternalCheck, Span, User
from annotator.domain import matching
from annotator.domain.anchoring import quote_at
from annotator.extensions import db
from annotator.formats import claimreview_reader
from annotator.services import checks as check_service
from annotator.web.forms import ClaimReviewImportForm, RemoveLinkForm, SameClaimForm
from annotator.web.helpers import get_or_404, htmx_request, lead_required, over_upload_cap
from annotator.web.panel import claim_address, load_span, render_panel, span_panel_context

bp = Blueprint("checks", __name__)


def checked_context(*, span: Span | None, quote: str, article_id: int, viewer: User, form=None) -> dict:
    """What the "Checked before" section renders: matches, and (for a span) its links.

    A match already linked is listed once, under "Same claim as".
    """
    session = db.session()
    links = check_service.links(session=session, span=span, viewer=viewer) if span is not None else []
    linked = {check_service.identity(link.other) for link in links}
    found = [
        m
        for m in check_service.matches(session=session, quote=quote, article_id=article_id)
        if check_service.identity(m.item) not in linked
    ]
    return {
        "checked": {
            "span": span,
            "matches": found,
            "links": links,
            "threshold": matching.THRESHOLD,
            "may_link": span is not None and viewer.is_lead,
            "form": form or RemoveLinkForm(formdata=None),
        }
    }


def render_checked(article: Article, span: Span, status: int = 200, form=None):
    """The section alone for htmx; without htmx, the claim panel page with the section in place."""
    assert article.id is not None  # a stored article
    context = checked_context(span=span, quote=span.quote, article_id=article.id, viewer=current_user, form=form)
    if htmx_request():
        return render_template("checks/_checked_before.html", **context), status
    return render_panel(
        "annotations/_span_panel.html",
        status,
        article=article,
        address=claim_address(span),
        **span_panel_context(session=db.session(), span=span, user=current_user),
        **context,
    )


@bp.get("/articles/<int:article_id>/spans/<int:span_id>/checked-before")
def span_checked(article_id: int, span_id: int):
    """Earlier checks matching a claim, and the claims it was marked the same as."""
    article, span = load_span(article_id, span_id)
    return render_checked(article, span)


@bp.get("/articles/<int:article_id>/checked-before")
def selection_checked(article_id: int):
    """Earlier checks matching a selection not yet annotated (``start`` and ``end`` in the query)."""
    article = get_or_404(Article, article_id)
    start, end = request.args.get("start", type=int), request.args.get("end", type=int)
    quote = quote_at(article.text, start, end)
    if not htmx_request():
        # The form page has this section in place of its loader.
        return redirect(url_for("annotations.annotate", article_id=article.id, start=start, end=end))
    if not quote:
        return render_template("checks/_checked_before.html", checked=None), 422
    context = checked_context(span=None, quote=quote, article_id=article.id, viewer=current_user)
    return render_template("checks/_checked_before.html", **context)


@bp.post("/articles/<int:article_id>/spans/<int:span_id>/same-claim")
@lead_required
def mark_same(article_id: int, span_id: int):
    """A lead marks the claim as the same claim as another article's claim or an external check."""
    article, span = load_span(article_id, span_id)
    form = SameClaimForm()
    if not form.validate():
        return render_checked(article, span, 422, form=form)
    session = db.session()
    try:
        if form.span.data is not None:
            other = get_or_404(Span, form.span.data)
            check_service.link_claims(session=session, span=span, other=other, user=current_user)
        else:
            check = get_or_404(ExternalCheck, form.external.data)
            check_service.link_external(session=session, span=span, check=check, user=current_user)
    except check_service.LinkError as error:
        form.span.errors = [*form.span.errors, str(error)]
        return render_checked(article, span, 422, form=form)
    return after_link(article, span)


@bp.post("/articles/<int:article_id>/spans/<int:span_id>/same-claim/<int:link_id>/remove")
@lead_required
def remove_same(article_id: int, span_id: int, link_id: int):
    """A lead removes a "same claim as" link (the row stays as a trace)."""
    article, span = load_span(article_id, span_id)
    link = check_service.link_of_span(session=db.session(), span=span, link_id=link_id)
    if link is None:
        abort(404)
    if not RemoveLinkForm().validate():
        return render_checked(article, span, 422)
    check_service.unlink(session=db.session(), link=link, user=current_user)
    return after_link(article, span)


def after_link(article: Article, span: Span):
    if not htmx_request():
        return redirect(claim_address(span), code=303)
    return render_checked(article, span)


@bp.route("/checks/import", methods=["GET", "POST"])
@lead_required
def import_checks():
    """A lead uploads other fact-checkers' ClaimReviews (as ``flask import-claimreview`` reads them)."""
    session = db.session()
    form = ClaimReviewImportForm()
    report, too_many = None, None
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
            reviews, skipped = claimreview_reader.read(text)
        except UnicodeDecodeError:
            form.file.errors.append("The file is not UTF-8 text.")
        except (claimreview_reader.NotClaimReview, RecursionError) as error:
            form.file.errors.append(f"Nothing imported: {error}.")
        else:
            # Too many is refused before anything is stored (the command line takes any number).
            too_many = over_upload_cap(len(reviews) + len(skipped), what="fact-checks", command="import-claimreview")
            if too_many:
                form.file.errors.append(too_many)
            else:
                report = check_service.import_reviews(session=session, reviews=reviews, skipped=skipped)
                form = ClaimReviewImportForm(formdata=None)
    status = 413 if too_many else 422 if request.method == "POST" and report is None else 200
    total = session.execute(select(func.count()).select_from(ExternalCheck)).scalar_one()
    return render_template(
        "checks/import.html", form=form, report=report, total=total, outcomes=check_service.IMPORT_OUTCOMES
    ), status
