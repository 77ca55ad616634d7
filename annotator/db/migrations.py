"""Schema migrations with Alembic: `flask db upgrade`, `flask db current`, `flask db revision -m MSG`.

The migration scripts live in migrations/versions, generated from the SQLModel tables.
A database created before migrations existed (by `create_all`, with this first
revision's schema) is stamped at that revision instead of being created again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect
from sqlalchemy.engine import Engine

# Inside the package in an installed wheel (pyproject.toml maps it there), beside it in a checkout.
MIGRATIONS = next(
    folder for folder in (Path(__file__).resolve().parents[i] / "migrations" for i in (1, 2)) if folder.is_dir()
)
BASELINE = "0001"


# Made by migration 0005 in each database's own terms, outside the SQLModel tables: the SQLite FTS5
# table (and the shadow tables FTS5 keeps), and PostgreSQL's generated tsvector column and its index.
FULL_TEXT_TABLE = "search_fts"
FULL_TEXT_COLUMN = "search_vector"
FULL_TEXT_INDEX = "ix_search_documents_search_vector"


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Whether Alembic's comparison of database and models looks at ``name`` (not at the full-text index)."""
    if type_ == "table":
        return not (name or "").startswith(FULL_TEXT_TABLE)
    if type_ == "column":
        return name != FULL_TEXT_COLUMN
    if type_ == "index":
        return name != FULL_TEXT_INDEX
    return True


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for schema changes.

    On SQLite, foreign keys are off while it lasts: a migration that rebuilds a table
    (SQLite cannot drop a constraint in place) drops the old one, which must not touch the
    rows pointing at it. They are checked before the commit instead, which fails on any
    dangling reference. The transaction is begun explicitly there (Python's driver would
    not begin one before DDL), so that a failing migration leaves nothing half done.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside a transaction, where SQLite takes the setting
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if sqlite:
                    connection.exec_driver_sql("BEGIN")
                yield connection
                if sqlite:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if dangling:
                        raise RuntimeError(
                            f"the migration left {len(dangling)} rows pointing at nothing "
                            f"(first: table {dangling[0][0]}, row {dangling[0][1]})"
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision``; stamp a pre-migration database at the baseline first."""
    with migrating(engine) as connection:
        tables = set(inspect(connection).get_table_names())
        config = _config(connection)
        if "articles" in tables and "alembic_version" not in tables:
            refuse_if_older_than_baseline(engine, inspect(connection))
            command.stamp(config, BASELINE)
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to ``revision`` (tests; an operator restores a backup instead)."""
    with migrating(engine) as connection:
        command.downgrade(_config(connection), revision)


def baseline_columns() -> dict[str, set[str]]:
    """The baseline revision's tables and columns, as it builds them on a scratch in-memory database."""
    scratch = create_engine("sqlite://")
    try:
        with scratch.begin() as connection:
            command.upgrade(_config(connection), BASELINE)
            inspector = inspect(connection)
            return {
                t: {c["name"] for c in inspector.get_columns(t)}
                for t in inspector.get_table_names()
                if t != "alembic_version"
            }
    finally:
        scratch.dispose()


def refuse_if_older_than_baseline(engine: Engine, inspector) -> None:
    """A database from before migrations must have the baseline's columns to be stamped with it."""
    present = set(inspector.get_table_names())
    for table, columns in sorted(baseline_columns().items()):
        have = {c["name"] for c in inspector.get_columns(table)} if table in present else set()
        refuse_outdated(engine, table, sorted(columns - have))


def revision(engine: Engine, message: str) -> None:
    """Write a new migration script from the difference between the tables and the database."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


class SchemaOutdated(ValueError):
    """The database was created by an older version of the app."""


def refuse_outdated(engine: Engine, table: str, missing: list[str]) -> None:
    """SchemaOutdated when ``table`` lacks the ``missing`` columns."""
    if missing:
        raise SchemaOutdated(
            f"the database {engine.url.render_as_string(hide_password=True)} was made by an older version "
            f"(table {table} lacks {', '.join(missing)}) before migrations existed; remove it to start afresh"
        )
