"""My work: a user's own annotations, returned ones first, with the final verdicts of settled claims.

Beside each settled annotation the page shows the lead's final verdict, marks a difference
("Differs", and "Near miss" when the two verdicts are adjacent on the ordered scale) and shows
the lead's rationale for it; a table gives the user's agreement with final verdicts per month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user
from sqlmodel import Session, col, select
from wtforms import BooleanField, Form, SelectField

from annotator.db.models import DRAFT, RETURNED, SUBMITTED, Annotation, Article, Event, FinalVerdict, Span, User
from annotator.db.sql import select_columns
from annotator.domain import trends, verdicts
from annotator.extensions import db
from annotator.services.visibility import not_deleted
from annotator.web.helpers import htmx_request

bp = Blueprint("work", __name__)

STATUS_LABELS = {DRAFT: "Draft", SUBMITTED: "Submitted", RETURNED: "Returned"}


@dataclass
class WorkItem:
    """One of the user's annotations as their list shows it."""

    annotation_id: int
    span_id: int
    article_id: int
    article_title: str
    quote: str
    verdict: str
    status: str
    return_note: str
    updated_at: datetime
    final_verdict: str | None = None
    final_rationale: str | None = None
    settled_at: datetime | None = None  # when the current final verdict was given
    returned_by: str | None = None
    returned_at: datetime | None = None

    @property
    def settled(self) -> bool:
        return self.final_verdict is not None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def differs(self) -> bool:
        """Settled with a final verdict other than the user's (a draft awaiting a verdict differs in nothing)."""
        return self.settled and bool(self.verdict) and self.final_verdict != self.verdict

    @property
    def near_miss(self) -> bool:
        """Differs, but only by one step on the ordered scale."""
        return self.differs and self.final_verdict is not None and verdicts.adjacent(self.verdict, self.final_verdict)


@dataclass
class MyWork:
    returned: list[WorkItem]
    drafts: list[WorkItem]
    submitted: list[WorkItem]

    @property
    def settled_count(self) -> int:
        return sum(1 for item in self.submitted if item.settled)

    @property
    def items(self) -> list[WorkItem]:
        return [*self.returned, *self.drafts, *self.submitted]

    def over_time(self) -> list[trends.Period]:
        """Agreement of the submitted, settled annotations with the final verdicts, per month of the ruling."""
        return trends.by_month(
            (item.settled_at, item.verdict, item.final_verdict)
            for item in self.submitted
            if item.settled_at is not None and item.final_verdict is not None
        )  # settled

    def filtered(self, article_id: int | None, differs_only: bool) -> MyWork:
        """The same groups holding only the items of one article and/or only those that differ."""

        def keep(item: WorkItem) -> bool:
            return (article_id is None or item.article_id == article_id) and (not differs_only or item.differs)

        return MyWork(*([i for i in group if keep(i)] for group in (self.returned, self.drafts, self.submitted)))


def my_work(*, session: Session, user: User) -> MyWork:
    """The user's live annotations in three groups, most recently changed first (two queries)."""
    statement = (
        select_columns(
            Annotation.id,
            Span.id,
            Span.article_id,
            Article.title,
            Span.quote,
            Annotation.verdict,
            Annotation.status,
            Annotation.return_note,
            Annotation.updated_at,
            FinalVerdict.verdict,
            FinalVerdict.rationale,
            FinalVerdict.updated_at,
        )
        .join(Span, col(Span.id) == Annotation.span_id)
        .join(Article, col(Article.id) == Span.article_id)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .where(Annotation.user_id == user.id, not_deleted())
        .order_by(col(Annotation.updated_at).desc(), col(Annotation.id).desc())
    )
    items = [WorkItem(*row) for row in session.exec(statement)]
    # Who returned each returned annotation, and when (the latest return counts).
    returns = session.exec(
        select(Event.annotation_id, User.display_name, Event.at)
        .join(User, col(User.id) == Event.user_id)
        .join(Annotation, col(Annotation.id) == Event.annotation_id)
        .where(Annotation.user_id == user.id, Annotation.status == RETURNED, Event.action == "returned")
        .order_by(col(Event.at), col(Event.id))
    )
    latest = {annotation_id: (name, at) for annotation_id, name, at in returns}
    for item in items:
        if item.annotation_id in latest:
            item.returned_by, item.returned_at = latest[item.annotation_id]
    return MyWork(
        returned=[i for i in items if i.status == RETURNED],
        drafts=[i for i in items if i.status == DRAFT],
        submitted=[i for i in items if i.status == SUBMITTED],
    )


class WorkFilterForm(Form):
    """Filters of the lists (a GET form: no CSRF); an unknown article means every article."""

    article = SelectField("Article", validate_choice=False)
    differs = BooleanField("Only where the final verdict differs")


def filter_form(work: MyWork, args) -> tuple[WorkFilterForm, int | None, bool]:
    """The form bound to the query string, its article choices taken from the user's own work."""
    form = WorkFilterForm(args)
    titles = {item.article_id: item.article_title for item in work.items}
    form.article.choices = [
        ("", "All articles"),
        *((str(i), t) for i, t in sorted(titles.items(), key=lambda it: (it[1].lower(), it[0]))),
    ]
    raw = form.article.data or ""
    # isdecimal, not isdigit ("²" is a digit int() refuses); ids are short, so a long number is no id.
    article_id = int(raw) if raw.isdecimal() and len(raw) <= 18 else None
    if article_id not in titles:
        article_id, form.article.data = None, ""
    return form, article_id, bool(form.differs.data)


@bp.get("/work")
def index():
    """The signed-in user's annotations: returned work first, then drafts, then submitted; htmx
    applying the filters gets the lists alone."""
    work = my_work(session=db.session(), user=current_user)
    form, article_id, differs_only = filter_form(work, request.args)
    context = {
        "work": work.filtered(article_id, differs_only),
        "all_work": work,
        "periods": work.over_time(),
        "form": form,
        "filtered": article_id is not None or differs_only,
    }
    if htmx_request():
        args = {"article": article_id, "differs": "y" if differs_only else None}
        return htmx_response(render_template("work/_lists.html", **context), push_url=url_for("work.index", **args))
    return render_template("work/index.html", **context)
