"""Schema creation and SQLite backups, on an engine given by the caller. No Flask."""

from __future__ import annotations

import sqlite3

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from annotator.db import migrations, models  # noqa: F401  (models registers the tables)


def _sqlite_only(current: Engine) -> Engine:
    if current.dialect.name != "sqlite":
        raise ValueError("backup and restore here are for SQLite; for PostgreSQL use pg_dump and pg_restore")
    return current


def backup_to(engine: Engine, path) -> str:
    """Copy the live SQLite database to ``path`` with SQLite's online backup API; returns the source."""
    current = _sqlite_only(engine)
    raw = current.raw_connection()
    try:
        target = sqlite3.connect(path)
        with target:
            assert raw.driver_connection is not None  # None only once closed; the finally below closes it
            raw.driver_connection.backup(target)
        target.close()
    finally:
        raw.close()
    return current.url.render_as_string(hide_password=True)


def restore_from(engine: Engine, path) -> None:
    """Replace the live SQLite database's content with the backup at ``path`` (checked first)."""
    current = _sqlite_only(engine)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            (result,) = source.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError:
            raise ValueError(f"{path} is not a SQLite database") from None
        if result != "ok":
            raise ValueError(f"{path} is damaged: {result}")
        missing = sorted(set(SQLModel.metadata.tables) - tables)
        if missing:
            raise ValueError(f"{path} is not a backup of this app (no table {', '.join(missing)})")
        raw = current.raw_connection()
        try:
            assert raw.driver_connection is not None  # None only once closed; the finally below closes it
            source.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        source.close()
    current.dispose()  # pooled connections must not keep pages of the old content


def create_schema(engine: Engine) -> None:
    """Bring the schema up to date with the migrations; refuse a database that still lacks columns.

    A database from before migrations existed, with columns since added, cannot
    be upgraded: say so plainly instead of failing later on a missing column.
    """
    migrations.upgrade(engine)
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)} if table.name in existing else set()
        migrations.refuse_outdated(engine, table.name, sorted(set(table.columns.keys()) - present))
