"""Signing in and out, user accounts, and how long a signed-in session lasts.

A session is a signed cookie; what makes it revocable is on the server: each user has a
``session_version``, copied into the cookie at sign-in, that signing out, a new password, a new
role or deactivation raise, so that every cookie made before no longer signs anyone in. The
cookie also carries when the session began and when it was last used, so that it ends after
``SESSION_IDLE_SECONDS`` without use and ``SESSION_LIFETIME_SECONDS`` after signing in, whatever
happens in between.
"""

from __future__ import annotations

import time
import unicodedata
from typing import TypeGuard
from urllib.parse import unquote, urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import login_user
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.security import check_password_hash, generate_password_hash

from annotator.db.models import User
from annotator.extensions import db, limiter
from annotator.services.users import end_sessions, login_name, user_signing_in
from annotator.web.forms import LoginForm

DUMMY_HASH = generate_password_hash("not a password")

bp = Blueprint("auth", __name__)

# What the session cookie holds besides Flask-Login's own keys (``_user_id``, ``_fresh``, ``_id``).
VERSION_KEY, STARTED_KEY, SEEN_KEY = "_sv", "_started", "_seen"
LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", VERSION_KEY, STARTED_KEY, SEEN_KEY)
# The last-use time is written back at most this often (each write re-sends the cookie).
SEEN_RESOLUTION = 60
# Requests that are not the user's own doing and must not keep an idle session alive.
PASSIVE_ENDPOINTS = {"live.poll"}


# --- Sessions ---------------------------------------------------------------------------------------


def _is_epoch_time(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def session_expired(*, started: object, seen: object, now: float, idle: float, lifetime: float) -> bool:
    """Whether a session that began at ``started`` and was last used at ``seen`` (epoch seconds, as the
    cookie holds them) is over at ``now``. A cookie without these times (made before they existed) is."""
    if not (_is_epoch_time(started) and _is_epoch_time(seen)):
        return True
    return now - started > lifetime or now - seen > idle or started > now + 60 or seen > now + 60


def session_is_current(user: User) -> bool:
    """Whether the request's session cookie still signs ``user`` in: the user's current session
    version, within the idle timeout and the absolute lifetime."""
    config = current_app.config
    if session.get(VERSION_KEY) != user.session_version:
        return False
    return not session_expired(
        started=session.get(STARTED_KEY),
        seen=session.get(SEEN_KEY),
        now=time.time(),
        idle=config["SESSION_IDLE_SECONDS"],
        lifetime=config["SESSION_LIFETIME_SECONDS"],
    )


def note_activity() -> None:
    """Record that the signed-in user did something now (polls the page makes by itself don't count)."""
    now = int(time.time())
    if request.endpoint not in PASSIVE_ENDPOINTS and now - session.get(SEEN_KEY, 0) >= SEEN_RESOLUTION:
        session[SEEN_KEY] = now


def forget_login() -> None:
    """Drop the sign-in from the session cookie (its CSRF token stays, so an open form still posts)."""
    for key in LOGIN_KEYS:
        session.pop(key, None)


def start_session(user: User) -> None:
    """Sign ``user`` in on a fresh session (and CSRF token): no fixation."""
    session.clear()
    login_user(user)
    now = int(time.time())
    session[VERSION_KEY], session[STARTED_KEY], session[SEEN_KEY] = user.session_version, now, now
    session.permanent = True  # the cookie expires with the session's absolute lifetime


# --- Signing in and out ------------------------------------------------------------------------------


class BadNext(ValueError):
    """The page to go to after signing in is not a page of this site."""


def checked_next(target: str | None) -> str | None:
    """The page of this site to go to after signing in (a path, with its query), None when none is
    given; BadNext for anything else: another host, a scheme, control characters or white space, or
    a path that is no page of the app."""
    if not target:
        return None
    if any(unicodedata.category(ch)[0] in "CZ" for ch in target) or "\\" in target:
        raise BadNext(target)
    try:
        parts = urlsplit(target)
    except ValueError:
        raise BadNext(target) from None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        raise BadNext(target)
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(unquote(parts.path), method="GET")
    except (NotFound, MethodNotAllowed, RequestRedirect):  # no page, not a page to GET, or a redirect rule
        raise BadNext(target) from None
    if endpoint.startswith("auth.") or endpoint.startswith("api."):
        raise BadNext(target)
    return target


def usable_next() -> str | None:
    """The request's ``next`` when usable, else None (the sign-in form then leaves it out)."""
    try:
        return checked_next(request.args.get("next"))
    except BadNext:
        return None


def _failed(response) -> bool:
    """A sign-in attempt counts against the limits unless it succeeded (a redirect)."""
    return response.status_code != 303


def _account_key() -> str:
    return "account:" + login_name(request.form.get("username")).casefold()


BAD_NEXT_MESSAGE = (
    "The page to open after signing in is not a page of this site, so you were not signed in. "
    "Sign in again from this page."
)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed, scope="login-address"
)
def login():
    """Show the sign-in form; sign in on a valid username and password."""
    form = LoginForm()
    error, status = None, (200 if request.method == "GET" else 422)
    if request.method == "POST" and request.args.get("next") and usable_next() is None:
        error, status = BAD_NEXT_MESSAGE, 400
    elif form.validate_on_submit():
        user = user_signing_in(db.session(), request.form.get("username"))
        if user is None or not user.is_active:
            # Hash anyway, so that the response time does not tell which usernames exist.
            check_password_hash(DUMMY_HASH, form.password.data)
        elif user.check_password(form.password.data):
            start_session(user)
            return redirect(usable_next() or url_for("articles.index"), code=303)
        error = "Unknown username or wrong password."
    return render_template("auth/login.html", form=form, error=error, next=usable_next()), status


@bp.post("/logout")
def logout():
    """Sign out (every session of this account ends) and go back to the sign-in page."""
    from flask_login import current_user

    if current_user.is_authenticated:
        end_sessions(db.session(), current_user)
        db.session().commit()
    session.clear()
    return redirect(url_for("auth.login"), code=303)
