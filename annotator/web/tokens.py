"""The user's settings page: personal API tokens (make one, see it once, revoke it)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from annotator.db.models import ApiToken
from annotator.extensions import db
from annotator.services import tokens as token_service
from annotator.web.forms import TokenForm
from annotator.web.helpers import get_or_404, htmx_request

bp = Blueprint("tokens", __name__)


def render_tokens(
    form: TokenForm | None = None, status: int = 200, *, new_token: str | None = None, new_row: ApiToken | None = None
):
    """The tokens section alone for htmx, or the whole settings page."""
    context = {
        "form": form or TokenForm(formdata=None),
        "tokens": token_service.user_tokens(session=db.session(), user=current_user),
        "new_token": new_token,
        "new_row": new_row,
    }
    template = "tokens/_tokens.html" if htmx_request() else "tokens/tokens.html"
    return render_template(template, **context), status


@bp.get("/settings/tokens")
def token_list():
    """Your API tokens and the form for a new one."""
    return render_tokens()


@bp.post("/settings/tokens")
def create_token():
    """Make a token and show it, this once (the page answers the POST: it is never stored to show again)."""
    form = TokenForm()
    if not form.validate():
        return render_tokens(form, 422)
    row, token = token_service.create_token(session=db.session(), user=current_user, name=form.name.data)
    return render_tokens(new_token=token, new_row=row)


@bp.post("/settings/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke one of your tokens: requests with it get 401 from now on. Someone else's token is
    404, as an unknown one: the answer must not tell which token ids exist."""
    token = get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    token_service.revoke_token(session=db.session(), token=token)
    if not htmx_request():
        return redirect(url_for("tokens.token_list"), code=303)
    return render_tokens()
