"""Who sees what: drafts are their author's alone, blind review hides verdicts until one's own is submitted.

Every view is checked: the span panel, the claims list, the article's highlights,
the summary, the W3C and CSV exports and the history view.
"""

import csv
import io
import json

import pytest

from annotator.db.models import Annotation, Span
from tests.fixtures.app import CLAIM, HX, annotation_data, post_annotation, rows
from tests.fixtures.htmltree import marks, page
from tests.fixtures.review_helpers import (
    annotation_of,
    badge_keys,
    comment,
    delete,
    panel,
    post,
    save,
    settle,
    span_of,
    submit,
    update,
)

SECRET_NOTE = "SECRET-NOTE-OF-THE-AUTHOR"
SECRET_SOURCE = {"url": "https://secret.example/evidence", "title": "SECRET-SOURCE-TITLE", "excerpt": "SECRET-EXCERPT"}
SECRETS = (SECRET_NOTE, "secret.example", SECRET_SOURCE["title"], SECRET_SOURCE["excerpt"])
# The author's verdict: a key no other annotation in these tests uses.
SECRET_VERDICT = "mostly-false"


@pytest.fixture
def author(reviewer_client):
    """Reviewer A (the demo reviewer)."""
    return reviewer_client


@pytest.fixture
def bob(make_user):
    """Reviewer B."""
    return make_user("bob")


def write_secret(client, article, action="submit"):
    save(client, article, verdict=SECRET_VERDICT, note=SECRET_NOTE, sources=[SECRET_SOURCE], action=action)


# --- What one viewer sees, view by view --------------------------------------------------------------


def highlight(client, article, span_id):
    """The highlight of the span on the article page, or None when it is not highlighted."""
    root = page(client.get(f"/articles/{article.id}"))
    found = [m for m in marks(root) if str(span_id) in m.get("data-span-ids", "").split()]
    return found[0] if found else None


def w3c_items(client, article):
    response = client.get(f"/articles/{article.id}/annotations.jsonld")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))["first"]["items"]


def csv_rows(client, article):
    response = client.get(f"/articles/{article.id}/annotations.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def export_authors(client, article) -> tuple[set[str], set[str]]:
    """Usernames in the W3C export and in the CSV export."""
    return (
        {i["creator"]["nickname"] for i in w3c_items(client, article)},
        {r["username"] for r in csv_rows(client, article)},
    )


def chart_counts(root) -> dict[str, int]:
    """The summary chart's bars: verdict label -> count."""
    return {
        g.find("text", class_="chart-label").text().strip(): int(g.find("text", class_="chart-count").text())
        for g in root.find("svg").find_all("g")
    }


def assert_sees_nothing_secret(client, article, span_id):
    """None of the author's verdict, note and sources reaches this viewer, in any view."""
    views = {
        "panel": client.get(f"/articles/{article.id}/spans/{span_id}", headers=HX),
        "panel page": client.get(f"/articles/{article.id}?span={span_id}"),
        "claims": client.get(f"/articles/{article.id}/claims", headers=HX),
        "article": client.get(f"/articles/{article.id}"),
        "summary": client.get(f"/articles/{article.id}/summary"),
        "history": client.get(f"/articles/{article.id}/spans/{span_id}/history", headers=HX),
        "w3c": client.get(f"/articles/{article.id}/annotations.jsonld"),
        "csv": client.get(f"/articles/{article.id}/annotations.csv"),
    }
    for name, response in views.items():
        # A claim known only through someone else's draft has no address for this viewer (404).
        assert response.status_code in ((200, 404) if name in ("panel", "panel page", "history") else (200,)), name
        body = response.get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaks through the {name}"
        if name == "summary":
            root = page(response)
            assert SECRET_VERDICT not in badge_keys(root.find("main") or root), "the verdict leaks through the summary"
            assert chart_counts(root).get("Mostly false", 0) == 0, "the verdict leaks through the summary's chart"
        elif name not in ("w3c", "csv"):
            assert SECRET_VERDICT not in badge_keys(page(response)), f"the verdict leaks through the {name}"
            assert f"verdict-{SECRET_VERDICT}" not in body, f"the verdict leaks through the {name}"
    assert "author" not in {u for users in export_authors(client, article) for u in users}
    assert "reviewer" not in {u for users in export_authors(client, article) for u in users}


def assert_sees_the_secret(client, article, span_id):
    root = panel(client, article, span_id)
    annotation_text = root.text()
    assert SECRET_NOTE in annotation_text and SECRET_SOURCE["title"] in annotation_text
    assert SECRET_VERDICT in badge_keys(root)
    w3c, csv_users = export_authors(client, article)
    assert "reviewer" in w3c and "reviewer" in csv_users
    assert SECRET_NOTE in json.dumps(w3c_items(client, article))
    summary = page(client.get(f"/articles/{article.id}/summary"))
    assert SECRET_VERDICT in badge_keys(summary)


# --- Drafts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("blind", [True, False])
def test_a_draft_is_invisible_to_other_reviewers(app, author, bob, demo_article, blind):
    if not blind:
        from tests.fixtures.helpers import set_blind_review

        set_blind_review(app, demo_article, False)
    write_secret(author, demo_article, action="save")
    span = span_of(app, demo_article)
    assert_sees_nothing_secret(bob, demo_article, span.id)
    assert highlight(bob, demo_article, span.id) is None
    # Not even "someone judged this": the claim has no address for bob.
    assert bob.get(f"/articles/{demo_article.id}/spans/{span.id}", headers=HX).status_code == 404
    assert CLAIM not in page(bob.get(f"/articles/{demo_article.id}/summary")).text()
    # The claims list only: the Suggested claims below it come from the article's text, which Bob reads anyway.
    claims_list = page(bob.get(f"/articles/{demo_article.id}/claims", headers=HX)).find("div", class_="panel-body")
    claims_list.children = [c for c in claims_list.children if getattr(c, "attrs", {}).get("id") != "suggestions"]
    assert CLAIM not in claims_list.text()


def test_the_author_sees_their_own_draft_everywhere(app, author, demo_article):
    write_secret(author, demo_article, action="save")
    span = span_of(app, demo_article)
    assert_sees_the_secret(author, demo_article, span.id)
    assert f"verdict-{SECRET_VERDICT}" in highlight(author, demo_article, span.id).classes


def test_a_lead_sees_that_a_draft_exists_but_not_what_it_says(app, author, lead_client, demo_article):
    write_secret(author, demo_article, action="save")
    span = span_of(app, demo_article)
    assert_sees_nothing_secret(lead_client, demo_article, span.id)
    root = panel(lead_client, demo_article, span.id)
    assert "1 draft in progress" in root.text()
    mark = highlight(lead_client, demo_article, span.id)
    assert mark is not None and "pending" in mark.classes
    summary = page(lead_client.get(f"/articles/{demo_article.id}/summary"))
    assert CLAIM in summary.find("table").text()


def test_a_lead_does_not_see_the_content_of_a_deleted_draft(app, author, lead_client, demo_article):
    write_secret(author, demo_article, action="save")
    span = span_of(app, demo_article)
    draft = annotation_of(app, "reviewer", demo_article)
    assert delete(author, demo_article, draft.id).status_code == 200
    assert_sees_nothing_secret(lead_client, demo_article, span.id)


def test_a_lead_sees_a_submitted_annotation_at_once(app, author, lead_client, demo_article):
    write_secret(author, demo_article)
    assert_sees_the_secret(lead_client, demo_article, span_of(app, demo_article).id)


# --- Blind review ------------------------------------------------------------------------------------------


def test_blind_review_hides_others_verdicts_until_one_submits(app, author, bob, demo_article):
    assert demo_article.blind_review  # on by default
    write_secret(author, demo_article)
    span = span_of(app, demo_article)
    assert_sees_nothing_secret(bob, demo_article, span.id)
    root = panel(bob, demo_article, span.id)
    assert "1 other reviewer judged this claim" in root.find("p", class_="blind-note").text()
    assert "pending" in highlight(bob, demo_article, span.id).classes

    # A draft of one's own is not enough.
    save(bob, demo_article, verdict="true", action="save")
    assert_sees_nothing_secret(bob, demo_article, span.id)
    assert "verdict-true" in highlight(bob, demo_article, span.id).classes

    assert submit(bob, demo_article, annotation_of(app, "bob", demo_article).id).status_code == 200
    assert_sees_the_secret(bob, demo_article, span.id)
    assert "disputed" in highlight(bob, demo_article, span.id).classes
    # And the author, who submitted first, sees bob's now.
    assert "true" in badge_keys(panel(author, demo_article, span.id))


def test_a_returned_annotation_keeps_the_others_visible_to_its_author(app, author, bob, lead_client, demo_article):
    write_secret(author, demo_article)
    save(bob, demo_article, verdict="true")
    span = span_of(app, demo_article)
    post(
        lead_client,
        f"/annotations/{annotation_of(app, 'bob', demo_article).id}/return",
        {"note": "Redo"},
        article_id=demo_article.id,
    )
    assert_sees_the_secret(bob, demo_article, span.id)


def test_withdrawing_by_delete_hides_the_others_again(app, author, bob, demo_article):
    write_secret(author, demo_article)
    save(bob, demo_article, verdict="true")
    span = span_of(app, demo_article)
    assert delete(bob, demo_article, annotation_of(app, "bob", demo_article).id).status_code == 200
    assert_sees_nothing_secret(bob, demo_article, span.id)


def test_blind_review_turned_off_by_a_lead_shows_submitted_verdicts_at_once(
    app, author, bob, lead_client, demo_article
):
    response = post(
        lead_client, f"/articles/{demo_article.id}/settings", {}, article_id=demo_article.id, htmx=False
    )  # the blind_review checkbox left unticked
    assert response.status_code == 303
    write_secret(author, demo_article)
    span = span_of(app, demo_article)
    assert_sees_the_secret(bob, demo_article, span.id)
    assert f"verdict-{SECRET_VERDICT}" in highlight(bob, demo_article, span.id).classes
    assert panel(bob, demo_article, span.id).find("p", class_="blind-note") is None

    # Ticking it again hides them again.
    post(lead_client, f"/articles/{demo_article.id}/settings", {"blind_review": "y"}, article_id=demo_article.id)
    assert_sees_nothing_secret(bob, demo_article, span.id)


def test_a_reviewer_cannot_turn_blind_review_off(app, author, bob, demo_article):
    write_secret(author, demo_article)
    response = post(bob, f"/articles/{demo_article.id}/settings", {}, article_id=demo_article.id, htmx=False)
    assert response.status_code == 403
    assert_sees_nothing_secret(bob, demo_article, span_of(app, demo_article).id)


def test_a_settled_span_reveals_submitted_verdicts_to_everyone(app, author, bob, lead_client, make_user, demo_article):
    write_secret(author, demo_article)
    carol = make_user("carol")
    save(carol, demo_article, verdict="true", note="CAROL-DRAFT", action="save")
    span = span_of(app, demo_article)
    assert settle(lead_client, demo_article, span.id, "false", "Settled.").status_code == 200
    assert_sees_the_secret(bob, demo_article, span.id)
    assert {"settled", "verdict-false"} <= highlight(bob, demo_article, span.id).classes
    # Drafts stay their author's own, settled or not.
    for viewer in (bob, lead_client):
        root = panel(viewer, demo_article, span.id)
        assert "CAROL-DRAFT" not in root.text()
        assert "carol" not in export_authors(viewer, demo_article)[0]


# --- History ----------------------------------------------------------------------------------------------


def test_history_does_not_show_other_reviewers_changes_to_a_reviewer(app, author, bob, lead_client, demo_article):
    write_secret(author, demo_article)
    span = span_of(app, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    update(
        author,
        demo_article,
        annotation.id,
        verdict=SECRET_VERDICT,
        note=SECRET_NOTE + " edited",
        sources=[SECRET_SOURCE],
    )
    save(bob, demo_article, verdict="true", note="Bob's own note")
    comment(bob, demo_article, span.id, "A question for everyone")

    # Bob has submitted, so the panel shows him the author's annotation; the history still keeps to his own.
    response = bob.get(f"/articles/{demo_article.id}/spans/{span.id}/history", headers=HX)
    body = page(response).text()
    assert "Bob's own note" in body and "A question for everyone" in body
    for secret in SECRETS:
        assert secret not in body
    assert SECRET_VERDICT not in badge_keys(page(response))

    lead_body = page(lead_client.get(f"/articles/{demo_article.id}/spans/{span.id}/history", headers=HX)).text()
    assert SECRET_NOTE + " edited" in lead_body and "Bob's own note" in lead_body


def test_history_of_a_draft_shows_a_lead_that_it_exists_but_not_its_content(app, author, lead_client, demo_article):
    write_secret(author, demo_article, action="save")
    span = span_of(app, demo_article)
    response = lead_client.get(f"/articles/{demo_article.id}/spans/{span.id}/history", headers=HX)
    root = page(response)
    assert root.find("li", class_="action-created") is not None
    for secret in SECRETS:
        assert secret not in response.get_data(as_text=True)
    assert SECRET_VERDICT not in badge_keys(root)


def test_a_claim_known_only_through_another_reviewers_draft_is_not_found(app, make_user, demo_article):
    author = make_user("author")
    post_annotation(author, demo_article, annotation_data(demo_article.text, action="save"))
    (span,) = rows(app, Span)
    (annotation,) = rows(app, Annotation)
    other = make_user("other")
    for path in (
        f"/articles/{demo_article.id}/spans/{span.id}",
        f"/articles/{demo_article.id}?span={span.id}",
        f"/articles/{demo_article.id}/spans/{span.id}/history",
        f"/annotations/{annotation.id}",
    ):
        assert other.get(path).status_code == 404, path
    assert author.get(f"/articles/{demo_article.id}/spans/{span.id}").status_code == 200
