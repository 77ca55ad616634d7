"""Engines and plain-SQL helpers that every layer above shares. No Flask."""

from __future__ import annotations

import sqlite3
import time
from typing import Any, Protocol, cast

from sqlalchemy import Table, Text, event, func, inspect, literal_column, type_coerce
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlalchemy.sql.expression import ColumnElement
from sqlmodel import Session, SQLModel, col, create_engine
from sqlmodel.sql.expression import Select

BUSY_SECONDS = 15  # how long a writer waits for another's lock before giving up (SQLite)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def rows(db_session: Session, statement):
    """The rows of a column query run as plain SQL on the session's connection (and transaction).

    Skips the ORM's per-row loading, which costs more than the query itself for the tens of
    thousands of rows that the lead's pages and the exports read.
    """
    return db_session.connection().execute(statement)


def json_rows(dialect: str, *items: Any) -> ColumnElement[str]:
    """An aggregate gathering ``items`` of each row into one JSON array of arrays, as text (``[]`` for no
    rows): a many-row result read as one value and decoded once with ``json.loads``, in whatever order
    the rows come (sort them after). A JSON column stored as text on SQLite goes in as ``func.json(column)``."""
    if dialect == "postgresql":
        gathered = func.coalesce(func.json_agg(func.json_build_array(*items)), literal_column("'[]'::json"))
        return type_coerce(gathered.cast(Text), Text)
    return type_coerce(func.json_group_array(func.json_array(*items)), Text)


def select_columns(*columns: Any) -> Select[*tuple[Any, ...]]:
    """``sqlmodel.select`` of more than four columns: the same statement, which its type hints stop
    short of (they list every combination of up to four; sqlmodel issue 271)."""
    return Select(*columns)


def id_col(attribute: int | None) -> Mapped[int]:
    """A table's integer primary key (``Annotation.id``) as a column, like ``sqlmodel.col``, of ints: SQLModel
    types the field ``int | None`` for a row not stored yet, but every row a query reads has one."""
    return cast(Mapped[int], col(attribute))


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Table, for Core statements: SQLModel sets ``__table__`` without declaring it."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


def related(attribute: object) -> QueryableAttribute[Any]:
    """A relationship attribute (``Comment.user``) as loader options such as ``selectinload`` take it:
    SQLModel types it as the related model. Like ``sqlmodel.col`` for columns."""
    if not isinstance(attribute, QueryableAttribute):
        raise TypeError(f"not a mapped attribute: {attribute!r}")
    return attribute


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write transaction now.

    Python's sqlite3 driver only opens a transaction at the first INSERT or
    UPDATE, so a SAVEPOINT issued before it would commit on release. Taking
    the write lock up front keeps a multi-step save in one transaction (and
    makes a concurrent writer wait for the busy timeout instead of failing).
    PostgreSQL needs nothing here.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None  # None only once the connection is closed; this one is in use
        if not dbapi_connection.in_transaction:
            begin_immediate(dbapi_connection)


_READ_FOR_CHANGE = "rows_read_for_change"  # session.info: (the transaction, identity keys read in it)


def get_for_change(session: Session, model: type[SQLModel], ident: int):
    """The row ``ident`` of ``model`` (or None), read for a change the caller may make after checking it.

    On SQLite the write lock is taken first (:func:`begin_write`) and the row read under it, once: the
    change's ``services.annotations.lock_current`` then reads it no second time (:func:`read_for_change`).
    PostgreSQL locks rows, not the database: the row is read plainly, and locked (FOR UPDATE) only by
    ``lock_current``, once the caller knows the user may change it. A lock taken before that check
    would make a request wait on a row the user may not know exists (another reviewer's draft being
    saved), and its wait would tell that it exists.
    """
    if session.connection().dialect.name != "sqlite":
        return session.get(model, ident)
    begin_write(session)
    row = session.get(model, ident, populate_existing=True)
    if row is not None:
        mark_read_for_change(session, row)
    return row


def mark_read_for_change(session: Session, row: object) -> None:
    """Remember that ``row`` was read under SQLite's write lock in the session's current transaction."""
    transaction = session.get_transaction()
    held, keys = session.info.get(_READ_FOR_CHANGE, (None, set()))
    keys = keys if held is transaction else set()
    keys.add(inspect(row).identity_key)
    session.info[_READ_FOR_CHANGE] = (transaction, keys)


def read_for_change(session: Session, row: object) -> bool:
    """Whether ``row`` was read under SQLite's write lock in the session's current transaction (not in one that
    has ended since: a commit or a rollback starts another; a savepoint's rollback keeps the lock on SQLite)."""
    held, keys = session.info.get(_READ_FOR_CHANGE, (None, set()))
    return held is not None and held is session.get_transaction() and inspect(row).identity_key in keys


def holds_write_lock(session: Session) -> bool:
    """Whether the session's transaction holds the database's write lock, so that no other transaction can
    write until it ends: SQLite after :func:`begin_write`. A savepoint guarding an INSERT against a concurrent
    one is then not needed. PostgreSQL locks rows, not the database: False there."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    dbapi_connection = connection.connection.dbapi_connection
    return dbapi_connection is not None and dbapi_connection.in_transaction


def begin_immediate(dbapi_connection) -> None:
    """``BEGIN IMMEDIATE`` on a SQLite connection, waiting for another writer's lock in short steps.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ... 100 ms between tries: with saves
    that hold the lock a millisecond or two, a waiting writer mostly slept while the lock was free
    (under 20 reviewers and 2 leads, a mean wait of 11 ms, a p99 of 80 ms). Here the handler is off
    for this one statement and the wait is a loop of tries 0.2 to 2 ms apart, for BUSY_SECONDS at most.
    Run on the driver's connection: a connection setting and a transaction start, not a statement
    of the app's (``tests/web/test_statement_budgets.py`` counts neither).
    """
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        deadline, pause = time.monotonic() + BUSY_SECONDS, 0.0002
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 1.5, 0.002)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Stored) -> int:
    """The id of a row that is in the database (read, or added and flushed): SQLModel types ``id`` as
    ``int | None`` for the moment before a row is stored."""
    ident = row.id
    assert ident is not None, f"{type(row).__name__} not stored yet"
    return ident
