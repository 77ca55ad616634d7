"""The review queue (``/review/queue``): the claims awaiting a ruling, filtered, sorted and paged, and its CSV."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from sqlmodel import Session, col, select
from wtforms import Form, SelectField

from annotator.db.models import DRAFT, RETURNED, Annotation, Article, User, utcnow
from annotator.domain import verdicts
from annotator.extensions import db
from annotator.formats.exports import csv_text, iso
from annotator.services.queue import QUEUE_STATUSES, QueueCursor, QueueFilters, load_queue
from annotator.services.visibility import not_deleted
from annotator.web.helpers import attachment, htmx_request, lead_required

bp = Blueprint("queue", __name__)


def age(moment: datetime, now: datetime) -> str:
    """How long ago, roughly: "just now", "5 minutes", "3 hours", "2 days"."""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return "just now"


class QueueFilterForm(Form):
    """The queue's filters: a GET form, so no CSRF token. Choices are set from the database."""

    article = SelectField("Article")
    verdict = SelectField("Verdict")
    reviewer = SelectField("Reviewer")
    status = SelectField("Status")


def filter_form(*, session: Session, args) -> tuple[QueueFilterForm, QueueFilters]:
    """The filter form bound to the query string, and the filters it selects (unknown values mean "any")."""
    form = QueueFilterForm(args)
    article_choices = [
        (str(i), title)
        for i, title in session.exec(
            select(col(Article.id), col(Article.title)).order_by(col(Article.title), col(Article.id))
        )
    ]
    reviewer_choices = [
        (str(i), name)
        for i, name in session.exec(
            select(col(User.id), col(User.display_name))
            .where(
                col(User.id).in_(select(col(Annotation.user_id)).where(col(Annotation.status) != DRAFT, not_deleted()))
            )
            .order_by(col(User.display_name), col(User.id))
        )
    ]
    every_choice: list[tuple[SelectField, list[tuple[str, str]]]] = [
        (form.article, [("", "Any article"), *article_choices]),
        (form.verdict, [("", "Any verdict"), *verdicts.choices()]),
        (form.reviewer, [("", "Any reviewer"), *reviewer_choices]),
        (form.status, [("", "Any status"), *QUEUE_STATUSES.items()]),
    ]
    for field, choices in every_choice:
        field.choices = choices
        if field.data not in {value for value, _ in choices}:
            field.data = ""
    return form, QueueFilters(
        article=int(form.article.data) if form.article.data else None,
        verdict=form.verdict.data or None,
        reviewer=int(form.reviewer.data) if form.reviewer.data else None,
        status=form.status.data or None,
    )


QUEUE_PAGE_SIZE = 100
MAX_QUEUE_PAGE = 100_000  # keeps LIMIT within what every database accepts


def queue_context(*, whole: bool = False) -> dict:
    """The queue as the request asks for it: the first ``page`` pages, the next page alone for
    htmx's "Show more" (``only_page``: the claims after the cursor ``after``), or every claim
    (``whole``, for the CSV). ``left`` counts the claims after the shown ones."""
    session = db.session()
    form, filters = filter_form(session=session, args=request.args)
    page = min(max(1, request.args.get("page", 1, type=int)), MAX_QUEUE_PAGE)
    only_page = htmx_request() and "page" in request.args
    after = QueueCursor.parse(request.args.get("after")) if only_page else None
    if whole:
        shown, total, end = load_queue(session=session, filters=filters)
        left = 0
    elif after is not None:
        shown, remaining, end = load_queue(session=session, filters=filters, after=after, limit=QUEUE_PAGE_SIZE)
        total, left = None, max(0, remaining - len(shown))
    else:  # the first pages, or (a link from before cursors) one page by its position
        first = (page - 1) * QUEUE_PAGE_SIZE if only_page else 0
        shown, total, end = load_queue(
            session=session, filters=filters, offset=first, limit=page * QUEUE_PAGE_SIZE - first
        )
        left = max(0, total - first - len(shown))
    return {
        "form": form,
        "filters": filters,
        "shown": shown,
        "total": total,
        "now": utcnow(),
        "age": age,
        "filtered": bool(filters.args()),
        "page": page,
        "page_size": QUEUE_PAGE_SIZE,
        "left": left,
        "more": left > 0,
        "after": end.token() if end else None,
        "only_page": only_page,
    }


@bp.get("/review/queue")
@lead_required
def index():
    """Claims awaiting a ruling, filterable, a page of rows at a time; htmx gets the rows only.

    ``page=N`` shows the first N pages; with htmx, "Show more" asks for page N alone and
    appends it. The header counts the whole queue, and the CSV holds all of it.
    """
    context = queue_context()
    if context["only_page"]:
        return render_template("queue/_more.html", **context)
    if htmx_request():
        # The form sends its empty selects too; the location bar gets the tidy address of the same filters.
        return htmx_response(
            render_template("queue/_rows.html", **context), push_url=url_for("queue.index", **context["filters"].args())
        )
    return render_template("queue/queue.html", **context)


QUEUE_CSV_HEADER = (
    "span_id",
    "article_id",
    "article",
    "quote",
    "status",
    "reviewers",
    "verdicts",
    "first_submitted",
    "url",
)


@bp.get("/review/queue.csv")
@lead_required
def csv():
    """The queue as filtered, one row per claim."""
    context = queue_context(whole=True)
    rows = [
        [
            item.span_id,
            item.article_id,
            item.article_title,
            item.quote,
            item.status_label,
            len(item.submitted),
            "; ".join(
                f"{j.reviewer}: {verdicts.label(j.verdict)}{' (returned)' if j.status == RETURNED else ''}"
                for j in item.judgements
            ),
            iso(item.first_submitted_at),
            url_for("articles.show", article_id=item.article_id, span=item.span_id, _external=True),
        ]
        for item in context["shown"]
    ]
    return attachment(csv_text(QUEUE_CSV_HEADER, rows), "review-queue.csv")
