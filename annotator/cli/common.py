"""What every command shares: the ``commands`` group, one-line errors, and small readers."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from annotator.db.models import Article
from annotator.extensions import db

commands = AppGroup("annotator", help="The fact-check annotator's commands.")


class OneLineCommand(click.Command):
    """A command whose usage errors (bad option, bad value) print one line, like its other errors."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise click.ClickException(error.format_message()) from None


def one_line_errors(command):
    """Turn any failure into ``Error: message`` and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except click.ClickException:
            raise
        except (OSError, ValueError, SQLAlchemyError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise click.ClickException(message) from None

    return wrapper


def existing_article(article_id: int) -> Article:
    article = db.session().get(Article, article_id)
    if article is None:
        raise click.ClickException(f"no article with id {article_id}")
    return article


def read_utf8(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None


def echo_added(article: Article) -> None:
    path = f"/articles/{article.id}"
    click.echo(f"Imported article {article.id}: {path} ({current_app.config['BASE_URL'].rstrip('/')}{path})")


def claim_scorer():
    """The claim scorer the app loaded at start-up (ANNOTATOR_CLAIM_SCORER), for the services that score."""
    return current_app.extensions["claim_scorer"]
