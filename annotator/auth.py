"""Signing in and out, and user accounts."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import db, limiter
from .forms import LoginForm
from .models import ROLES, User

DUMMY_HASH = generate_password_hash("not a password")

bp = Blueprint("auth", __name__)


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def create_or_update_user(*, session: Session, username: str, role: str, password: str | None,
                          display_name: str | None = None) -> User:
    """Create a user, or update the role (and password, when given) of an existing one."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    user = find_user(session, username)
    if user is None:
        user = User(username=username, display_name=display_name or username.title(), role=role)
    else:
        user.role = role
        if display_name:
            user.display_name = display_name
    if password is not None:
        user.set_password(password)
    session.add(user)
    session.commit()
    return user


def _safe_next(target: str | None) -> str:
    """A same-site path to go to after signing in; never another host."""
    if target and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("articles.index")


def _failed(response) -> bool:
    """A sign-in attempt counts against the limits unless it succeeded (a redirect)."""
    return response.status_code != 303


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed, scope="login-account")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed,
               scope="login-address")
def login():
    """Show the sign-in form; sign in on a valid username and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = find_user(db.session(), form.username.data.strip())
        if user is None or not user.is_active:
            # Hash anyway, so that the response time does not tell which usernames exist.
            check_password_hash(DUMMY_HASH, form.password.data)
        elif user.check_password(form.password.data):
            session.clear()  # a fresh session (and CSRF token) for the signed-in user: no fixation
            login_user(user)
            return redirect(_safe_next(request.args.get("next")), code=303)
        error = "Unknown username or wrong password."
    status = 200 if request.method == "GET" else 422
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """Sign out and go back to the sign-in page."""
    logout_user()
    return redirect(url_for("auth.login"), code=303)
