"""The ``annotator`` console script: ``flask --app app`` under its own name (every command of
``annotator.cli``, plus run, shell and routes), with the app made by ``create_app``."""

from __future__ import annotations

import sys

from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from annotator import create_app
    from annotator.domain.checkworthiness import ScorerError

    try:
        return create_app()
    except ScorerError as error:  # a bad ANNOTATOR_CLAIM_SCORER: say why in one line and stop
        sys.exit(f"Error: {error}")


main = FlaskGroup(
    name="annotator",
    create_app=_create_app,
    help="The fact-check annotator: the same commands as `flask --app app`, plus run, shell and routes.",
)
