"""The API's OpenAPI document without an app of one's own (tests, the docs build): built from an app that
holds only the API blueprint."""

from __future__ import annotations

from copy import deepcopy
from functools import cache
from typing import Any

from flask import Flask

from annotator.api.openapi import build
from annotator.api.views import bp


@cache
def _document() -> dict[str, Any]:
    app = Flask(__name__)
    app.register_blueprint(bp)
    return build(app)


def document() -> dict[str, Any]:
    """The OpenAPI document of the API blueprint; a fresh copy, which callers may change."""
    return deepcopy(_document())
