"""Search: the query over the annotations' search documents (kept by ``db.search_index``).

Free words match the documents (SQLite FTS5 or PostgreSQL full text); verdict, status, reviewer,
dates and deletion are read from the annotation itself. Every hit is one the viewer may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, Select, and_, exists, func, literal_column, or_, select, table
from sqlmodel import Session, col

from annotator.db import sql
from annotator.db.models import DRAFT, Annotation, Article, FinalVerdict, SearchDocument, Span, User
from annotator.db.sql import table_of
from annotator.domain.search_syntax import SearchQuery, Term, fts5_any, fts5_match
from annotator.services.visibility import not_deleted


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search besides its text; None means any."""

    verdict: str | None = None
    reviewer: str | None = None  # a username
    status: str | None = None
    article: int | None = None
    date_from: date | None = None  # the annotation last changed on or after this day (UTC)
    date_to: date | None = None  # ... and on or before this one

    def args(self) -> dict:
        """The filters as the page's query arguments (unset ones left out)."""
        names = {"date_from": "from", "date_to": "to"}
        return {
            names.get(k, k): (v.isoformat() if isinstance(v, date) else v)
            for k, v in vars(self).items()
            if v is not None
        }


@dataclass(frozen=True)
class Hit:
    """One annotation found, with what the results list shows of it."""

    annotation_id: int
    span_id: int
    article_id: int
    article_title: str
    quote: str
    prefix: str
    suffix: str
    note: str
    verdict: str
    status: str
    reviewer: str
    updated_at: datetime


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int  # every annotation the search matches (up to COUNT_LIMIT + 1), not only those shown

    @property
    def more_than_counted(self) -> bool:
        return self.total > COUNT_LIMIT


def visible_to(viewer) -> ColumnElement[bool]:
    """SQL condition: the viewer may read the annotation (``visibility.can_see_verdict``, as a WHERE clause).

    Their own annotations; others' when not drafts and the viewer is a lead, or the article is not
    under blind review, or the claim is settled, or the viewer submitted their own on it. Drafts of
    others never: search reads their notes and sources, which only the author may see.
    """
    if viewer.is_lead:
        return or_(col(Annotation.user_id) == viewer.id, col(Annotation.status) != DRAFT)
    mine = table_of(Annotation).alias("mine")
    own_submitted = exists().where(
        mine.c.span_id == Annotation.span_id,
        mine.c.user_id == viewer.id,
        mine.c.status != DRAFT,
        mine.c.deleted_at.is_(None),
    )
    settled = exists().where(col(FinalVerdict.span_id) == Annotation.span_id)
    return or_(
        col(Annotation.user_id) == viewer.id,
        and_(col(Annotation.status) != DRAFT, or_(col(Article.blind_review).is_(False), settled, own_submitted)),
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(statement: Select, filters: SearchFilters) -> Select:
    if filters.verdict is not None:
        statement = statement.where(col(Annotation.verdict) == filters.verdict)
    if filters.reviewer is not None:
        statement = statement.where(col(User.username) == filters.reviewer)
    if filters.status is not None:
        statement = statement.where(col(Annotation.status) == filters.status)
    if filters.article is not None:
        statement = statement.where(col(Span.article_id) == filters.article)
    if filters.date_from is not None:
        statement = statement.where(col(Annotation.updated_at) >= _day_start(filters.date_from))
    if filters.date_to is not None and filters.date_to < date.max:
        statement = statement.where(col(Annotation.updated_at) < _day_start(filters.date_to + timedelta(days=1)))
    return statement


# SQLite: the FTS5 table of migration 0005, and its MATCH operator (the query string is a bound value).
_FTS = table("search_fts")
_FTS_MATCH = literal_column("search_fts").op("MATCH")
# PostgreSQL: the text search configuration of migration 0005's generated column.
_CONFIG: ColumnClause[Any] = literal_column("'annotator_search'::regconfig")
_VECTOR: ColumnClause[Any] = literal_column("search_documents.search_vector")


def _pg_term(term: Term):
    """One term as a tsquery, from bound values of letters and digits only (never parsed as syntax)."""
    if not term.prefix:
        return func.phraseto_tsquery(_CONFIG, " ".join(term.words))
    last = func.to_tsquery(_CONFIG, term.words[-1] + ":*")
    if len(term.words) == 1:
        return last
    return func.tsquery_phrase(func.phraseto_tsquery(_CONFIG, " ".join(term.words[:-1])), last)


def _pg_any(terms):
    query = None
    for term in terms:
        query = _pg_term(term) if query is None else query.op("||")(_pg_term(term))
    return query


def _pg_all(clauses):
    query = None
    for clause in clauses:
        either = _pg_any(clause)
        query = either if query is None else query.op("&&")(either)
    return query


def search_statement(
    query: SearchQuery, filters: SearchFilters, viewer, dialect: str, *, counting: bool = False
) -> Select:
    """One statement: the visible, live annotations matching ``query`` and ``filters``, best match
    first (newest first without words); ``counting``: their ids only, unordered, to count them."""
    columns: tuple[Any, ...]  # declared: SQLAlchemy types .label() as Label[Never], which mypy infers nothing from
    columns = (
        (col(Annotation.id),)
        if counting
        else (
            col(Annotation.id),
            col(Span.id).label("span_id"),
            col(Span.article_id),
            col(Article.title),
            col(Span.quote),
            col(Span.prefix),
            col(Span.suffix),
            col(Annotation.note),
            col(Annotation.verdict),
            col(Annotation.status),
            col(User.display_name),
            col(Annotation.updated_at),
        )
    )
    statement = select(*columns)
    order: list[ColumnElement[Any]] = []
    if query.clauses and dialect == "sqlite":
        matched = (
            select(
                literal_column("rowid").label("annotation_id"),
                literal_column("bm25(search_fts, 4.0, 2.0, 1.0)").label("score"),
            )  # quote, note, sources
            .select_from(_FTS)
            .where(_FTS_MATCH(fts5_match(query.clauses)))
            .subquery("matched")
        )
        statement = statement.select_from(matched).join(Annotation, col(Annotation.id) == matched.c.annotation_id)
        order.append(matched.c.score)  # bm25: lower is better
    elif query.clauses:
        tsquery = _pg_all(query.clauses)
        statement = (
            statement.select_from(SearchDocument)
            .join(Annotation, col(Annotation.id) == SearchDocument.annotation_id)
            .where(_VECTOR.op("@@")(tsquery))
        )
        order.append(func.ts_rank(_VECTOR, tsquery).desc())
    else:
        statement = statement.select_from(Annotation)
    statement = (
        statement.join(Span, col(Span.id) == Annotation.span_id)
        .join(Article, col(Article.id) == Span.article_id)
        .join(User, col(User.id) == Annotation.user_id)
        .where(not_deleted(), visible_to(viewer))
    )
    if query.excluded:
        excluded: Select[Any]
        if dialect == "sqlite":
            excluded = select(literal_column("rowid")).select_from(_FTS).where(_FTS_MATCH(fts5_any(query.excluded)))
            statement = statement.where(col(Annotation.id).not_in(excluded))
        elif query.clauses:  # the document is joined already
            statement = statement.where(~_VECTOR.op("@@")(_pg_any(query.excluded)))
        else:
            excluded = select(col(SearchDocument.annotation_id)).where(_VECTOR.op("@@")(_pg_any(query.excluded)))
            statement = statement.where(col(Annotation.id).not_in(excluded))
    statement = _filtered(statement, filters)
    if counting:
        return statement
    return statement.order_by(*order, col(Annotation.updated_at).desc(), col(Annotation.id).desc())


COUNT_LIMIT = 10_000  # counted exactly up to here; past it, "more than 10,000"


def search(
    *,
    session: Session,
    viewer,
    query: SearchQuery,
    filters: SearchFilters = SearchFilters(),
    offset: int = 0,
    limit: int = 50,
) -> SearchResults:
    """A page of what the viewer may read that matches, and how many match (up to ``COUNT_LIMIT`` + 1).

    Two queries whatever the number of results. The count stops at ``COUNT_LIMIT`` + 1, so
    that a listing of every annotation reads its first page from the index on the time of the
    last change instead of counting and sorting all of them.
    """
    dialect = session.get_bind().dialect.name
    statement = search_statement(query, filters, viewer, dialect).offset(offset).limit(limit)
    rows = list(sql.rows(session, statement))
    counted = search_statement(query, filters, viewer, dialect, counting=True).limit(COUNT_LIMIT + 1).subquery()
    total = session.execute(select(func.count()).select_from(counted)).scalar_one()
    hits = [
        Hit(
            row.id,
            row.span_id,
            row.article_id,
            row.title,
            row.quote,
            row.prefix,
            row.suffix,
            row.note,
            row.verdict,
            row.status,
            row.display_name,
            row.updated_at,
        )
        for row in rows
    ]
    return SearchResults(hits, total)
