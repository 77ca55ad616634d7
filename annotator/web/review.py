"""The leads' review dashboard (``/review``): figures across all articles, and their CSV downloads.

The rows come from ``services.review``, the figures from ``domain.review``; the definitions of
each figure are in ``domain.review`` and on the page.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from wtforms import Form, SelectField

from annotator.domain import verdicts
from annotator.domain.review import IOU_THRESHOLD, Dashboard, alpha_gap, dashboard, rounded
from annotator.extensions import db
from annotator.formats.exports import csv_text
from annotator.services.review import collector_paused, load_dashboard
from annotator.web.helpers import attachment, htmx_request, lead_required

bp = Blueprint("review", __name__)


def board(matrix_article: int | None = None) -> Dashboard:
    """The dashboard's figures, from the database as it is now."""
    with collector_paused():
        return dashboard(load_dashboard(session=db.session()), matrix_article)


class MatrixFilterForm(Form):
    """Which article's confusion matrix to show (a GET form: no CSRF)."""

    article = SelectField("Matrix for", validate_choice=False)


@bp.get("/review")
@lead_required
def index():
    """The lead dashboard: per article and per reviewer, across all articles; htmx asking for another
    article's confusion matrix gets the matrix alone."""
    figures = board(request.args.get("article", type=int))
    form = MatrixFilterForm(request.args)
    form.article.choices = [("", "All articles"), *((str(a.id), a.title) for a in figures.articles)]
    form.article.data = "" if figures.matrix_article is None else str(figures.matrix_article)
    context = {"board": figures, "threshold": IOU_THRESHOLD, "alpha_gap": alpha_gap, "matrix_form": form}
    if htmx_request() and "article" in request.args:
        return htmx_response(
            render_template("review/_confusion.html", **context),
            push_url=url_for("review.index", article=figures.matrix_article),
        )
    return render_template("review/dashboard.html", **context)


def articles_csv_header() -> tuple[str, ...]:
    """The articles CSV's columns: a submitted and a final count per rating of the desk's scale."""
    return (
        "article_id",
        "article",
        "claims_annotated",
        "settled",
        "awaiting_review",
        "in_disagreement",
        "claims",
        "claims_compared",
        "full_agreement_share",
        "krippendorff_alpha",
        *(f"submitted_{v.key}" for v in verdicts.SCALE),
        *(f"final_{v.key}" for v in verdicts.SCALE),
        "ordinal_claims_compared",
        "krippendorff_alpha_ordinal",
        "unverifiable_left_out",
        "disagreeing_pairs",
        "near_misses",
        "near_miss_share",
    )


def articles_csv_rows(board: Dashboard) -> list[list]:
    """One row per article and a last row for all articles, as the dashboard's table and chart show them."""
    rows = []
    for a in [*board.articles, board.total]:
        report = a.agreement
        assert report is not None  # every article's figures and the total carry their agreement (article_figures)
        rows.append(
            [
                a.id if a.id is not None else "",
                a.title,
                a.annotated,
                a.settled,
                a.awaiting,
                a.disputed,
                report.claims,
                report.claims_compared,
                rounded(report.full_agreement_share),
                rounded(report.alpha),
                *(a.reviewer_verdicts.get(v.key, 0) for v in verdicts.SCALE),
                *(a.final_verdicts.get(v.key, 0) for v in verdicts.SCALE),
                report.ordinal_compared,
                rounded(report.ordinal_alpha),
                report.unranked,
                report.disagreeing_pairs,
                report.near_misses,
                rounded(report.near_miss_share),
            ]
        )
    return rows


REVIEWERS_CSV_HEADER = (
    "reviewer",
    "username",
    "submitted",
    "returned",
    "returned_share",
    "submitted_on_settled",
    "matching_final",
    "final_agreement_share",
)


def reviewers_csv_rows(board: Dashboard) -> list[list]:
    return [
        [
            r.name,
            r.username,
            r.submitted,
            r.returned,
            rounded(r.returned_share),
            r.on_settled,
            r.matching_final,
            rounded(r.final_agreement),
        ]
        for r in board.reviewers
    ]


@bp.get("/review/articles.csv")
@lead_required
def articles_csv():
    """The dashboard's per-article table (with agreement and verdict counts) as CSV."""
    return attachment(csv_text(articles_csv_header(), articles_csv_rows(board())), "review-articles.csv")


@bp.get("/review/reviewers.csv")
@lead_required
def reviewers_csv():
    """The dashboard's per-reviewer table as CSV."""
    return attachment(csv_text(REVIEWERS_CSV_HEADER, reviewers_csv_rows(board())), "review-reviewers.csv")
