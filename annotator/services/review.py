"""The rows behind the leads' review dashboard: every submitted verdict, final verdict and reviewer count,
loaded in bulk (a fixed handful of queries, however many articles there are). ``domain.review`` turns
them into figures. Leads see every submitted verdict, so nothing here filters by viewer beyond leaving
out drafts and deleted annotations."""

from __future__ import annotations

import gc
from contextlib import contextmanager

from sqlalchemy import BigInteger, case, cast, func, literal
from sqlmodel import Session, col, select

from annotator.db import sql
from annotator.db.models import DRAFT, ORPHANED, SUBMITTED, Annotation, Article, Event, FinalVerdict, Span, User
from annotator.db.sql import id_col, select_columns
from annotator.domain.review import AnnotationRow, DashboardData, ReviewerRow
from annotator.services.visibility import not_deleted

ORPHAN_OFFSETS = 1 << 40  # beyond any article's length (see load_dashboard)


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector held off while tens of thousands of plain rows are built.

    The rows hold no cycles, yet each burst of allocations sets off collections that walk the
    whole heap (a third of the dashboard's time, measured); reference counting still frees them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_dashboard(*, session: Session) -> DashboardData:
    """Everything the dashboard needs, in five queries whatever the number of articles.

    The verdicts come as plain rows, for grouping into claims (which only Python can do);
    the reviewers' counts are added up by the database, events and all.
    """
    articles = [
        (a_id, title)
        for a_id, title in session.exec(
            select(id_col(Article.id), col(Article.title)).order_by(
                col(Article.created_at).desc(), col(Article.id).desc()
            )
        )
    ]
    # An orphan's range is in an older text: it gets a place of its own past any text, so that
    # grouping by overlap never merges it with a current claim (64-bit: past PostgreSQL's integer).
    orphaned = col(Span.anchor_state) == ORPHANED
    own_place = literal(ORPHAN_OFFSETS, BigInteger) + 2 * cast(col(Span.id), BigInteger)
    statement = (
        select_columns(
            col(Annotation.span_id),
            col(Span.article_id),
            case((orphaned, own_place), else_=cast(col(Span.start), BigInteger)),
            case((orphaned, own_place + 1), else_=cast(col(Span.end), BigInteger)),
            col(Annotation.user_id),
            col(Annotation.verdict),
        )
        .join(Span, col(Span.id) == Annotation.span_id)
        .where(not_deleted(), col(Annotation.status) == SUBMITTED)
    )
    annotations = list(map(AnnotationRow._make, sql.rows(session, statement).all()))
    finals = {
        span_id: (article_id, verdict)
        for span_id, article_id, verdict in sql.rows(
            session,
            select(col(FinalVerdict.span_id), col(Span.article_id), col(FinalVerdict.verdict)).join(
                Span, col(Span.id) == FinalVerdict.span_id
            ),
        )
    }
    reviewers: dict[int, ReviewerRow] = {}
    for statement in reviewers_statements():
        for row in map(ReviewerRow._make, sql.rows(session, statement)):
            known = reviewers.get(row.user_id)
            reviewers[row.user_id] = (
                row
                if known is None
                else known._replace(submitted=known.submitted + row.submitted, returned=known.returned + row.returned)
            )
    return DashboardData(articles, annotations, finals, list(reviewers.values()))


def reviewers_statements():
    """Per reviewer, annotations ever submitted and ever returned: two counts to add up, the
    annotations out of draft, then the drafts submitted before (returned, or taken back).

    The few returned annotations are found once and joined; only drafts look up their history.
    One query with per-annotation lookups would be priced by PostgreSQL so high that it compiles
    it first (JIT), which costs more than running it.
    """
    returned = select(Event.annotation_id).where(Event.action == "returned").distinct().subquery()
    submitted_before = (
        select(Event.id)
        .where(Event.annotation_id == Annotation.id, Event.action.in_(("submitted", "returned")))
        .correlate(Annotation)
        .exists()
    )

    def counts(*conditions):
        return (
            select(User.id, User.display_name, User.username, func.count(), func.count(returned.c.annotation_id))
            .join(Annotation, Annotation.user_id == User.id)
            .outerjoin(returned, returned.c.annotation_id == Annotation.id)
            .where(not_deleted(), *conditions)
            .group_by(User.id, User.display_name, User.username)
        )

    return counts(Annotation.status != DRAFT), counts(Annotation.status == DRAFT, submitted_before)
