"""My work: a user's own annotations, returned ones first, with the final verdicts of settled claims."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, render_template
from flask_login import current_user
from sqlmodel import Session, select

from . import db
from .models import DRAFT, RETURNED, SUBMITTED, Annotation, Article, Event, FinalVerdict, Span, User
from .spans import not_deleted

bp = Blueprint("work", __name__)


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
    returned_by: str | None = None
    returned_at: datetime | None = None

    @property
    def settled(self) -> bool:
        return self.final_verdict is not None


@dataclass
class MyWork:
    returned: list[WorkItem]
    drafts: list[WorkItem]
    submitted: list[WorkItem]

    @property
    def settled_count(self) -> int:
        return sum(1 for item in self.submitted if item.settled)


def my_work(*, session: Session, user: User) -> MyWork:
    """The user's live annotations in three groups, most recently changed first (two queries)."""
    statement = (
        select(Annotation.id, Span.id, Span.article_id, Article.title, Span.quote, Annotation.verdict,
               Annotation.status, Annotation.return_note, Annotation.updated_at, FinalVerdict.verdict)
        .join(Span, Span.id == Annotation.span_id)
        .join(Article, Article.id == Span.article_id)
        .outerjoin(FinalVerdict, FinalVerdict.span_id == Span.id)
        .where(Annotation.user_id == user.id, not_deleted())
        .order_by(Annotation.updated_at.desc(), Annotation.id.desc())
    )
    items = [WorkItem(*row) for row in session.exec(statement)]
    # Who returned each returned annotation, and when (the latest return counts).
    returns = session.exec(
        select(Event.annotation_id, User.display_name, Event.at)
        .join(User, User.id == Event.user_id)
        .join(Annotation, Annotation.id == Event.annotation_id)
        .where(Annotation.user_id == user.id, Annotation.status == RETURNED, Event.action == "returned")
        .order_by(Event.at, Event.id)
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


@bp.get("/work")
def index():
    """The signed-in user's annotations: returned work first, then drafts, then submitted."""
    return render_template("work/index.html", work=my_work(session=db.session(), user=current_user))
