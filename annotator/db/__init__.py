"""Database engine, per-request session and schema creation."""
from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    """Bind an engine to the app and close the request's session afterwards."""
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["engine"]


def session() -> Session:
    """The session of the current request (or app context), opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def rows(db_session: Session, statement):
    """The rows of a column query run as plain SQL on the session's connection (and transaction).

    Skips the ORM's per-row loading, which costs more than the query itself for the tens of
    thousands of rows that the lead's pages and the exports read.
    """
    return db_session.connection().execute(statement)


def discard_changes() -> None:
    """Roll back the request's session, if it has one, so that it can be used again after an error."""
    db_session = g.get("db_session")
    if db_session is not None:
        db_session.rollback()


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write transaction now.

    Python's sqlite3 driver only opens a transaction at the first INSERT or
    UPDATE, so a SAVEPOINT issued before it would commit on release. Taking
    the write lock up front keeps a multi-step save in one transaction (and
    makes a concurrent writer wait for the busy timeout instead of failing).
    PostgreSQL needs nothing here.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_only() -> Engine:
    current = engine()
    if current.dialect.name != "sqlite":
        raise ValueError("backup and restore here are for SQLite; for PostgreSQL use pg_dump and pg_restore")
    return current


def backup_to(path) -> str:
    """Copy the live SQLite database to ``path`` with SQLite's online backup API; returns the source."""
    current = _sqlite_only()
    raw = current.raw_connection()
    try:
        target = sqlite3.connect(path)
        with target:
            raw.driver_connection.backup(target)
        target.close()
    finally:
        raw.close()
    return current.url.render_as_string(hide_password=True)


def restore_from(path) -> None:
    """Replace the live SQLite database's content with the backup at ``path`` (checked first)."""
    current = _sqlite_only()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            (result,) = source.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError:
            raise ValueError(f"{path} is not a SQLite database") from None
        if result != "ok":
            raise ValueError(f"{path} is damaged: {result}")
        from annotator.db import models  # noqa: F401  (registers the tables)

        missing = sorted(set(SQLModel.metadata.tables) - tables)
        if missing:
            raise ValueError(f"{path} is not a backup of this app (no table {', '.join(missing)})")
        raw = current.raw_connection()
        try:
            source.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        source.close()
    current.dispose()  # pooled connections must not keep pages of the old content


class SchemaOutdated(ValueError):
    """The database was created by an older version of the app."""


def create_schema() -> None:
    """Bring the schema up to date with the migrations; refuse a database that still lacks columns.

    A database from before migrations existed, with columns since added, cannot
    be upgraded: say so plainly instead of failing later on a missing column.
    """
    from annotator.db import migrations, models  # noqa: F401  (models registers the tables)

    migrations.upgrade()
    inspector = inspect(engine())
    existing = set(inspector.get_table_names())
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)} if table.name in existing else set()
        refuse_outdated(table.name, sorted(set(table.columns.keys()) - present))


def refuse_outdated(table: str, missing: list[str]) -> None:
    """SchemaOutdated when ``table`` lacks the ``missing`` columns."""
    if missing:
        raise SchemaOutdated(
            f"the database {engine().url.render_as_string(hide_password=True)} was made by an older version "
            f"(table {table} lacks {', '.join(missing)}) before migrations existed; remove it to start afresh"
        )
