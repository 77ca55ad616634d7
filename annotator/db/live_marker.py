"""The live change marker: every transaction that changes an article's claims raises the article's
counter (``article_revisions``) and logs what it touched (``live_changes``), just before it commits.

A session listener, installed by ``create_app`` (see ``db.listeners``): it notes the annotations, spans,
sources, comments, final verdicts, versions and article settings the ORM flushes, and writes the
counter and the log in the same transaction, so that every app server (and every gunicorn
worker) sees them together; nothing is kept in a process. Code that changes these rows with Core
statements must call :func:`mark` itself.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import replace

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.util import identity_key
from sqlmodel import col

from annotator.db.models import (
    DRAFT,
    Annotation,
    Article,
    ArticleRevision,
    ArticleVersion,
    Comment,
    Event,
    FinalVerdict,
    LiveChange,
    Source,
    Span,
    UTCDateTime,
    utcnow,
)
from annotator.db.sql import table_of
from annotator.domain.live_rules import Change, annotation_kind

_PENDING = "live_marker_pending"


def _before(row, name: str):
    """The attribute's value before this flush (its current value when unchanged)."""
    history = inspect(row).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(row, name)


def _annotation_change(row: Annotation, new: bool) -> Change:
    status_history = inspect(row).attrs.status.history
    kind = annotation_kind(
        new=new,
        before_status=None if new else _before(row, "status"),
        before_deleted=False if new else _before(row, "deleted_at") is not None,
        after_status=row.status,
        after_deleted=row.deleted_at is not None,
        status_changed=status_history.has_changes(),
    )
    return Change(kind, row.span_id, row.id, None if kind == "status" else row.user_id)


def note_changes(session: OrmSession, _context) -> None:
    """Note what the flush changed: (article id or None, Change), and sources to look up."""
    noted, sources, actors = session.info.setdefault(_PENDING, (set(), set(), defaultdict(set)))
    for row in (*session.new, *session.dirty):
        new = row in session.new
        if not new and not session.is_modified(row, include_collections=False):
            continue
        if isinstance(row, Annotation):
            noted.add((None, _annotation_change(row, new)))
        elif isinstance(row, Source):
            sources.add(row.annotation_id)
        elif isinstance(row, Comment) and new:
            noted.add((None, Change("comment", row.span_id)))
        elif isinstance(row, FinalVerdict):
            noted.add((None, Change("ruling", row.span_id)))
        elif isinstance(row, Span) and not new:
            noted.add((row.article_id, Change("span", row.id)))
        elif isinstance(row, ArticleVersion) and new:
            noted.add((row.article_id, Change("version", actor_id=row.created_by_id)))
        elif isinstance(row, Event) and new:
            actors[row.span_id].add(row.user_id)  # every change to a claim records who made it
        elif isinstance(row, Article) and (new or inspect(row).attrs.blind_review.history.has_changes()):
            noted.add((row.id, Change("article")))  # a new article gets its counter row with it


def mark_before_commit(session: OrmSession) -> None:
    """Raise the counters and write the log in the transaction about to commit (once: not at savepoints)."""
    if session.in_nested_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit's own flush comes after this event
    pending = session.info.pop(_PENDING, None)
    if pending:
        noted, sources, actors = pending
        mark(session, _resolve(session, noted, sources, actors))


def forget_on_end(session: OrmSession, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _resolve(session, noted: set, sources: set, actors: dict[int, set[int]]) -> dict[int, set[Change]]:
    """The noted changes grouped by article (two small queries at most: sources' annotations, spans' articles)."""
    covered = {change.annotation_id for _, change in noted}
    sources = {a for a in sources if a is not None and a not in covered}
    if sources:
        for annotation_id, span_id, user_id, status, deleted_at in session.execute(
            select(
                col(Annotation.id),
                col(Annotation.span_id),
                col(Annotation.user_id),
                col(Annotation.status),
                col(Annotation.deleted_at),
            ).where(col(Annotation.id).in_(sorted(sources)))
        ):
            shown = status != DRAFT and deleted_at is None
            noted.add((None, Change("content" if shown else "draft", span_id, annotation_id, user_id)))
    span_ids = {change.span_id for article_id, change in noted if article_id is None}
    # Spans the session holds already (the change's own, mostly) need no query.
    article_of = {}
    for span_id in span_ids:
        held = session.identity_map.get(identity_key(Span, span_id))
        if held is not None:
            article_of[span_id] = held.article_id
    missing = sorted(span_ids - article_of.keys())
    if missing:
        article_of |= dict(
            session.execute(select(col(Span.id), col(Span.article_id)).where(col(Span.id).in_(missing))).all()
        )
    by_article: dict[int, set[Change]] = defaultdict(set)
    for article_id, change in noted:
        article_id = article_id if article_id is not None else article_of.get(change.span_id)
        if change.span_id is not None and len(actors.get(change.span_id, ())) == 1:
            change = replace(change, actor_id=next(iter(actors[change.span_id])))
        if article_id is not None:
            by_article[article_id].add(change)
    return by_article


@functools.cache
def _counter_statement(dialect: str):
    """Add one to an article's counter (creating it at 1), returning it (built once per database)."""
    make_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = table_of(ArticleRevision)
    statement = make_insert(table).values(
        article_id=bindparam("article_id"), revision=1, changed_at=bindparam("now", type_=UTCDateTime())
    )
    return statement.on_conflict_do_update(
        index_elements=[table.c.article_id],
        set_={"revision": table.c.revision + 1, "changed_at": statement.excluded.changed_at},
    ).returning(table.c.revision)


_LOG = table_of(LiveChange).insert()


def mark(session, changes: dict[int, set[Change]]) -> None:
    """Raise each article's counter once and log its changes under the new revision (two statements each,
    run on the session's connection: the counter's row stays locked until the transaction ends)."""
    connection = session.connection()
    counter = _counter_statement(connection.dialect.name)
    for article_id in sorted(changes):  # a fixed order: two transactions never wait on each other's counters
        revision = connection.execute(counter, {"article_id": article_id, "now": utcnow()}).scalar_one()
        connection.execute(
            _LOG,
            [
                {
                    "article_id": article_id,
                    "revision": revision,
                    "kind": c.kind,
                    "span_id": c.span_id,
                    "annotation_id": c.annotation_id,
                    "private_to": c.private_to,
                    "actor_id": c.actor_id,
                }
                for c in sorted(changes[article_id], key=lambda c: (c.kind, c.span_id or 0, c.annotation_id or 0))
            ],
        )


def revision_of(session, article_id: int) -> int:
    """The article's change counter now (0 before its first change)."""
    return (
        session.execute(
            select(col(ArticleRevision.revision)).where(col(ArticleRevision.article_id) == article_id)
        ).scalar()
        or 0
    )
