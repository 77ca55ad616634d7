"""Commands for the database: ``init-db``, ``db upgrade|current|revision``, ``backup``, ``restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from annotator.cli.common import OneLineCommand, commands, one_line_errors
from annotator.db import migrations
from annotator.extensions import db


@commands.command("init-db", cls=OneLineCommand)
@one_line_errors
def init_db():
    """Create the database tables, or bring them up to date (the same as `db upgrade`)."""
    db.create_schema()
    click.echo(f"Database ready: {db.engine().url.render_as_string(hide_password=True)}")


database = AppGroup("db", help="Schema migrations (Alembic).")


commands.add_command(database)


@database.command("upgrade", cls=OneLineCommand)
@click.argument("revision", default="head")
@one_line_errors
def db_upgrade(revision):
    """Apply the migrations up to REVISION (default: the latest)."""
    migrations.upgrade(db.engine(), revision)
    click.echo(f"Database at revision {migrations.current_revision(db.engine())}")


@database.command("current", cls=OneLineCommand)
@one_line_errors
def db_current():
    """Print the database's revision."""
    click.echo(migrations.current_revision(db.engine()) or "none")


@database.command("revision", cls=OneLineCommand)
@click.option("-m", "--message", required=True)
@one_line_errors
def db_revision(message):
    """Write a migration script for what changed in the models."""
    migrations.revision(db.engine(), message)


@commands.command("backup", cls=OneLineCommand)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@one_line_errors
def backup(file):
    """Copy the live SQLite database to FILE (consistent even while the app is serving)."""
    copied = db.backup_to(file)
    click.echo(f"Backed up {copied} to {file}")


@commands.command("restore", cls=OneLineCommand)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current database without asking.")
@one_line_errors
def restore(file, yes):
    """Replace the SQLite database's content with a backup made by `backup`."""
    if not file.exists():
        raise click.ClickException(f"no such file: {file}")
    if not yes and not click.confirm(f"Replace everything in the database with {file}?", default=False):
        raise click.ClickException("restore cancelled")
    db.restore_from(file)
    click.echo(f"Restored the database from {file}")
