"""Helpers shared by the web tests: going through the app's own forms."""
from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import select

from annotator.extensions import db
from annotator.db.models import Annotation, Article, Source, Span
from tests.conftest import HX, csrf_token

# Strings that must come out literally wherever user input is shown.
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
XSS_TEMPLATE = "{{ 7*7 }}"
XSS_ALL = f"{XSS_SCRIPT} {XSS_ATTR} {XSS_TEMPLATE}"


def add_article(client, *, title: str = "A test article", text: str = "Some text.", publisher: str = "",
                source_url: str = "", published_on: str = "", htmx: bool = False):
    """Submit the Add article form."""
    token = csrf_token(client, "/articles/new")
    data = {"title": title, "text": text, "publisher": publisher, "source_url": source_url,
            "published_on": published_on, "csrf_token": token}
    return client.post("/articles/new", data=data, headers=HX if htmx else {})


def created_article(app, response) -> Article:
    """The article an Add article (or import) response points to."""
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.fullmatch(r"/articles/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    with app.app_context():
        return db.session().get(Article, int(match.group(1)))


def counts(app) -> tuple[int, int, int]:
    """How many Span, Annotation and Source rows there are."""
    with app.app_context():
        session = db.session()
        return tuple(session.exec(select(func.count()).select_from(model)).one() for model in (Span, Annotation, Source))


def post_form(client, path: str, data: dict, *, token_from: str, htmx: bool = True):
    """POST a form with the CSRF token a page of the app hands out."""
    token = csrf_token(client, token_from)
    return client.post(path, data={**data, "csrf_token": token}, headers=HX if htmx else {})


def set_blind_review(app, article: Article, blind: bool) -> None:
    """Turn the article's blind review on or off (a lead's setting)."""
    with app.app_context():
        session = db.session()
        row = session.get(Article, article.id)
        row.blind_review = blind
        session.commit()
