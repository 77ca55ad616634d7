"""The ``search`` command: the search page's query, printed as tab-separated lines."""

from __future__ import annotations

import click
from werkzeug.datastructures import MultiDict

from annotator.cli.common import OneLineCommand, commands, one_line_errors
from annotator.domain import search_syntax, verdicts
from annotator.domain.text import one_line
from annotator.extensions import db
from annotator.services import search as search_service
from annotator.services.search_form import form_filters, search_form
from annotator.services.users import find_user
from annotator.services.visibility import OPERATOR


@commands.command("search", cls=OneLineCommand)
@click.argument("words", nargs=-1)
@click.option("--verdict", help="A verdict key of the desk's scale (`annotator scale show` lists them).")
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
    given = {
        "q": " ".join(words),
        "verdict": verdict,
        "reviewer": reviewer,
        "status": status,
        "article": article,
        "from": date_from,
        "to": date_to,
    }
    form = search_form(session=session, args=MultiDict({k: v for k, v in given.items() if v is not None}))
    if not form.validate():
        name, messages = next(iter(form.errors.items()))
        option = "QUERY" if name == "q" else "--" + form[name].name
        raise click.ClickException(f"{option}: {messages[0]}")
    results = search_service.search(
        session=session, viewer=viewer, query=search_syntax.parse(form.q.data), filters=form_filters(form), limit=limit
    )
    for hit in results.hits:
        click.echo(
            "\t".join(
                (
                    f"/articles/{hit.article_id}?span={hit.span_id}",
                    verdicts.label(hit.verdict),
                    hit.status,
                    hit.reviewer,
                    hit.updated_at.date().isoformat(),
                    one_line(hit.article_title) or "",
                    one_line(hit.quote) or "",
                )
            )
        )
    shown = len(results.hits)
    summary = f"{results.total} found" + (f", {shown} shown (--limit)" if shown < results.total else "")
    click.echo(summary, err=True)
