"""The app's extensions, created unbound here and bound by ``create_app``: CSRF, sign-in, htmx, the
sign-in limiter, and the database (an engine per app, a session per request)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from annotator.db import schema
from annotator.db.sql import make_engine

csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()
limiter = Limiter(get_remote_address)


class Database:
    """The app's engine and the request's session, in the style of Flask-SQLAlchemy's ``db``."""

    def init_app(self, app: Flask) -> None:
        """Bind an engine to the app and close the request's session afterwards."""
        app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
        app.teardown_appcontext(self._close_session)

    def engine(self) -> Engine:
        return current_app.extensions["engine"]

    def session(self) -> Session:
        """The session of the current request (or app context), opened on first use."""
        if "db_session" not in g:
            g.db_session = Session(self.engine(), expire_on_commit=False)
        return g.db_session

    def discard_changes(self) -> None:
        """Roll back the request's session, if it has one, so that it can be used again after an error."""
        db_session = g.get("db_session")
        if db_session is not None:
            db_session.rollback()

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        db_session = g.pop("db_session", None)
        if db_session is not None:
            db_session.close()

    def create_schema(self) -> None:
        """Bring the app's database up to date (see ``db.schema.create_schema``)."""
        schema.create_schema(self.engine())

    def backup_to(self, path: Path) -> str:
        return schema.backup_to(self.engine(), path)

    def restore_from(self, path: Path) -> None:
        schema.restore_from(self.engine(), path)


db = Database()
