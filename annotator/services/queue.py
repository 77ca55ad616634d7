"""The review queue: the claims awaiting a ruling, filtered and sorted in the database, one page at a time
(keyset pagination by a cursor)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, case, distinct, func, or_, type_coerce
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from annotator.db import sql
from annotator.db.models import RETURNED, SUBMITTED, Annotation, Article, Event, FinalVerdict, Span, User, UTCDateTime
from annotator.db.sql import select_columns
from annotator.services.visibility import not_deleted

QUEUE_STATUSES = {"disagreement": "Disagreement", "agreed": "Agreed", "single": "Single reviewer"}


@dataclass
class QueueJudgement:
    user_id: int
    reviewer: str
    verdict: str
    status: str  # submitted, or returned (shown, but not counted)


@dataclass
class QueueItem:
    """A claim awaiting a ruling."""

    span_id: int
    article_id: int
    article_title: str
    start: int
    quote: str
    judgements: list[QueueJudgement] = field(default_factory=list)
    first_submitted_at: datetime | None = None

    @property
    def submitted(self) -> list[QueueJudgement]:
        return [j for j in self.judgements if j.status == SUBMITTED]

    @property
    def verdict_keys(self) -> set[str]:
        return {j.verdict for j in self.submitted}

    @property
    def status(self) -> str:
        if len(self.verdict_keys) > 1:
            return "disagreement"
        return "single" if len(self.submitted) == 1 else "agreed"

    @property
    def status_label(self) -> str:
        return QUEUE_STATUSES[self.status]


@dataclass(frozen=True)
class QueueFilters:
    article: int | None = None
    verdict: str | None = None
    reviewer: int | None = None
    status: str | None = None

    def args(self) -> dict:
        """The filters as query arguments (unset ones left out)."""
        return {k: v for k, v in vars(self).items() if v is not None}


class QueueCursor(NamedTuple):
    """A claim's place in queue order: where a page of the queue ended, so that the next page
    starts after it even when claims before it were settled (or came in) in the meantime."""

    rank: int  # 0 for a disagreement, 1 otherwise
    waiting_since: datetime
    span_id: int

    def token(self) -> str:
        return f"{self.rank}-{self.span_id}-{self.waiting_since.isoformat()}"

    @classmethod
    def parse(cls, token: str | None) -> QueueCursor | None:
        """The cursor a token names; None for a missing or malformed one."""
        try:
            rank, span_id, moment = (token or "").split("-", 2)
            waiting_since = datetime.fromisoformat(moment)
            if waiting_since.tzinfo is None:
                return None
            # In UTC here, as the database compares it: a moment at the ends of the calendar overflows.
            cursor = cls(int(rank), waiting_since.astimezone(UTC), int(span_id))
        except (ValueError, OverflowError):
            return None
        if cursor.rank not in (0, 1) or not 0 < cursor.span_id < 2**63:
            return None
        return cursor


def queue_statement(filters: QueueFilters, after: QueueCursor | None = None) -> Select[*tuple[Any, ...]]:
    """One row per claim in the queue, filtered and in queue order (from after ``after``), with the
    number of rows the query matches on every row.

    Claims are unsettled spans with a submitted live annotation; disagreements
    (two or more submitted verdicts) come first, then the longest waiting. A claim
    waits from the first time one of its annotations was submitted (its creation for
    imported ones, which have no "submitted" event). The database groups and orders,
    so a page of the queue costs the same however long the queue is.
    """
    # Grouped once and joined rather than looked up per annotation (see reviewers_statements).
    first_submissions = (
        select(col(Event.annotation_id), func.min(col(Event.at)).label("at"))
        .where(col(Event.action) == "submitted")
        .group_by(col(Event.annotation_id))
        .subquery()
    )
    first_submission = first_submissions.c.at
    submitted = col(Annotation.status) == SUBMITTED
    submitted_count = func.sum(case((submitted, 1), else_=0))
    verdict_kinds = func.count(distinct(case((submitted, col(Annotation.verdict)))))
    waiting_since = type_coerce(
        func.min(case((submitted, func.coalesce(first_submission, col(Annotation.created_at))))), UTCDateTime()
    )
    rank = case((verdict_kinds > 1, 0), else_=1)
    statement = (
        select_columns(
            col(Span.id),
            col(Span.article_id),
            col(Article.title),
            col(Span.start),
            col(Span.quote),
            waiting_since.label("waiting"),
            rank.label("rank"),
            func.count().over().label("total"),
        )
        .join(Annotation, col(Annotation.span_id) == col(Span.id))
        .join(Article, col(Article.id) == col(Span.article_id))
        .outerjoin(first_submissions, first_submissions.c.annotation_id == col(Annotation.id))
        # NOT EXISTS, not an outer join: PostgreSQL then estimates the unsettled claims right
        .where(
            ~select(col(FinalVerdict.id)).where(col(FinalVerdict.span_id) == col(Span.id)).exists(),
            not_deleted(),
            col(Annotation.status).in_((SUBMITTED, RETURNED)),
        )
        .group_by(col(Span.id), col(Span.article_id), col(Article.title), col(Span.start), col(Span.quote))
        .having(submitted_count > 0)
        .order_by(rank, waiting_since, col(Span.id))
    )
    if after is not None:
        statement = statement.having(
            or_(
                rank > after.rank,
                and_(
                    rank == after.rank,
                    or_(
                        waiting_since > after.waiting_since,
                        and_(waiting_since == after.waiting_since, col(Span.id) > after.span_id),
                    ),
                ),
            )
        )
    if filters.article is not None:
        statement = statement.where(col(Span.article_id) == filters.article)
    if filters.verdict is not None:
        statement = statement.having(
            func.sum(case((submitted & (col(Annotation.verdict) == filters.verdict), 1), else_=0)) > 0
        )
    if filters.reviewer is not None:
        statement = statement.having(
            func.sum(case((submitted & (col(Annotation.user_id) == filters.reviewer), 1), else_=0)) > 0
        )
    if filters.status == "disagreement":
        statement = statement.having(verdict_kinds > 1)
    elif filters.status == "agreed":
        statement = statement.having(verdict_kinds == 1, submitted_count > 1)
    elif filters.status == "single":
        statement = statement.having(submitted_count == 1)
    return statement


class QueuePage(NamedTuple):
    items: list[QueueItem]
    matched: int  # the claims the query matched: the whole queue, or those from the cursor on
    end: QueueCursor | None  # the last item's place, for the next page


def load_queue(
    *,
    session: Session,
    filters: QueueFilters,
    after: QueueCursor | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> QueuePage:
    """The claims of the queue after ``after`` (or from ``offset``), ``limit`` of them or all.

    Two queries: the claims, then their reviewers' judgements (submitted and returned).
    """
    rows = list(sql.rows(session, queue_statement(filters, after).offset(offset).limit(limit)))
    if not rows and offset:
        matched = session.exec(select(func.count()).select_from(queue_statement(filters, after).subquery())).one()
        return QueuePage([], matched, None)
    items = {
        row.id: QueueItem(row.id, row.article_id, row.title, row.start, row.quote, first_submitted_at=row.waiting)
        for row in rows
    }
    ids = list(items)
    for chunk in (ids[i : i + 1000] for i in range(0, len(ids), 1000)):
        judgements = (
            select_columns(
                col(Annotation.span_id),
                col(Annotation.user_id),
                col(User.display_name),
                col(Annotation.verdict),
                col(Annotation.status),
            )
            .join(User, col(User.id) == col(Annotation.user_id))
            .where(col(Annotation.span_id).in_(chunk), not_deleted(), col(Annotation.status).in_((SUBMITTED, RETURNED)))
            .order_by(col(Annotation.span_id), col(User.display_name), col(Annotation.user_id))
        )
        for span_id, user_id, reviewer, verdict, status in sql.rows(session, judgements):
            items[span_id].judgements.append(QueueJudgement(user_id, reviewer, verdict, status))
    end = QueueCursor(rows[-1].rank, rows[-1].waiting, rows[-1].id) if rows else None
    return QueuePage(list(items.values()), rows[0].total if rows else 0, end)
