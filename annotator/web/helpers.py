"""Small helpers shared by the views: one place decides page versus fragment."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NoReturn

from flask import Response, abort, current_app
from flask_login import current_user

from annotator.db import sql
from annotator.db.models import MAX_ID
from annotator.extensions import db


def htmx_request() -> bool:
    """True for an htmx request that wants a fragment (not a boosted page load)."""
    htmx = current_app.extensions["htmx"]
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def get_or_404(model, ident: int | None, *, for_change: bool = False):
    """The row of ``model`` with primary key ``ident``, or a 404 (also for ids no table can hold).
    ``for_change``: read in the write transaction the change takes (``sql.get_for_change``), which then
    reads it no second time."""
    if ident is None or not 0 < ident <= MAX_ID:
        abort(404)
    row = sql.get_for_change(db.session(), model, ident) if for_change else db.session().get(model, ident)
    if row is None:
        refuse(404, for_change=for_change)
    return row


def refuse(status: int, description: str | None = None, *, for_change: bool = False) -> NoReturn:
    """``abort(status)``; after a read ``for_change``, the transaction ends first, so that SQLite's write lock
    is let go before the error page renders."""
    if for_change:
        db.discard_changes()
    abort(status, description)


def lead_required(view):
    """Let only leads (and admins) through; anyone else gets 403."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_lead:
            abort(403, "Only leads can do this.")
        return view(*args, **kwargs)

    return wrapper


def over_upload_cap(count: int, *, what: str, command: str) -> str | None:
    """Why an upload holding ``count`` items is refused (more than ``IMPORT_MAX_ITEMS``), or None when it fits.

    The import commands (``command``) take any number: they are the way for large files."""
    limit = current_app.config["IMPORT_MAX_ITEMS"]
    if count <= limit:
        return None
    return (
        f"The file holds {count:,} {what}; the most one upload takes is {limit:,}. "
        f"Split it, or import it from the command line with flask {command}."
    )


def attachment(body: str | Iterable[str], filename: str, mimetype: str = "text/csv") -> Response:
    """A download: ``body`` (text, or chunks of text to stream) served as a file named ``filename``."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def claim_scorer():
    """The claim scorer the app loaded at start-up (ANNOTATOR_CLAIM_SCORER), for the services that score."""
    return current_app.extensions["claim_scorer"]
