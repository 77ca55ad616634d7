"""The reviewer's save on words of an article: the core action, in a fixed handful of statements.

A save of a verdict on words the reviewer has not judged yet (new words, or a claim someone else
judged) runs, in one write transaction, whatever the article already holds:

1. :func:`lookup` -- the article (FOR SHARE on PostgreSQL: no new version is written meanwhile), the
   placed span on the selection with its ruling, the reviewer's own annotation there, and whether
   the claim has a thread;
2. the span (new words only), 3. the annotation, 4. its sources, 5. its history events, 6. its
   search document, 7-8. the live marker's counter and log (:func:`live_marker.mark`); the commit.

Each write is a statement built once (SQLAlchemy Core), none is read back: the response is rendered
from the values written (:class:`Saved`), and, once the write lock is let go, from one read of the
touched paragraphs' claims with the page's counters and suggestions (``services.highlights``). A
claim someone else judged adds the read of its panel.
Saving over one's own annotation (an edit from the form, or a restore) takes the ORM way,
``services.annotations.save_annotation``, in the same transaction: that path checks versions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import Integer, bindparam, exists
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from annotator.db import live_marker, search_index, sql
from annotator.db.models import (
    DRAFT,
    SUBMITTED,
    Annotation,
    Article,
    Comment,
    Event,
    FinalVerdict,
    Source,
    Span,
    User,
    utcnow,
)
from annotator.db.search_index import sources_text
from annotator.db.sql import select_columns, table_of
from annotator.domain.anchoring import Target
from annotator.domain.live_rules import Change
from annotator.services import history
from annotator.services.spans import span_on
from annotator.services.visibility import placed


@dataclass
class Found:
    """What :func:`lookup` read: the article, and what the selection already holds."""

    article: Article
    span: Span | None  # the placed span on exactly the selected range
    settled: bool
    own_id: int | None  # the reviewer's annotation on that span, deleted or not
    has_comments: bool


@dataclass
class SourceView:
    id: int
    url: str
    title: str
    excerpt: str


@dataclass
class AnnotationView:
    """An annotation as the panel renders it, from the values just written (no row read back)."""

    id: int
    span_id: int
    user_id: int
    user: User
    verdict: str
    note: str
    status: str
    created_at: datetime
    updated_at: datetime
    made_on_version: int
    sources: list[SourceView] = field(default_factory=list)
    version: int = 1
    return_note: str = ""
    deleted_at: datetime | None = None

    def is_owned_by(self, user) -> bool:
        return self.user_id == user.id


@dataclass
class Saved:
    """A stored save: the span (a transient row when new: never added to the session) and the annotation."""

    span: Span
    annotation: AnnotationView
    new_span: bool


@functools.cache
def _lookup_statement(dialect: str, locking: bool = True):
    """The lookup's statement for one database (built once, then cached; ids bound at each run)."""
    article_id, start, end, user_id = (bindparam(n, type_=Integer) for n in ("article", "start", "end", "user"))
    on_range = (col(Span.article_id) == Article.id) & (col(Span.start) == start) & (col(Span.end) == end) & placed()
    own = Annotation.__table__.alias("own")  # type: ignore[attr-defined]  # SQLModel sets __table__
    statement = (
        select_columns(
            Article,
            Span,
            col(FinalVerdict.id),
            own.c.id,
            exists().where(col(Comment.span_id) == Span.id).correlate(Span),
        )
        .select_from(Article)
        .outerjoin(Span, on_range)
        .outerjoin(FinalVerdict, col(FinalVerdict.span_id) == Span.id)
        .outerjoin(own, (own.c.span_id == Span.id) & (own.c.user_id == user_id))
        .where(col(Article.id) == article_id)
    )
    if dialect == "postgresql" and locking:
        statement = statement.with_for_update(read=True, of=Article)  # type: ignore[arg-type]
    return statement


def lookup(*, session: Session, article_id: int, start: int, end: int, user: User, write: bool = True) -> Found | None:
    """What the save needs to know, read in the write transaction it starts (None: no such article).
    ``write=False``: the same read without starting one (the panel after an edit, which has committed)."""
    if write:
        sql.begin_write(session)
    statement = _lookup_statement(session.get_bind().dialect.name, write)
    row = session.execute(statement, {"article": article_id, "start": start, "end": end, "user": user.id}).first()
    if row is None:
        return None
    article, span, final_id, own_id, commented = row
    return Found(article=article, span=span, settled=final_id is not None, own_id=own_id, has_comments=bool(commented))


# --- The writes: each statement built once per database, run on the session's connection -------------


@functools.cache
def _statements(dialect: str) -> SimpleNamespace:
    """The save's writes for one database (PostgreSQL or SQLite: both have ON CONFLICT ... RETURNING)."""
    make_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    spans, annotations = table_of(Span), table_of(Annotation)
    return SimpleNamespace(
        # Ranges are unique among placed spans (a partial index): the conflict target says so.
        span=make_insert(spans)
        .on_conflict_do_nothing(index_elements=[spans.c.article_id, spans.c.start, spans.c.end], index_where=placed())
        .returning(spans.c.id),
        annotation=make_insert(annotations)
        .on_conflict_do_nothing(index_elements=[annotations.c.span_id, annotations.c.user_id])
        .returning(annotations.c.id),
        events=table_of(Event).insert(),
        # Run with every row at once: one INSERT ... VALUES (...), (...) RETURNING (SQLAlchemy's
        # "insertmanyvalues"); the position tells which id is which.
        sources=table_of(Source).insert().returning(table_of(Source).c.position, table_of(Source).c.id),
    )


class Raced(Exception):
    """Another transaction stored the same span or annotation in the meantime (PostgreSQL): the ORM way
    takes over, and reads what it stored."""


def write_new(
    *,
    session: Session,
    found: Found,
    user: User,
    target: Target,
    verdict: str,
    note: str,
    sources: list[dict],
    submit: bool,
) -> Saved:
    """Store a new annotation of ``user`` on the target (and the span when new); commits. Raced when the
    span or the annotation appeared since :func:`lookup` (never on SQLite, which holds the write lock)."""
    connection = session.connection()
    statements = _statements(connection.dialect.name)
    article = found.article
    article_id, user_id = sql.stored_id(article), sql.stored_id(user)
    now = utcnow()
    span_id, new_span = (found.span.id, False) if found.span is not None else (None, True)
    if span_id is None:
        span_id = connection.execute(
            statements.span,
            {
                "article_id": article_id,
                "start": target.start,
                "end": target.end,
                "quote": target.quote,
                "prefix": target.prefix,
                "suffix": target.suffix,
                "anchor_state": "original",
                "anchored_version": article.current_version,
                "created_at": now,
            },
        ).scalar()
        if span_id is None:
            raise Raced()
    status = SUBMITTED if submit else DRAFT
    annotation_id = connection.execute(
        statements.annotation,
        {
            "span_id": span_id,
            "user_id": user_id,
            "verdict": verdict,
            "note": note,
            "status": status,
            "return_note": "",
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "made_on_version": article.current_version,
        },
    ).scalar()
    if annotation_id is None:
        raise Raced()
    cited = [SourceView(0, row["url"], row["title"], row["excerpt"]) for row in sources]
    if cited:
        rows = [
            {"annotation_id": annotation_id, "position": n, "url": c.url, "title": c.title, "excerpt": c.excerpt}
            for n, c in enumerate(cited)
        ]
        for position, source_id in connection.execute(statements.sources, rows):
            cited[position].id = source_id
    snapshot = history.content_snapshot(verdict=verdict, note=note, status=DRAFT, sources=sources)
    events = [{"action": "created", "before": None, "after": snapshot}]
    if submit:
        events.append({"action": "submitted", "before": snapshot, "after": {**snapshot, "status": SUBMITTED}})
    connection.execute(
        statements.events,
        [{"span_id": span_id, "annotation_id": annotation_id, "user_id": user_id, "at": now, **e} for e in events],
    )
    search_index.write_document(
        connection,
        annotation_id=annotation_id,
        quote=target.quote,
        note=note,
        sources=sources_text((s.title, s.url) for s in cited),
    )
    # As the log tells it: made a draft (private to its author), then, when submitted, shown to all.
    logged = {Change("draft", span_id, annotation_id, user_id, user_id)}
    if submit:
        logged.add(Change("status", span_id, annotation_id, None, user_id))
    live_marker.mark(session, {article_id: logged})
    session.commit()
    span = found.span or span_on(article, target, id=span_id, created_at=now)
    annotation = AnnotationView(
        annotation_id, span_id, user_id, user, verdict, note, status, now, now, article.current_version, cited
    )
    return Saved(span=span, annotation=annotation, new_span=new_span)
