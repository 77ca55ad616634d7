"""Lead summaries: what was checked in an article and where reviewers disagree."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.db.models import DRAFT, RETURNED, SUBMITTED, Annotation, Article
from annotator.domain import verdicts
from annotator.extensions import db
from annotator.formats.exports import csv_text
from annotator.services import adjudication, spans
from annotator.services import annotations as annotation_service
from annotator.web.annotation_forms import after_change
from annotator.web.forms import ArticleSettingsForm, ReturnForm, add_error
from annotator.web.helpers import attachment, get_or_404, lead_required, refuse
from annotator.web.panel import claim_address, final_verdict_form, load_claim, render_panel, span_panel_context

bp = Blueprint("summary", __name__)


@dataclass
class ChartBar:
    label: str
    key: str
    count: int
    width: float  # share of the longest bar, 0..1


def chart_bars(summaries: list[spans.SpanSummary]) -> list[ChartBar]:
    """Bars of the verdict chart, in scale order, scaled to the largest count."""
    counts = spans.verdict_counts(summaries)
    largest = max((count for _, count in counts), default=0) or 1
    return [ChartBar(v.label, v.key, count, count / largest) for v, count in counts]


def summary_rows(summaries: list[spans.SpanSummary]) -> list[spans.SpanSummary]:
    """Claims with disagreements first, then in the order of the text."""
    return sorted(summaries, key=lambda s: (not s.disputed, s.start, s.end))


def reviewer_columns(summaries: list[spans.SpanSummary]) -> list[tuple[int, str]]:
    """(user id, name) of everyone who judged a claim of the article, by name."""
    names = {j.user_id: j.reviewer for s in summaries for j in s.judgements}
    return sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))


def claim_status(summary: spans.SpanSummary) -> str:
    """The summary's Status cell: what the verdicts the viewer may see say about the claim."""
    if summary.disputed:
        return "Disagreement"
    if len(summary.shown) >= 2:
        return "Agreed"
    if any(j.hidden and j.status != DRAFT for j in summary.judgements):
        return "Verdicts hidden"
    return "One reviewer"


def judgement_text(judgement: spans.Judgement | None) -> str:
    """A reviewer's cell as text: the verdict's label, Hidden (blind review), Draft (a lead sees it exists), or
    empty."""
    if judgement is None:
        return ""
    if judgement.verdict is None:  # hidden
        return "Draft" if judgement.status == DRAFT else "Hidden"
    return verdicts.label(judgement.verdict) + (" (returned)" if judgement.status == RETURNED else "")


def summary_context(article: Article) -> dict:
    """What the summary page and its CSV show this user (one query)."""
    summaries = spans.span_summaries(session=db.session(), article=article, viewer=current_user)
    rows = summary_rows(summaries)
    return {
        "article": article,
        "rows": rows,
        "reviewers": reviewer_columns(summaries),
        "cells": [{j.user_id: j for j in row.judgements} for row in rows],
        "claim_status": claim_status,
        "bars": chart_bars(summaries),
        "annotation_count": sum(len(s.judgements) for s in summaries),
        "disputed_count": sum(1 for s in summaries if s.disputed),
        "single_count": sum(1 for s in summaries if len(s.judgements) == 1),
        "settled_count": sum(1 for s in summaries if s.settled),
        "awaiting_count": sum(
            1 for s in summaries if not s.settled and any(j.status == SUBMITTED for j in s.judgements)
        ),
    }


@bp.get("/articles/<int:article_id>/summary")
def summary(article_id: int):
    """Per article: verdict counts, each claim with every reviewer's verdict and the final verdict side by side."""
    return render_template("summary/summary.html", **summary_context(get_or_404(Article, article_id)))


@bp.get("/articles/<int:article_id>/summary.csv")
def summary_csv(article_id: int):
    """The summary's table as CSV: the same rows and cells the page shows this user."""
    context = summary_context(get_or_404(Article, article_id))
    reviewers = context["reviewers"]
    header = [
        "claim",
        *(name for _, name in reviewers),
        "final_verdict",
        "sources",
        "status",
        "span_id",
        "start",
        "end",
        "url",
    ]
    body = [
        [
            row.quote,
            *(judgement_text(cells.get(user_id)) for user_id, _ in reviewers),
            verdicts.label(row.final_verdict) if row.final_verdict else "",
            row.source_count,
            claim_status(row),
            row.id,
            row.start,
            row.end,
            url_for("articles.show", article_id=context["article"].id, span=row.id, _external=True),
        ]
        for row, cells in zip(context["rows"], context["cells"], strict=True)
    ]
    return attachment(csv_text(header, body), f"{context['article'].slug}-summary.csv")


def render_span_panel(article, span, status: int = 200, announce: str = "", **forms):
    return render_panel(
        "annotations/_span_panel.html",
        status,
        article=article,
        address=claim_address(span),
        refresh_text=True,
        announce=announce,
        **span_panel_context(session=db.session(), span=span, user=current_user, **forms),
    )


@bp.post("/articles/<int:article_id>/spans/<int:span_id>/final-verdict")
@lead_required
def settle(article_id: int, span_id: int):
    """Record (or change) the span's final verdict: the claim is settled."""
    claim = load_claim(article_id, span_id)
    article, span = claim.article, claim.span
    assert span.id is not None  # a stored span
    settled, blind = claim.final is not None, article.blind_review
    visible = spans.span_annotations(
        session=db.session(), span=span, viewer=current_user, settled=settled, blind=blind
    ).visible
    form = final_verdict_form(claim.final, visible, formdata=request.form)
    valid = form.validate()
    if valid and not any(a.status == SUBMITTED for a in visible):
        add_error(form.verdict, "Nothing has been submitted on this claim yet: there is no check to settle.")
        valid = False
    assert isinstance(form.cite.choices, list)  # (value, label) pairs, set by final_verdict_form
    if valid and not set(form.cite.data or []) <= {choice[0] for choice in form.cite.choices}:
        # A source was removed since the form was opened: never drop a citation silently.
        add_error(
            form.cite, "A reviewer changed their sources since you opened this form: choose the sources to cite again."
        )
        valid = False
    if not valid:
        return render_span_panel(article, span, 422, final_form=form)
    sources = adjudication.cited_sources(visible, form.cite.data or [])
    assert form.rationale.data is not None  # DataRequired passed
    try:
        adjudication.set_final_verdict(
            session=db.session(),
            span=span,
            lead=current_user,
            verdict=form.verdict.data,
            rationale=form.rationale.data.strip(),
            sources=sources,
            expected_version=form.version.data,
            record=form.claim_record(),
        )
    except annotation_service.StaleEdit as stale:
        db.session().rollback()
        return render_panel(
            "summary/_final_conflict.html",
            409,
            article=article,
            span=span,
            form=form,
            current=stale.current,
            mine_sources=sources,
        )
    return after_change(span.id, "Final verdict saved: the claim is settled.")


@bp.post("/annotations/<int:annotation_id>/return")
@lead_required
def return_annotation(annotation_id: int):
    """Send a submitted annotation back to its reviewer with what needs changing."""
    form = ReturnForm()
    valid = form.validate()  # before the write lock: nobody waits on it meanwhile
    annotation = get_or_404(Annotation, annotation_id, for_change=valid)
    if annotation.user_id == current_user.id:
        refuse(403, "Your own annotation cannot be returned to you.", for_change=valid)
    if not valid:
        return render_span_panel(annotation.span.article, annotation.span, 422, return_form=form)
    assert form.note.data is not None  # DataRequired passed
    try:
        adjudication.return_annotation(
            session=db.session(), annotation=annotation, lead=current_user, note=form.note.data.strip()
        )
    except annotation_service.Locked:
        abort(409, "This claim is settled; its annotations can no longer be returned.")
    except ValueError:
        abort(409, "Only a submitted annotation can be returned.")
    return after_change(annotation.span_id)


@bp.post("/annotations/<int:annotation_id>/restore")
@lead_required
def restore(annotation_id: int):
    """Bring back a deleted annotation."""
    annotation = get_or_404(Annotation, annotation_id, for_change=True)
    try:
        adjudication.restore_annotation(session=db.session(), annotation=annotation, lead=current_user)
    except annotation_service.Locked:
        abort(409, "This claim is settled; restoring an annotation would change what was ruled on.")
    return after_change(annotation.span_id)


@bp.post("/articles/<int:article_id>/settings")
@lead_required
def article_settings(article_id: int):
    """Article settings a lead controls: blind review."""
    article = get_or_404(Article, article_id)
    form = ArticleSettingsForm()
    if form.validate():
        article.blind_review = bool(form.blind_review.data)
        db.session().add(article)
        db.session().commit()
    return redirect(url_for("articles.show", article_id=article.id), code=303)
