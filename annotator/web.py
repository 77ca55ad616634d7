"""Small helpers shared by the views: one place decides page versus fragment."""
from __future__ import annotations

from flask import abort, current_app, render_template
from flask_login import current_user

from . import db


def htmx_request() -> bool:
    """True for an htmx request that wants a fragment (not a boosted page load)."""
    htmx = current_app.extensions["htmx"]
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """The full page on a normal request, only the fragment on an htmx request."""
    template = fragment if htmx_request() else page
    return render_template(template, **context), status


def get_or_404(model, ident):
    """The row of ``model`` with primary key ``ident``, or a 404."""
    row = db.session().get(model, ident)
    if row is None:
        abort(404)
    return row


def require_lead() -> None:
    """403 unless the signed-in user is a lead (or admin)."""
    if not current_user.is_lead:
        abort(403)
