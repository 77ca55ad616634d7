"""Commands that read and write other tools' files: ``import-annotations``, ``import-claimreview``, ``export``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask import current_app

from annotator.cli.common import OneLineCommand, commands, existing_article, one_line_errors, read_utf8
from annotator.db.models import Article
from annotator.domain.text import loads_json
from annotator.extensions import db
from annotator.formats import claimreview_reader
from annotator.formats.interchange import UNTAGGED_CHOICES, UNTAGGED_DRAFT, Rejected
from annotator.services import checks
from annotator.services.exports import FORMATS, Addresses
from annotator.services.imports import ItemReport, import_document, totals_line
from annotator.services.users import find_user
from annotator.services.visibility import OPERATOR


def describe_import(report: ItemReport) -> str:
    """One line of the import report, as printed while the file is read."""
    line = f"item {report.number}: {report.outcome}"
    if report.annotation_id:
        line += f": annotation {report.annotation_id} by {report.author} on article {report.article_id}"
    said = "; ".join(part for part in (report.reason, report.notice) if part)
    return line + (f" ({said})" if said else "")


@commands.command("import-annotations", cls=OneLineCommand)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--article",
    "article_id",
    type=int,
    help="Import every item into this article (default: the article with the target's source URL).",
)
@click.option(
    "--user",
    "--reviewer",
    "username",
    metavar="NAME",
    help="Author of every item (default: the user each item's creator names; --reviewer is an alias).",
)
@click.option(
    "--untagged",
    type=click.Choice(UNTAGGED_CHOICES),
    default=UNTAGGED_DRAFT,
    show_default=True,
    help="Hypothesis highlights whose tags name no verdict: their author's drafts awaiting a verdict, "
    "or skip them (rejected).",
)
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
            for report in import_document(
                session=session, document=document, article=article, reviewer=author, untagged=untagged
            ):
                click.echo(describe_import(report))
                totals[report.outcome] += 1
        except Rejected as error:
            raise click.ClickException(str(error)) from None
    click.echo(totals_line(totals))


@commands.command("import-claimreview", cls=OneLineCommand)
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


@commands.command("export", cls=OneLineCommand)
@click.argument("article_id", type=int)
@click.option("--format", "export_format", type=click.Choice(sorted(FORMATS)), default="w3c", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: standard output)."
)
@one_line_errors
def export(article_id, export_format, output):
    """Export an article's annotations (W3C Web Annotation JSON-LD or CSV) or its ClaimReviews."""
    article = existing_article(article_id)
    chunks = FORMATS[export_format](
        session=db.session(),
        article=article,
        viewer=OPERATOR,
        addresses=Addresses.under(current_app.config["BASE_URL"]),
        organisation=current_app.config["ORGANISATION_NAME"],
    )
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
    else:
        with output.open("w", encoding="utf-8") as file:
            file.writelines(chunks)
        click.echo(f"Wrote {export_format} export of article {article_id} to {output}")
