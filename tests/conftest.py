"""Shared fixtures: an app per test with its own SQLite file, signed-in clients, helpers."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import event
from sqlmodel import SQLModel, select

from annotator import create_app

from annotator.extensions import db
from annotator.db.models import accounts
from annotator.cli.demo import DEMO_TITLE, load_demo_data
from annotator.db.models import Annotation, Article, Source, Span, User

PASSWORD = "correct horse battery"
# Cheap hashing keeps the suite fast; the production method is tested in test_auth.
PRODUCTION_HASH_METHOD = accounts.PASSWORD_HASH_METHOD
accounts.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
HX = {"HX-Request": "true"}

# Hypothesis profiles. Time never decides a result: neither profile has a deadline or the too_slow health check,
# since a loaded machine (CI, or a laptop running the suite twice) makes any example slow.
# - "ci": the same examples on every run (derandomize), no example database, and a failure prints the blob
#   to replay it with @reproduce_failure.
# - "dev": fresh random examples each run, with failures remembered in .hypothesis/ and tried first next time.
# HYPOTHESIS_PROFILE picks one by name; otherwise "ci" when CI or ANNOTATOR_CI is set (.ci/run sets the latter),
# else "dev". A test's own @settings (max_examples, suppress_health_check) take the loaded profile's values for
# what they do not set. Both start from Hypothesis's "default": under CI it loads its own "ci" on import.
hypothesis_settings.register_profile("ci", hypothesis_settings.get_profile("default"), deadline=None,
                                     derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("dev", hypothesis_settings.get_profile("default"), deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])


def hypothesis_profile(environ) -> str:
    return environ.get("HYPOTHESIS_PROFILE") or ("ci" if environ.get("CI") or environ.get("ANNOTATOR_CI") else "dev")


hypothesis_settings.load_profile(hypothesis_profile(os.environ))
# For the @settings of tests that share one function-scoped app between examples (on purpose): the health checks
# the profile leaves out, and that one. (A test's suppress_health_check replaces the profile's, not adds to it.)
FIXTURE_HEALTH_CHECKS = [*hypothesis_settings().suppress_health_check, HealthCheck.function_scoped_fixture]


# `make test-pg` sets this: the suite then runs on PostgreSQL, each test on an emptied schema.
POSTGRES_URL = os.environ.get("ANNOTATOR_TEST_DATABASE_URL")


def empty_postgres() -> None:
    """Drop every table of the PostgreSQL test database (the app's and Alembic's).

    A connection left open elsewhere (a failed test's) would hold locks that DROP waits for
    without end: those are ended first, and a lock still held fails the test after 10 s.
    """
    with db.engine().begin() as connection:
        connection.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                   " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        SQLModel.metadata.drop_all(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


class BufferedClient(FlaskClient):
    """A test client that reads each streamed body (exports) before the next request, as a browser
    would; unread streams would otherwise keep their request context open across requests."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def make_app(database_file: Path):
    """An app on its own SQLite file (or the emptied PostgreSQL test database), with the demo loaded."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": POSTGRES_URL or f"sqlite:///{database_file}",
        "DEMO_PASSWORD": PASSWORD,
    })
    with app.app_context():
        if POSTGRES_URL:
            empty_postgres()
        load_demo_data()
        db.session().close()
    app.test_client_class = BufferedClient
    return app


@pytest.fixture
def app(tmp_path: Path):
    app = make_app(tmp_path / "test.sqlite3")
    yield app
    assert_connections_returned(app)
    app.extensions["engine"].dispose()


def assert_connections_returned(app) -> None:
    """Every connection the test's requests took is back in the pool: none left open (and, on
    PostgreSQL, idle in a transaction that holds locks) by a request that has ended."""
    checked_out = app.extensions["engine"].pool.checkedout()
    assert checked_out == 0, f"{checked_out} database connection(s) never given back to the pool"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token as a page of the app hands it out."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'"X-CSRFToken": "([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def reviewer_client(app):
    client = app.test_client()
    assert login(client, "reviewer").status_code == 303
    return client


@pytest.fixture
def lead_client(app):
    client = app.test_client()
    assert login(client, "lead").status_code == 303
    return client


@pytest.fixture
def make_user(app):
    """Create a user who can sign in; returns a signed-in client for them."""
    from annotator.services.users import create_or_update_user

    def make(username: str, role: str = "reviewer"):
        with app.app_context():
            create_or_update_user(session=db.session(), username=username, role=role, password=PASSWORD)
        client = app.test_client()
        assert login(client, username).status_code == 303
        return client

    return make


@pytest.fixture
def demo_article(app) -> Article:
    with app.app_context():
        return db.session().exec(select(Article).where(Article.title == DEMO_TITLE)).one()


CLAIM = "more than 600,000 Russian soldiers have been killed or wounded"


def annotation_data(article_text: str, quote: str = CLAIM, *, verdict: str = "mostly-true", note: str = "",
                    sources: list[dict] | None = None, offsets: bool = True, **extra) -> dict:
    """Form fields of a new annotation on the first occurrence of ``quote``.

    Sent with the Submit button unless ``action="save"`` (which keeps a draft).
    """
    data = {"quote": quote, "verdict": verdict, "note": note, "action": "submit"}
    if offsets:
        start = article_text.index(quote)
        data.update(start=str(start), end=str(start + len(quote)))
    for i, source in enumerate(sources or []):
        for key, value in source.items():
            data[f"sources-{i}-{key}"] = value
    data.update(extra)
    return data


def post_annotation(client, article: Article, data: dict, *, htmx: bool = True):
    """POST the annotation form as the browser does (CSRF token from the article page)."""
    token = csrf_token(client, f"/articles/{article.id}")
    return client.post(f"/articles/{article.id}/annotations", data={**data, "csrf_token": token},
                       headers=HX if htmx else {})


def rows(app, model, *where):
    with app.app_context():
        return list(db.session().exec(select(model).where(*where)))


@contextmanager
def count_queries(app):
    """Count the SQL statements run inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


__all__ = ["Annotation", "Article", "Source", "Span", "User", "HX", "CLAIM", "PASSWORD"]
