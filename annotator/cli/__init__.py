"""The command line: ``flask --app app COMMAND`` or ``annotator COMMAND``.

Each area's commands live in a module of their own (database, demo, users, articles, interchange,
search), defined at module level in the ``commands`` group. A command that fails exits non-zero with
a one-line message, never a traceback.
"""
from __future__ import annotations

import sys

from flask import Flask
from flask.cli import FlaskGroup

from annotator.cli import articles, database, demo, interchange, search, users  # noqa: F401  (define the commands)
from annotator.cli.common import commands


def register(app: Flask) -> None:
    """Offer every command on ``flask --app app`` (and so on ``annotator``)."""
    for command in commands.commands.values():
        app.cli.add_command(command)


def _create_app() -> Flask:
    from annotator import create_app
    from annotator.domain.checkworthiness import ScorerError

    try:
        return create_app()
    except ScorerError as error:  # a bad ANNOTATOR_CLAIM_SCORER: say why in one line and stop
        sys.exit(f"Error: {error}")


main = FlaskGroup(name="annotator", create_app=_create_app,
                  help="The fact-check annotator: the same commands as `flask --app app`, plus run, shell and routes.")
