"""The demo: ``load-demo``, its accounts, and the warning while they keep the demo password."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from annotator.cli.common import OneLineCommand, claim_scorer, commands, one_line_errors
from annotator.db.models import Article
from annotator.extensions import db
from annotator.services import suggestions
from annotator.services.articles import create_article
from annotator.services.users import create_or_update_user, find_user

DEMO_TITLE = "Putin unlikely to negotiate regardless of US election outcome"
DEMO_USERS = (("reviewer", "reviewer", "Riley Reviewer"), ("lead", "lead", "Lee Lead"))


def load_demo_data() -> tuple[Article, str]:
    """Ensure the schema, the demo users and the demo article; return the article and password.

    The demo users are created only when missing: an existing account of the same name (whose
    password or role someone changed) is never touched."""
    db.create_schema()
    session = db.session()
    password = demo_password()
    users = [
        find_user(session, name)
        or create_or_update_user(session=session, username=name, role=role, password=password, display_name=display)
        for name, role, display in DEMO_USERS
    ]
    article = session.exec(select(Article).where(Article.title == DEMO_TITLE)).first()
    if article is None:
        raw = Path(current_app.config["SEED_ARTICLE"]).read_text(encoding="utf-8")
        article = create_article(
            scorer=claim_scorer(),
            session=session,
            title=DEMO_TITLE,
            raw_text=raw,
            created_by=users[1],
            publisher="Sample article",
        )
    elif not suggestions.has_suggestions(session=session, article=article):  # a database from before suggestions
        suggestions.recompute(session=session, article=article, scorer=claim_scorer())
    return article, password


def demo_accounts_warning(app: Flask) -> str | None:
    """The warning to print on start while demo accounts keep the demo password; None when none do."""
    names = open_demo_accounts(app)
    if not names:
        return None
    return (
        f"Warning: the demo account{'s' if len(names) > 1 else ''} {' and '.join(names)} "
        f"still sign{'' if len(names) > 1 else 's'} "
        "in with the demo password (ANNOTATOR_DEMO_PASSWORD or instance/demo-password). Before anyone else can "
        "reach this server, give each a password of its own (flask --app app create-user NAME --role ROLE) "
        "or remove its sign-in (flask --app app deactivate-user NAME)."
    )


def open_demo_accounts(app: Flask) -> list[str]:
    """The demo accounts (reviewer, lead) that still sign in with the demo password anyone with the
    instance folder (or the environment) can read."""
    password = known_demo_password(app)
    if not password:
        return []
    with app.app_context():
        session = db.session()
        try:
            users = [find_user(session, name) for name, _, _ in DEMO_USERS]
        except SQLAlchemyError:  # no tables yet: no accounts either
            return []
        finally:
            session.close()
    return [user.username for user in users if user is not None and user.check_password(password)]


def demo_password() -> str:
    """ANNOTATOR_DEMO_PASSWORD, or a random password made once and kept in instance/."""
    known = known_demo_password(current_app)
    if known:
        return known
    path = Path(current_app.instance_path) / "demo-password"
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(9)
    path.write_text(password)
    path.chmod(0o600)
    return password


def known_demo_password(app: Flask) -> str | None:
    """ANNOTATOR_DEMO_PASSWORD, or the one kept in instance/ when a demo was loaded; None when neither."""
    configured = app.config.get("DEMO_PASSWORD")
    if configured:
        return configured
    path = Path(app.instance_path) / "demo-password"
    return path.read_text().strip() if path.exists() else None


@commands.command("load-demo", cls=OneLineCommand)
@one_line_errors
def load_demo():
    """Load the demo article and the demo users (reviewer, lead)."""
    article, password = load_demo_data()
    click.echo(f"Demo article: /articles/{article.id} ({article.title})")
    still_open = open_demo_accounts(current_app)
    if still_open:
        click.echo(
            f"Sign in at http://127.0.0.1:5000/login as {' or '.join(repr(n) for n in still_open)} "
            f"with the password: {password}"
        )
        click.echo(demo_accounts_warning(current_app), err=True)
    else:
        click.echo("The demo accounts have passwords of their own now: sign in with those.")
