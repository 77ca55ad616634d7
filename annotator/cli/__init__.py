"""Flask commands: ``flask --app app init-db | load-demo | create-user | deactivate-user | create-token | list-tokens | revoke-token |
import-article | import-url | import-annotations | import-claimreview | export | versions | diff | reattach | search |
suggest-claims``.

A command that fails exits non-zero with a one-line message, never a traceback.
"""
from __future__ import annotations

import functools
import secrets
import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from annotator.services import checks, tokens, versioning
from annotator.domain import checkworthiness, diffing, reanchoring, verdicts
from annotator.formats import claimreview_reader
from annotator import db
from annotator.db import migrations
from annotator.web import suggestions
from annotator.web.articles import create_article, fetch_article
from annotator.net.extraction import article_of_file
from annotator.domain.anchoring import AnchorError, resolve_target
from annotator.web.auth import create_or_update_user, deactivate_user, find_user, login_name
from annotator.web.downloads import FORMATS
from annotator.web.forms import check_web_url
from annotator.services.imports import ItemReport, import_document, totals_line
from annotator.formats.interchange import UNTAGGED_CHOICES, UNTAGGED_DRAFT, Rejected
from annotator.formats.exports import iso
from annotator.db.models import ROLES, ApiToken, Article, Span
from annotator.domain.verdicts import KEYS
from annotator.services.spans import OPERATOR
from annotator.db import search_index
from annotator.domain import search_syntax
from annotator.web.search import search_form, form_filters
from annotator.domain.text import loads_json, one_line

DEMO_TITLE = "Putin unlikely to negotiate regardless of US election outcome"
DEMO_USERS = (("reviewer", "reviewer", "Riley Reviewer"), ("lead", "lead", "Lee Lead"))


def echo_added(article: Article) -> None:
    path = f"/articles/{article.id}"
    click.echo(f"Imported article {article.id}: {path} ({current_app.config['BASE_URL'].rstrip('/')}{path})")


def describe_import(report: ItemReport) -> str:
    """One line of the import report, as printed while the file is read."""
    line = f"item {report.number}: {report.outcome}"
    if report.annotation_id:
        line += f": annotation {report.annotation_id} by {report.author} on article {report.article_id}"
    said = "; ".join(part for part in (report.reason, report.notice) if part)
    return line + (f" ({said})" if said else "")


def read_utf8(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None


def existing_article(article_id: int) -> Article:
    article = db.session().get(Article, article_id)
    if article is None:
        raise click.ClickException(f"no article with id {article_id}")
    return article


def add_version(article_id: int, raw: str, *, origin: str, source: str) -> None:
    """Add ``raw`` as the article's new version and print the re-anchoring report."""
    db.create_schema()
    session = db.session()
    article = existing_article(article_id)
    try:
        report = versioning.add_version(session=session, article=article, raw_text=raw, user=None,
                                        origin=origin, source=source)
    except versioning.SameText as same:  # not a failure: a page fetched again may not have changed
        click.echo(f"Article {article.id}: {same}")
        return
    except ValueError as error:  # an empty text
        raise click.ClickException(str(error)) from None
    path = f"/articles/{article.id}/versions/{report.version.number}"
    click.echo(f"Article {article.id}: {report.line()} ({current_app.config['BASE_URL'].rstrip('/')}{path})")


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


class OneLineCommand(click.Command):
    """A command whose usage errors (bad option, bad value) print one line, like its other errors."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise click.ClickException(error.format_message()) from None


def known_demo_password(app: Flask) -> str | None:
    """ANNOTATOR_DEMO_PASSWORD, or the one kept in instance/ when a demo was loaded; None when neither."""
    configured = app.config.get("DEMO_PASSWORD")
    if configured:
        return configured
    path = Path(app.instance_path) / "demo-password"
    return path.read_text().strip() if path.exists() else None


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


def demo_accounts_warning(app: Flask) -> str | None:
    """The warning to print on start while demo accounts keep the demo password; None when none do."""
    names = open_demo_accounts(app)
    if not names:
        return None
    return (f"Warning: the demo account{'s' if len(names) > 1 else ''} {' and '.join(names)} still sign{'' if len(names) > 1 else 's'} "
            "in with the demo password (ANNOTATOR_DEMO_PASSWORD or instance/demo-password). Before anyone else can "
            "reach this server, give each a password of its own (flask --app app create-user NAME --role ROLE) "
            "or remove its sign-in (flask --app app deactivate-user NAME).")


def load_demo_data() -> tuple[Article, str]:
    """Ensure the schema, the demo users and the demo article; return the article and password.

    The demo users are created only when missing: an existing account of the same name (whose
    password or role someone changed) is never touched."""
    db.create_schema()
    session = db.session()
    password = demo_password()
    users = [find_user(session, name) or create_or_update_user(session=session, username=name, role=role,
                                                                password=password, display_name=display)
             for name, role, display in DEMO_USERS]
    article = session.exec(select(Article).where(Article.title == DEMO_TITLE)).first()
    if article is None:
        raw = Path(current_app.config["SEED_ARTICLE"]).read_text(encoding="utf-8")
        article = create_article(session=session, title=DEMO_TITLE, raw_text=raw, created_by=users[1],
                                 publisher="Sample article")
    elif not suggestions.has_suggestions(session=session, article=article):  # a database from before suggestions
        suggestions.recompute(session=session, article=article)
    return article, password


def register(app: Flask) -> None:
    @app.cli.command("init-db", cls=OneLineCommand)
    @one_line_errors
    def init_db():
        """Create the database tables, or bring them up to date (the same as `db upgrade`)."""
        db.create_schema()
        click.echo(f"Database ready: {db.engine().url.render_as_string(hide_password=True)}")

    database = AppGroup("db", help="Schema migrations (Alembic).")
    app.cli.add_command(database)

    @database.command("upgrade", cls=OneLineCommand)
    @click.argument("revision", default="head")
    @one_line_errors
    def db_upgrade(revision):
        """Apply the migrations up to REVISION (default: the latest)."""
        migrations.upgrade(revision)
        click.echo(f"Database at revision {migrations.current_revision()}")

    @database.command("current", cls=OneLineCommand)
    @one_line_errors
    def db_current():
        """Print the database's revision."""
        click.echo(migrations.current_revision() or "none")

    @database.command("revision", cls=OneLineCommand)
    @click.option("-m", "--message", required=True)
    @one_line_errors
    def db_revision(message):
        """Write a migration script for what changed in the models."""
        migrations.revision(message)

    @app.cli.command("load-demo", cls=OneLineCommand)
    @one_line_errors
    def load_demo():
        """Load the demo article and the demo users (reviewer, lead)."""
        article, password = load_demo_data()
        click.echo(f"Demo article: /articles/{article.id} ({article.title})")
        still_open = open_demo_accounts(current_app)
        if still_open:
            click.echo(f"Sign in at http://127.0.0.1:5000/login as {' or '.join(repr(n) for n in still_open)} "
                       f"with the password: {password}")
            click.echo(demo_accounts_warning(current_app), err=True)
        else:
            click.echo("The demo accounts have passwords of their own now: sign in with those.")

    @app.cli.command("suggest-claims", cls=OneLineCommand)
    @click.option("--article", "article_id", type=int, help="Only this article (default: every article).")
    @click.option("--missing", is_flag=True, help="Only articles whose latest version has no suggestions yet.")
    @one_line_errors
    def suggest_claims(article_id, missing):
        """Split the latest version of each article into sentences and score them again with the
        configured scorer (ANNOTATOR_CLAIM_SCORER), replacing its suggested claims; dismissals are kept."""
        db.create_schema()
        session = db.session()
        if article_id is not None:
            articles = [existing_article(article_id)]
        else:
            articles = list(session.exec(select(Article).order_by(Article.id)))
        threshold = current_app.config["SUGGESTION_THRESHOLD"]
        scorer = current_app.extensions["claim_scorer"]
        for article in articles:
            if missing and suggestions.has_suggestions(session=session, article=article):
                continue
            try:
                count = suggestions.recompute(session=session, article=article, scorer=scorer)
            except checkworthiness.ScorerError as error:
                raise click.ClickException(f"article {article.id}: {error}") from None
            shown = suggestions.suggestion_list(session=session, article=article, claims=[])
            click.echo(f"Article {article.id}: {count} sentences scored, "
                       f"{len(shown.listed) + len(shown.dismissed)} at or above {threshold:g} "
                       f"({checkworthiness.scorer_name(scorer)} scorer)")

    @app.cli.command("create-user", cls=OneLineCommand)
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
            raise click.ClickException("the username is not in Unicode normal form (NFC); type it as "
                                       f"{unicodedata.normalize('NFC', username.strip())!r}")
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
        user = create_or_update_user(session=db.session(), username=username, role=role, password=password,
                                     display_name=display_name)
        click.echo(f"User {user.username} ({user.role}) is ready.")

    @app.cli.command("deactivate-user", cls=OneLineCommand)
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

    @app.cli.command("create-token", cls=OneLineCommand)
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

    @app.cli.command("list-tokens", cls=OneLineCommand)
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

    @app.cli.command("revoke-token", cls=OneLineCommand)
    @click.argument("token_id", type=int)
    @one_line_errors
    def revoke_token(token_id):
        """Revoke the API token with this id (see list-tokens); requests with it get 401 from now on."""
        row = db.session().get(ApiToken, token_id) if 0 < token_id < 2**31 else None
        if row is None:
            raise click.ClickException(f"no API token with id {token_id}")
        tokens.revoke_token(session=db.session(), token=row)
        click.echo(f"Revoked token {row.id} ({row.prefix}…, {row.name}) of {row.user.username}")

    @app.cli.command("import-article", cls=OneLineCommand)
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--title", help="The article's headline (default: a saved web page's own).")
    @click.option("--author", help="The byline.")
    @click.option("--publisher")
    @click.option("--url", "source_url", help="Where the article was published.")
    @click.option("--date", "published_on", help="Publication date, YYYY-MM-DD.")
    @click.option("--article", "article_id", type=int,
                  help="Add the file as a new version of this article (its claims are re-anchored).")
    @one_line_errors
    def import_article(file, title, author, publisher, source_url, published_on, article_id):
        """Add an article from a UTF-8 text file, or from a saved web page (its article is extracted, with
        its metadata as defaults for the options); prints its path. The file's content decides, not its
        name; a PDF, an image, an archive or a word-processor file is refused. With --article, the text
        becomes that article's new version; prints what became of its claims."""
        if not file.exists():
            raise click.ClickException(f"no such file: {file}")
        # Read by its content: a web page (its article and metadata), text, or refused (a PDF, an image…).
        found = article_of_file(file.name, file.read_bytes())
        if article_id is not None:
            add_version(article_id, found.text, origin="file", source=file.name)
            return
        raw, title, author = found.text, title or found.title, author or found.author
        publisher, source_url = publisher or found.publisher, source_url or found.canonical_url
        published_on = published_on or (found.published_on.isoformat() if found.published_on else None)
        if source_url:
            try:
                check_web_url(source_url)
            except ValidationError as error:
                raise click.ClickException(f"--url: {error}") from None
        day = None
        if published_on:
            try:
                day = date.fromisoformat(published_on)
            except ValueError:
                raise click.ClickException("--date must look like 2024-10-31") from None
        if not (title or "").strip():
            raise click.ClickException("the title is empty (give --title)")
        db.create_schema()
        article = create_article(session=db.session(), title=title, raw_text=raw, author=author, publisher=publisher,
                                 source_url=source_url, published_on=day)
        echo_added(article)

    @app.cli.command("import-url", cls=OneLineCommand)
    @click.argument("url")
    @click.option("--title", help="The article's headline (default: the page's own).")
    @click.option("--article", "article_id", type=int,
                  help="Add the page's text as a new version of this article (its claims are re-anchored).")
    @one_line_errors
    def import_url(url, title, article_id):
        """Fetch a web page (public addresses only; ANNOTATOR_FETCH_ALLOWED_HOSTS exempts hosts), extract
        its article and metadata, and add it; prints its path. With --article, the text becomes that
        article's new version (unless unchanged); prints what became of its claims."""
        found, answered = fetch_article(url, current_app.config)
        if article_id is not None:
            add_version(article_id, found.text, origin="web", source=answered)
            return
        db.create_schema()
        article = create_article(session=db.session(), title=title or found.title, raw_text=found.text,
                                 author=found.author, publisher=found.publisher,
                                 source_url=found.canonical_url or answered, published_on=found.published_on)
        echo_added(article)

    @app.cli.command("backup", cls=OneLineCommand)
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @one_line_errors
    def backup(file):
        """Copy the live SQLite database to FILE (consistent even while the app is serving)."""
        copied = db.backup_to(file)
        click.echo(f"Backed up {copied} to {file}")

    @app.cli.command("restore", cls=OneLineCommand)
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

    @app.cli.command("import-annotations", cls=OneLineCommand)
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--article", "article_id", type=int,
                  help="Import every item into this article (default: the article with the target's source URL).")
    @click.option("--user", "--reviewer", "username", metavar="NAME",
                  help="Author of every item (default: the user each item's creator names; --reviewer is an alias).")
    @click.option("--untagged", type=click.Choice(UNTAGGED_CHOICES), default=UNTAGGED_DRAFT, show_default=True,
                  help="Hypothesis highlights whose tags name no verdict: their author's drafts awaiting a verdict, "
                       "or skip them (rejected).")
    @one_line_errors
    def import_annotations(file, article_id, username, untagged):
        """Import W3C Web Annotation or Hypothesis JSON; one line per item, then totals.

        Every item is attributed to --user NAME (an existing user), or else to the user its creator
        names. Hypothesis highlights without a verdict tag become drafts awaiting a verdict
        ("imported, no verdict"), unless --untagged skip. No cap on the number of items: this is the
        way to import large files."""
        if not file.exists():
            raise click.ClickException(f"no such file: {file}")
        try:
            document = loads_json(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise click.ClickException(f"{file} is not JSON: {error}") from None
        session = db.session()
        article = session.get(Article, article_id) if article_id is not None else None
        if article_id is not None and article is None:
            raise click.ClickException(f"no article with id {article_id}")
        author = find_user(session, username) if username else None
        if username and author is None:
            raise click.ClickException(f"no user named {username}")
        totals: Counter[str] = Counter()
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            try:
                for report in import_document(session=session, document=document, article=article, reviewer=author,
                                              untagged=untagged):
                    click.echo(describe_import(report))
                    totals[report.outcome] += 1
            except Rejected as error:
                raise click.ClickException(str(error)) from None
        click.echo(totals_line(totals))

    @app.cli.command("import-claimreview", cls=OneLineCommand)
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @one_line_errors
    def import_claimreview(file):
        """Load other fact-checkers' ClaimReview JSON-LD (one, a list, a @graph, or an HTML page) for "Checked before"."""
        if not file.exists():
            raise click.ClickException(f"no such file: {file}")
        try:
            reviews, skipped = claimreview_reader.read(read_utf8(file))
        except claimreview_reader.NotClaimReview as error:
            raise click.ClickException(f"{file}: {error}") from None
        db.create_schema()
        report = checks.import_reviews(session=db.session(), reviews=reviews, skipped=skipped)
        for item in report.skipped:
            click.echo(f"ClaimReview {item.number}: skipped ({item.reason})")
        click.echo(report.line())

    @app.cli.command("export", cls=OneLineCommand)
    @click.argument("article_id", type=int)
    @click.option("--format", "export_format", type=click.Choice(sorted(FORMATS)), default="w3c", show_default=True)
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: standard output).")
    @one_line_errors
    def export(article_id, export_format, output):
        """Export an article's annotations (W3C Web Annotation JSON-LD or CSV) or its ClaimReviews."""
        article = existing_article(article_id)
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            chunks = FORMATS[export_format](session=db.session(), article=article, viewer=OPERATOR)
            if output is None:
                for chunk in chunks:
                    click.echo(chunk, nl=False)
            else:
                with output.open("w", encoding="utf-8") as file:
                    file.writelines(chunks)
                click.echo(f"Wrote {export_format} export of article {article_id} to {output}")

    @app.cli.command("versions", cls=OneLineCommand)
    @click.argument("article_id", type=int)
    @one_line_errors
    def versions(article_id):
        """List an article's versions: number, when, where from, and what each did to the claims."""
        session = db.session()
        article = existing_article(article_id)
        counts = versioning.state_counts(session=session, article=article, known=None)
        for version in versioning.versions_of(session=session, article=article):
            states = counts.get(version.number, {})
            done = ", ".join(f"{states[s]} {s}" for s in reanchoring.OUTCOMES if states.get(s))
            click.echo(f"{version.number}\t{iso(version.created_at)}\t{version.origin}\t{version.source or ''}\t"
                       f"{len(version.text)} characters\t{done or '-'}"
                       + ("\tlatest" if version.number == article.current_version else ""))

    @app.cli.command("reattach", cls=OneLineCommand)
    @click.argument("span_id", type=int)
    @click.option("--quote", required=True, help="The claim's new wording, as it reads in the latest version.")
    @click.option("--prefix", default="", help="Words just before it, when the wording occurs more than once.")
    @click.option("--suffix", default="", help="Words just after it.")
    @click.option("--user", "username", required=True, help="Who re-attaches it (recorded in the claim's history).")
    @one_line_errors
    def reattach(span_id, quote, prefix, suffix, username):
        """Put an orphaned claim (with its annotations) on new words of its article's latest version."""
        session = db.session()
        span = session.get(Span, span_id)
        if span is None:
            raise click.ClickException(f"no claim (span) with id {span_id}")
        user = find_user(session, username)
        if user is None:
            raise click.ClickException(f"no user named {username}")
        article = span.article
        try:
            target = resolve_target(article.text, start=None, end=None, quote=quote, prefix=prefix, suffix=suffix)
            versioning.reattach(session=session, span=span, target=target, user=user,
                                article_version=article.current_version)
        except AnchorError as error:
            raise click.ClickException(str(error)) from None
        except versioning.NotOrphaned:
            raise click.ClickException(f"claim {span_id} is not orphaned") from None
        except versioning.RangeTaken:
            raise click.ClickException("another claim already covers exactly these words") from None
        click.echo(f"Re-attached claim {span_id} to characters {target.start}-{target.end} of article {article.id}, "
                   f"version {article.current_version}")

    @app.cli.command("diff", cls=OneLineCommand)
    @click.argument("article_id", type=int)
    @click.option("--from", "old_number", type=int, help="The older version (default: the one before --to).")
    @click.option("--to", "new_number", type=int, help="The newer version (default: the latest).")
    @one_line_errors
    def diff(article_id, old_number, new_number):
        """Print what changed between two versions: [-deleted-] and {+inserted+} words inline."""
        article = existing_article(article_id)
        by_number = {v.number: v for v in versioning.versions_of(session=db.session(), article=article)}
        new_number = article.current_version if new_number is None else new_number
        old_number = max(1, new_number - 1) if old_number is None else old_number
        for number in (old_number, new_number):
            if number not in by_number:
                raise click.ClickException(f"article {article_id} has no version {number}")
        comparison = diffing.compare(by_number[old_number].text, by_number[new_number].text)
        click.echo(f"Article {article_id}, version {old_number} to {new_number}: {diffing.summary(comparison)}")
        if not comparison.identical:
            click.echo(diffing.as_text(comparison))

    @app.cli.command("search", cls=OneLineCommand)
    @click.argument("words", nargs=-1)
    @click.option("--verdict", help="A verdict key: " + ", ".join(KEYS) + ".")
    @click.option("--reviewer", help="The reviewer's username.")
    @click.option("--status", help="draft, submitted or returned.")
    @click.option("--article", help="The article's id.")
    @click.option("--from", "date_from", help="Last changed on or after this day, YYYY-MM-DD.")
    @click.option("--to", "date_to", help="Last changed on or before this day, YYYY-MM-DD.")
    @click.option("--as", "as_user", help="Search as this user sees (default: as a lead, without drafts).")
    @click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
    @one_line_errors
    def search(words, verdict, reviewer, status, article, date_from, date_to, as_user, limit):
        """Search annotations as the search page does; prints one line per result (tab-separated:
        claim path, verdict, status, reviewer, last changed, article, quote), best match first."""
        session = db.session()
        viewer = OPERATOR
        if as_user is not None:
            viewer = find_user(session, as_user)
            if viewer is None:
                raise click.ClickException(f"no user named {as_user}")
        given = {"q": " ".join(words), "verdict": verdict, "reviewer": reviewer, "status": status,
                 "article": article, "from": date_from, "to": date_to}
        form = search_form(session=session, args=MultiDict({k: v for k, v in given.items() if v is not None}))
        if not form.validate():
            name, messages = next(iter(form.errors.items()))
            option = "QUERY" if name == "q" else "--" + form[name].name
            raise click.ClickException(f"{option}: {messages[0]}")
        results = search_index.search(session=session, viewer=viewer, query=search_syntax.parse(form.q.data),
                                      filters=form_filters(form), limit=limit)
        for hit in results.hits:
            click.echo("\t".join((f"/articles/{hit.article_id}?span={hit.span_id}", verdicts.label(hit.verdict),
                                  hit.status, hit.reviewer, hit.updated_at.date().isoformat(),
                                  one_line(hit.article_title) or "", one_line(hit.quote) or "")))
        shown = len(results.hits)
        summary = f"{results.total} found" + (f", {shown} shown (--limit)" if shown < results.total else "")
        click.echo(summary, err=True)
