"""Shared fixtures: an app per test with its own SQLite file, signed-in clients, helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

import tests.fixtures.profiles  # noqa: F401  (registers and loads the Hypothesis profiles first)
from annotator.cli.demo import DEMO_TITLE
from annotator.db.models import Annotation, Article, Source, Span, User, accounts
from annotator.domain import verdicts
from annotator.extensions import db
from tests.fixtures.app import (
    CLAIM,
    HX,
    PASSWORD,
    assert_connections_returned,
    assert_counters_agree,
    assert_search_documents_current,
    login,
    make_app,
)  # noqa: F401

accounts.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


@pytest.fixture(autouse=True)
def _default_scale():
    """Every test starts and ends on the default scale: an app made with another scale file puts that
    scale in use for the process (``verdicts.use``), as a server does for its desk."""
    verdicts.use(verdicts.DEFAULT)
    yield
    verdicts.use(verdicts.DEFAULT)


@pytest.fixture
def app(tmp_path: Path, request):
    app = make_app(tmp_path / "test.sqlite3")
    yield app
    assert_connections_returned(app)
    assert_counters_agree(app)
    if request.node.get_closest_marker("raw_annotation_rows") is None:
        assert_search_documents_current(app)
    app.extensions["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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


__all__ = ["Annotation", "Article", "Source", "Span", "User", "HX", "CLAIM", "PASSWORD"]
