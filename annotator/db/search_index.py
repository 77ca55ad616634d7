"""The search index: one document per annotation, kept current in the transaction that changes it.

The query over it is ``services.search``.

The document of an annotation holds its claim's quote, its note and its current sources'
titles and URLs (table ``search_documents``); each database indexes it its own way (migration
0005): SQLite with the FTS5 table ``search_fts``, PostgreSQL with a generated ``tsvector``
column under a GIN index. Verdict, status, reviewer, dates and deletion are not copied into
the document: the query reads them from the annotation itself, so they can never be stale.

Keeping the documents current: a session listener (installed by ``create_app``, see ``db.listeners``) notes every
annotation the ORM inserts or updates, every source row it adds, changes or deletes, and
every span whose quote it changes, and rewrites those annotations' documents just before the
transaction commits (:func:`refresh`, in the same transaction). Code that changes these rows
with Core statements instead (bulk ``insert()``/``update()``, which the ORM does not track)
must call :func:`refresh` itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from annotator.db.models import Annotation, SearchDocument, Source, Span
from annotator.db.sql import id_col, table_of

CHUNK = 500  # ids per IN (...) list: well under every database's limit on bound values


# --- The documents ---------------------------------------------------------------------------------


def sources_text(sources: Iterable[tuple[str, str]]) -> str:
    """The document's sources field: each ``(title, url)`` as ``title url``, a line each (as migration 0005
    builds it)."""
    return "\n".join(f"{title} {url}" for title, url in sources)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def refresh(session: OrmSession, *, annotation_ids: Iterable[int] = (), span_ids: Iterable[int] = ()) -> int:
    """Rewrite the search documents of these annotations and of every annotation on these spans.

    Call it after changing, outside the ORM, what a document holds: an annotation's note or
    span, its sources, or a span's quote (re-anchoring). ORM changes need no call: the
    listener below makes it before each commit. Runs in the session's transaction, four
    statements per 500 annotations; returns how many documents were written.
    """
    ids = set(annotation_ids)
    for chunk in _chunks(span_ids):
        ids.update(session.execute(select(id_col(Annotation.id)).where(col(Annotation.span_id).in_(chunk))).scalars())
    written = 0
    for chunk in _chunks(ids):
        cited: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for annotation_id, title, url in session.execute(
            select(col(Source.annotation_id), col(Source.title), col(Source.url))
            .where(col(Source.annotation_id).in_(chunk), col(Source.removed_at).is_(None))
            .order_by(col(Source.annotation_id), col(Source.position), col(Source.id))
        ):
            cited[annotation_id].append((title, url))
        rows = [
            {
                "annotation_id": annotation_id,
                "quote": quote,
                "note": note,
                "sources": sources_text(cited.get(annotation_id, ())),
            }
            for annotation_id, quote, note in session.execute(
                select(id_col(Annotation.id), col(Span.quote), col(Annotation.note))
                .join(Span, col(Span.id) == Annotation.span_id)
                .where(id_col(Annotation.id).in_(chunk))
            )
        ]
        session.execute(delete(SearchDocument).where(col(SearchDocument.annotation_id).in_(chunk)))
        if rows:
            session.execute(insert(SearchDocument), rows)
        written += len(rows)
    return written


_INSERT_DOCUMENT = table_of(SearchDocument).insert()


def write_document(connection: Connection, *, annotation_id: int, quote: str, note: str, sources: str) -> None:
    """Write the document of a new annotation from the values it was stored with (one statement: the
    fast save in ``services.saving``, which knows them all). ``sources`` is :func:`sources_text`."""
    connection.execute(
        _INSERT_DOCUMENT, {"annotation_id": annotation_id, "quote": quote, "note": note, "sources": sources}
    )


def rebuild(session: Session) -> int:
    """Rewrite every document (after bulk loading, or to repair); returns how many were written."""
    session.execute(delete(SearchDocument))
    return refresh(session, annotation_ids=session.execute(select(id_col(Annotation.id))).scalars().all())


def stale_documents(session: Session) -> list[int]:
    """Annotations whose document is missing or differs from what :func:`refresh` would write (for checks)."""
    have = {
        row.annotation_id: (row.quote, row.note, row.sources)
        for row in session.execute(
            select(
                col(SearchDocument.annotation_id),
                col(SearchDocument.quote),
                col(SearchDocument.note),
                col(SearchDocument.sources),
            )
        )
    }
    cited: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for annotation_id, title, url in session.execute(
        select(col(Source.annotation_id), col(Source.title), col(Source.url))
        .where(col(Source.removed_at).is_(None))
        .order_by(col(Source.annotation_id), col(Source.position), col(Source.id))
    ):
        cited[annotation_id].append((title, url))
    want = {
        annotation_id: (quote, note, sources_text(cited.get(annotation_id, ())))
        for annotation_id, quote, note in session.execute(
            select(id_col(Annotation.id), col(Span.quote), col(Annotation.note)).join(
                Span, col(Span.id) == Annotation.span_id
            )
        )
    }
    return sorted(i for i in set(have) | set(want) if have.get(i) != want.get(i))


_PENDING = "search_index_pending"


def note_changes(session: OrmSession, _context) -> None:
    """Note the annotations whose documents the flushed changes touch (ids are known after a flush).

    An annotation counts when it is new, or when its note or its span changed: a change of status,
    verdict or deletion alone (a submission, a return, a deletion) leaves its document as it was. In
    ``after_flush`` the rows still carry the history of what the flush wrote."""
    annotations, spans = session.info.setdefault(_PENDING, (set(), set()))
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Annotation) and row.id is not None and row not in session.deleted:
            if row in session.new or _document_changed(row):
                annotations.add(row.id)
        elif isinstance(row, Source):
            annotation_id = (
                row.annotation_id
                if row.annotation_id is not None
                else inspect(row).committed_state.get("annotation_id")
            )
            if annotation_id is not None:
                annotations.add(annotation_id)
        elif isinstance(row, Span) and row.id is not None and row not in session.new and row not in session.deleted:
            if inspect(row).attrs.quote.history.has_changes():
                spans.add(row.id)


def _document_changed(annotation: Annotation) -> bool:
    """Whether a flushed change of this stored annotation touched what its document holds of it."""
    attrs = inspect(annotation).attrs
    return attrs.note.history.has_changes() or attrs.span_id.history.has_changes()


_WRITTEN = "search_index_written"


def rewrite_document(session: OrmSession, *, annotation_id: int, quote: str, note: str, sources: str) -> None:
    """Replace an annotation's document with one from the values the caller has just stored (one
    statement), and tell the listener that this document is current: a change through the ORM that
    knows its annotation's quote, note and sources (an edit) spares the four statements of
    :func:`refresh`. ``sources`` is :func:`sources_text` of the current sources."""
    connection = session.connection()
    make_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = make_insert(table_of(SearchDocument))
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[statement.table.c.annotation_id],
            set_={
                "quote": statement.excluded.quote,
                "note": statement.excluded.note,
                "sources": statement.excluded.sources,
            },
        ),
        {"annotation_id": annotation_id, "quote": quote, "note": note, "sources": sources},
    )
    session.info.setdefault(_WRITTEN, set()).add(annotation_id)


def refresh_before_commit(session: OrmSession) -> None:
    """Rewrite the noted documents in the transaction about to commit (but those written already)."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit's own flush comes after this event: flush now, so the listener above notes it all
    written = session.info.pop(_WRITTEN, set())
    if _PENDING not in session.info:
        return
    annotations, spans = session.info.pop(_PENDING)
    annotations = {a for a in annotations if a not in written}
    if annotations or spans:
        refresh(session, annotation_ids=annotations, span_ids=spans)


def forget_on_end(session: OrmSession, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_WRITTEN, None)
