"""The ``annotator`` console script: ``flask --app app`` under its own name (every command of
``annotator.cli``, plus run, shell and routes), with the app made by ``create_app``."""

from __future__ import annotations

import sys

from flask import Flask
from flask.cli import FlaskGroup

from annotator.cli import scale as scale_commands


def _create_app() -> Flask:
    from annotator import create_app
    from annotator.domain.checkworthiness import ScorerError
    from annotator.domain.verdicts import ScaleError

    try:
        return create_app()
    except (ScorerError, ScaleError) as error:  # a bad ANNOTATOR_CLAIM_SCORER or scale file: say why and stop
        sys.exit(f"Error: {error}")


main = FlaskGroup(
    name="annotator",
    create_app=_create_app,
    help="The fact-check annotator: the same commands as `flask --app app`, plus run, shell and routes.",
)


# The scale's commands also run without the app (FlaskGroup finds its own commands before loading it):
# `annotator scale check FILE` checks a file the app would refuse to start with.
main.add_command(scale_commands.scale)
