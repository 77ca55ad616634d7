"""Commands for accounts and API tokens: ``create-user``, ``deactivate-user``, ``create-token``,
``list-tokens``, ``revoke-token``."""

from __future__ import annotations

import sys
import unicodedata

import click

from annotator.cli.common import OneLineCommand, commands, one_line_errors
from annotator.db.models import ROLES, ApiToken
from annotator.extensions import db
from annotator.formats.exports import iso
from annotator.services import tokens
from annotator.services.users import create_or_update_user, deactivate_user, find_user, login_name


@commands.command("create-user", cls=OneLineCommand)
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True)
@click.option("--password", help="Omit to be asked for one.")
@click.option("--name", "display_name", help="Display name (default: the username).")
@one_line_errors
def create_user(username, role, password, display_name):
    """Create a user, or change an existing user's role and password (which ends the user's
    signed-in sessions)."""
    if login_name(username) != username.strip():
        if unicodedata.normalize("NFC", username) == username:
            raise click.ClickException("the username holds control or invisible characters")
        raise click.ClickException(
            "the username is not in Unicode normal form (NFC); type it as "
            f"{unicodedata.normalize('NFC', username.strip())!r}"
        )
    username = username.strip()
    if not username:
        raise click.ClickException("the username is empty")
    if password is None:
        if not sys.stdin.isatty():
            raise click.ClickException("give --password (no terminal to ask on)")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.ClickException("the password must have at least 8 characters")
    db.create_schema()
    user = create_or_update_user(
        session=db.session(), username=username, role=role, password=password, display_name=display_name
    )
    click.echo(f"User {user.username} ({user.role}) is ready.")


@commands.command("deactivate-user", cls=OneLineCommand)
@click.argument("username")
@one_line_errors
def deactivate_user_command(username):
    """Stop USERNAME from signing in: the password is removed, every signed-in session ends and
    the API tokens stop working. Annotations and history stay. `create-user` with a new
    password lets the user in again."""
    db.create_schema()
    user = find_user(db.session(), username.strip())
    if user is None:
        raise click.ClickException(f"no user named {username}")
    deactivate_user(session=db.session(), user=user)
    click.echo(f"User {user.username} can no longer sign in; their sessions have ended.")


@commands.command("create-token", cls=OneLineCommand)
@click.argument("username")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
@one_line_errors
def create_token(username, name):
    """Make a personal API token for USERNAME and print it (one line; it is not shown again)."""
    db.create_schema()
    user = find_user(db.session(), username.strip())
    if user is None:
        raise click.ClickException(f"no user named {username}")
    _, token = tokens.create_token(session=db.session(), user=user, name=name)
    click.echo(token)


@commands.command("list-tokens", cls=OneLineCommand)
@click.argument("username")
@one_line_errors
def list_tokens(username):
    """List USERNAME's API tokens: id, prefix, name, created, last used, and whether revoked."""
    user = find_user(db.session(), username.strip())
    if user is None:
        raise click.ClickException(f"no user named {username}")
    for row in tokens.user_tokens(session=db.session(), user=user):
        used = iso(row.last_used_at) if row.last_used_at else "never used"
        state = f"revoked {iso(row.revoked_at)}" if row.revoked_at else "active"
        click.echo(f"{row.id}\t{row.prefix}…\t{row.name}\tcreated {iso(row.created_at)}\t{used}\t{state}")


@commands.command("revoke-token", cls=OneLineCommand)
@click.argument("token_id", type=int)
@one_line_errors
def revoke_token(token_id):
    """Revoke the API token with this id (see list-tokens); requests with it get 401 from now on."""
    row = db.session().get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if row is None:
        raise click.ClickException(f"no API token with id {token_id}")
    tokens.revoke_token(session=db.session(), token=row)
    click.echo(f"Revoked token {row.id} ({row.prefix}…, {row.name}) of {row.user.username}")
