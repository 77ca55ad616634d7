"""Commands for articles and their versions: ``import-article``, ``import-url``, ``versions``, ``diff``,
``reattach``, ``suggest-claims``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlmodel import select
from wtforms.validators import ValidationError

from annotator.cli.common import OneLineCommand, claim_scorer, commands, echo_added, existing_article, one_line_errors
from annotator.db.models import Article, Span
from annotator.domain import checkworthiness, diffing, reanchoring
from annotator.domain.anchoring import AnchorError, resolve_target
from annotator.extensions import db
from annotator.formats.exports import iso
from annotator.net.extraction import article_of_file
from annotator.services import reattaching, suggestions, versioning
from annotator.services.articles import create_article, fetch_article
from annotator.services.content import check_web_url
from annotator.services.users import find_user


def add_version(article_id: int, raw: str, *, origin: str, source: str) -> None:
    """Add ``raw`` as the article's new version and print the re-anchoring report."""
    db.create_schema()
    session = db.session()
    article = existing_article(article_id)
    try:
        report = versioning.add_version(
            scorer=claim_scorer(),
            session=session,
            article=article,
            raw_text=raw,
            user=None,
            origin=origin,
            source=source,
        )
    except versioning.SameText as same:  # not a failure: a page fetched again may not have changed
        click.echo(f"Article {article.id}: {same}")
        return
    except ValueError as error:  # an empty text
        raise click.ClickException(str(error)) from None
    path = f"/articles/{article.id}/versions/{report.version.number}"
    click.echo(f"Article {article.id}: {report.line()} ({current_app.config['BASE_URL'].rstrip('/')}{path})")


@commands.command("suggest-claims", cls=OneLineCommand)
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
        shown = suggestions.suggestion_list(threshold=threshold, session=session, article=article, claims=[])
        click.echo(
            f"Article {article.id}: {count} sentences scored, "
            f"{len(shown.listed) + len(shown.dismissed)} at or above {threshold:g} "
            f"({checkworthiness.scorer_name(scorer)} scorer)"
        )


@commands.command("import-article", cls=OneLineCommand)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="The article's headline (default: a saved web page's own).")
@click.option("--author", help="The byline.")
@click.option("--publisher")
@click.option("--url", "source_url", help="Where the article was published.")
@click.option("--date", "published_on", help="Publication date, YYYY-MM-DD.")
@click.option(
    "--article",
    "article_id",
    type=int,
    help="Add the file as a new version of this article (its claims are re-anchored).",
)
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
    article = create_article(
        scorer=claim_scorer(),
        session=db.session(),
        title=title,
        raw_text=raw,
        author=author,
        publisher=publisher,
        source_url=source_url,
        published_on=day,
    )
    echo_added(article)


@commands.command("import-url", cls=OneLineCommand)
@click.argument("url")
@click.option("--title", help="The article's headline (default: the page's own).")
@click.option(
    "--article",
    "article_id",
    type=int,
    help="Add the page's text as a new version of this article (its claims are re-anchored).",
)
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
    article = create_article(
        scorer=claim_scorer(),
        session=db.session(),
        title=title or found.title,
        raw_text=found.text,
        author=found.author,
        publisher=found.publisher,
        source_url=found.canonical_url or answered,
        published_on=found.published_on,
    )
    echo_added(article)


@commands.command("versions", cls=OneLineCommand)
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
        click.echo(
            f"{version.number}\t{iso(version.created_at)}\t{version.origin}\t{version.source or ''}\t"
            f"{len(version.text)} characters\t{done or '-'}"
            + ("\tlatest" if version.number == article.current_version else "")
        )


@commands.command("reattach", cls=OneLineCommand)
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
        reattaching.reattach(
            session=session, span=span, target=target, user=user, article_version=article.current_version
        )
    except AnchorError as error:
        raise click.ClickException(str(error)) from None
    except reattaching.NotOrphaned:
        raise click.ClickException(f"claim {span_id} is not orphaned") from None
    except reattaching.RangeTaken:
        raise click.ClickException("another claim already covers exactly these words") from None
    click.echo(
        f"Re-attached claim {span_id} to characters {target.start}-{target.end} of article {article.id}, "
        f"version {article.current_version}"
    )


@commands.command("diff", cls=OneLineCommand)
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
