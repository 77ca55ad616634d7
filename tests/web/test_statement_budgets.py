"""The core actions run a fixed, small number of SQL statements, whatever the article holds (issue 14).

Counted as ``count_queries`` counts them (every statement the app sends through its engine) except
``BEGIN IMMEDIATE``: SQLite's start of a write transaction, which PostgreSQL's driver sends on its
own without the app seeing it; so both databases count alike. Each action is measured twice, on an
empty article and on one whose paragraph holds many annotations: the count must not grow.
"""

from __future__ import annotations

import pytest

from annotator.db.models import Annotation, Span
from annotator.extensions import db
from tests.fixtures.app import HX, annotation_data, count_queries, csrf_token, post_annotation
from tests.fixtures.helpers import add_article, created_article
from tests.fixtures.htmltree import page

SAVE_BUDGET = 10  # the target for a save
# Opening a claim: the user, the claim (article, span, ruling, what the viewer may know), its
# annotations and the claims overlapping it; its thread, when it has one, is a fifth.
PANEL_BUDGET = 4
# Opening a form: the user, the article, the selection's span, and (new words) the orphans that could move
# there; editing: the user, the annotation, its claim (article, span, ruling) and its sources.
ANNOTATE_FORM_BUDGET = 4
EDIT_FORM_BUDGET = 4
# The other actions go the ORM way (see docs/development/performance.md): what they take today, a
# ceiling that a change may lower and must not raise.
EDIT_BUDGET = 12
SUBMIT_BUDGET = 11
DELETE_BUDGET = 11
COMMENT_BUDGET = 7
SETTLE_BUDGET = 13
# PostgreSQL guards a new ruling's INSERT with a savepoint (another lead may insert it meanwhile); SQLite
# holds the write lock, so nobody can, and runs no savepoint.
SETTLE_SAVEPOINT = 2
# PostgreSQL reads the annotation, then locks its row (FOR UPDATE) only once the user may change it: a lock
# taken first would make a request wait on a row the user may not know of. SQLite reads it once, under
# its write lock.
LOCKING_READ = 1

TEXT = (
    "The ministry said 4,000 homes were built last year, twice the year before.\n"
    "Critics counted fewer than 3,000 completions in the official register.\n"
    "The minister repeated the figure on Sunday and promised more."
)
WORDS = ["The ministry said", "4,000 homes", "were built last year", "twice the year before", "homes were built"]


def statements(app, client, method: str, path: str, data: dict | None = None) -> tuple[int, list[str], object]:
    """(statements other than BEGIN, their text, the response) of one htmx request."""
    with count_queries(app) as seen:
        response = getattr(client, method)(path, data=data, headers=HX)
    counted = [s for s in seen if s.strip().upper() != "BEGIN IMMEDIATE"]
    return len(counted), counted, response


@pytest.fixture
def articles(app, lead_client, reviewer_client, make_user):
    """Two copies of TEXT: one empty, one whose first paragraph holds five reviewers' annotations."""
    quiet = created_article(app, add_article(lead_client, title="Quiet", text=TEXT))
    busy = created_article(app, add_article(lead_client, title="Busy", text=TEXT))
    for n in range(4):
        other = make_user(f"other{n}")
        for words in WORDS:
            post_annotation(other, busy, annotation_data(busy.text, words, verdict="false", action="submit"))
    return quiet, busy


def span_of(app, article, words: str) -> int:
    start = article.text.index(words)
    with app.app_context():
        return db.session().exec(select_span(article.id, start, start + len(words))).one()


def select_span(article_id: int, start: int, end: int):
    from sqlmodel import col, select

    return select(col(Span.id)).where(Span.article_id == article_id, Span.start == start, Span.end == end)


def own_annotation(app, span_id: int, username: str = "reviewer") -> Annotation:
    from sqlmodel import select

    from annotator.db.models import User

    with app.app_context():
        return (
            db.session()
            .exec(select(Annotation).join(User).where(Annotation.span_id == span_id, User.username == username))
            .one()
        )


def save_data(client, article, words: str, **extra) -> dict:
    return {
        **annotation_data(
            article.text,
            words,
            verdict="misleading",
            note="Two sources disagree.",
            sources=[
                {"url": "https://example.org/register", "title": "Register", "excerpt": "2,870 completions"},
                {"url": "https://example.org/ministry", "title": "Ministry", "excerpt": ""},
            ],
        ),
        "csrf_token": csrf_token(client, f"/articles/{article.id}"),
        **extra,
    }


@pytest.mark.parametrize("action", ["submit", "save"])
def test_a_save_on_new_words_runs_at_most_ten_statements(app, reviewer_client, articles, action):
    counts = []
    for article in articles:
        data = save_data(reviewer_client, article, "homes were built last year", action=action)
        count, seen, response = statements(app, reviewer_client, "post", f"/articles/{article.id}/annotations", data)
        assert response.status_code == 200
        assert "Register" in response.get_data(as_text=True)
        counts.append(count)
        assert count <= SAVE_BUDGET, "\n".join(seen)
    assert counts[0] == counts[1]


def test_a_save_on_a_claim_others_judged_runs_at_most_ten_statements(app, reviewer_client, articles):
    _, busy = articles
    data = save_data(reviewer_client, busy, "4,000 homes")
    count, seen, response = statements(app, reviewer_client, "post", f"/articles/{busy.id}/annotations", data)
    assert response.status_code == 200
    body = page(response)
    assert len(body.find_all("article", class_="annotation")) == 5  # four others' and the reviewer's
    assert count <= SAVE_BUDGET, "\n".join(seen)


def test_editing_submitting_and_deleting_have_budgets(app, reviewer_client, articles):
    locking = LOCKING_READ if app.extensions["engine"].dialect.name == "postgresql" else 0
    for article in articles:
        post_annotation(reviewer_client, article, annotation_data(article.text, "twice the year before", action="save"))
        annotation = own_annotation(app, span_of(app, article, "twice the year before"))
        token = csrf_token(reviewer_client, f"/articles/{article.id}")
        edit = {
            "csrf_token": token,
            "verdict": "mixed",
            "note": "Changed my mind.",
            "version": str(annotation.version),
            "action": "save",
        }
        count, seen, response = statements(app, reviewer_client, "post", f"/annotations/{annotation.id}", edit)
        assert response.status_code == 200
        assert count <= EDIT_BUDGET + locking, "\n".join(seen)
        count, seen, response = statements(
            app, reviewer_client, "post", f"/annotations/{annotation.id}/submit", {"csrf_token": token}
        )
        assert response.status_code == 200
        assert count <= SUBMIT_BUDGET + locking, "\n".join(seen)
        count, seen, response = statements(
            app, reviewer_client, "post", f"/annotations/{annotation.id}/delete", {"csrf_token": token}
        )
        assert response.status_code == 200
        assert count <= DELETE_BUDGET + locking, "\n".join(seen)


def test_commenting_and_settling_have_budgets(app, lead_client, articles):
    for article in articles:
        post_annotation(lead_client, article, annotation_data(article.text, "The ministry said", action="submit"))
        span_id = span_of(app, article, "The ministry said")
        token = csrf_token(lead_client, f"/articles/{article.id}")
        count, seen, response = statements(
            app,
            lead_client,
            "post",
            f"/articles/{article.id}/spans/{span_id}/comments",
            {"csrf_token": token, "body": "Which year?"},
        )
        assert response.status_code == 200
        assert count <= COMMENT_BUDGET, "\n".join(seen)
        count, seen, response = statements(
            app,
            lead_client,
            "post",
            f"/articles/{article.id}/spans/{span_id}/final-verdict",
            {"csrf_token": token, "verdict": "true", "rationale": "The register agrees."},
        )
        assert response.status_code == 200
        savepoint = SETTLE_SAVEPOINT if app.extensions["engine"].dialect.name == "postgresql" else 0
        assert count <= SETTLE_BUDGET + savepoint, "\n".join(seen)


def test_opening_a_claims_panel_has_a_budget(app, reviewer_client, articles):
    counts = []
    for article in articles:
        post_annotation(reviewer_client, article, annotation_data(article.text, "4,000 homes", action="submit"))
        span_id = span_of(app, article, "4,000 homes")
        path = f"/articles/{article.id}/spans/{span_id}"
        reviewer_client.get(path, headers=HX)
        count, seen, response = statements(app, reviewer_client, "get", path)
        assert response.status_code == 200
        counts.append(count)
        assert count <= PANEL_BUDGET, "\n".join(seen)
    assert counts[0] == counts[1]


def test_opening_the_annotation_forms_has_a_budget(app, reviewer_client, articles):
    counts = []
    for article in articles:
        start = article.text.index("Critics counted")
        path = f"/articles/{article.id}/annotate?start={start}&end={start + len('Critics counted')}"
        count, seen, response = statements(app, reviewer_client, "get", path)
        assert response.status_code == 200
        assert "Annotate this claim" in response.get_data(as_text=True)
        assert count <= ANNOTATE_FORM_BUDGET, "\n".join(seen)
        post_annotation(reviewer_client, article, annotation_data(article.text, "twice the year before", action="save"))
        annotation = own_annotation(app, span_of(app, article, "twice the year before"))
        count, seen, response = statements(app, reviewer_client, "get", f"/annotations/{annotation.id}/edit")
        assert response.status_code == 200
        assert "Edit your annotation" in response.get_data(as_text=True)
        assert count <= EDIT_FORM_BUDGET, "\n".join(seen)
        counts.append(count)
    assert counts[0] == counts[1]
