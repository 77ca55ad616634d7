"""Commands for the desk's rating scale: ``scale check FILE`` and ``scale show``.

Both run without the app: ``annotator scale check`` is how an operator tries a new scale file (and
sees what the stored verdicts say of it) before pointing ANNOTATOR_SCALE_FILE at it, and the app
itself would refuse to start with a file that drops a rating still in use.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlmodel import Session

from annotator import config
from annotator.cli.common import OneLineCommand, commands
from annotator.db.sql import make_engine
from annotator.domain import verdicts
from annotator.services import scale as stored

scale = click.Group("scale", help="The desk's rating scale (the file ANNOTATOR_SCALE_FILE names).")
commands.add_command(scale)


def _read(file: Path | None) -> verdicts.Scale:
    try:
        return verdicts.read(file) if file else verdicts.DEFAULT
    except verdicts.ScaleError as error:
        raise click.ClickException(str(error)) from None


def _describe(chosen: verdicts.Scale) -> None:
    click.echo(
        f"{chosen.name}: {len(chosen.ratings)} ratings, ratingValue {chosen.worst_rating} (worst) "
        f"to {chosen.best_rating} (best)"
    )
    for digit, v in enumerate(chosen.ratings, start=1):
        place = f"order {v.rank}" if v.rank is not None else "outside the order"
        value = f"ratingValue {v.rating}" if v.rating is not None else "no ratingValue"
        click.echo(f"  {digit}  {v.key:<16} {v.label:<18} {place:<18} {value:<16} {v.description}")
    for old, new in chosen.renamed.items():
        click.echo(f"  renamed: {old} -> {new}")


def _database_url() -> str:
    return config.database_url_of(config.instance_dir())


@scale.command("check", cls=OneLineCommand)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path):
    """Check a scale FILE, and the stored verdicts against it, without starting the app.

    Exits 1 with one line per problem: a file the app cannot use, or a rating that stored verdicts
    use and that the file drops without mapping it under [renamed].
    """
    chosen = _read(file)
    _describe(chosen)
    url = _database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).exists()):
        click.echo(f"No database at {parsed.database}: no stored verdicts to check.")
        return
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            counts = stored.stored_counts(session=session)
    finally:
        engine.dispose()
    shown = parsed.render_as_string(hide_password=True)
    click.echo(f"Stored verdicts in {shown}: {sum(counts.values()):,}")
    for key, n in sorted(counts.items(), key=lambda item: -item[1]):
        fate = (
            "on the scale"
            if key in chosen.by_key
            else f"renamed to {chosen.renamed[key]} at start-up"
            if key in chosen.renamed
            else "NOT on the scale"
        )
        click.echo(f"  {key:<16} {n:>8,}  {fate}")
    problems = chosen.stored_problems(counts)
    if problems:
        raise click.ClickException("\n".join(problems))
    click.echo("The app can start with this scale.")


@scale.command("show", cls=OneLineCommand)
def show():
    """Print the scale in use (ANNOTATOR_SCALE_FILE, or the default 7-level scale)."""
    file = config.scale_file()
    _describe(_read(Path(file) if file else None))
