"""What the page's live regions say after a save, a refused save and the other changes (htmx, out of band);
and the keyboard shortcuts overlay that every page carries."""

import json

from annotator.db.models import Annotation
from tests.fixtures.app import HX, annotation_data, csrf_token, post_annotation, rows
from tests.fixtures.htmltree import page


def announced(response, region: str = "announce") -> str | None:
    found = page(response).by_id(region)
    if found is None:
        return None
    assert found.get("hx-swap-oob") == "innerHTML"
    return found.text().strip()


def test_a_saved_draft_is_announced_politely(reviewer_client, demo_article):
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text, action="save"))
    assert response.status_code == 200
    assert announced(response) == "Annotation saved (draft)."
    assert announced(response, "announce-alert") is None


def test_a_submitted_annotation_is_announced(reviewer_client, demo_article):
    response = post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    assert announced(response) == "Annotation submitted."


def test_a_refused_save_is_announced_at_once_with_its_messages(reviewer_client, demo_article):
    data = annotation_data(demo_article.text, verdict="", **{"sources-0-url": "javascript:alert(1)"})
    response = post_annotation(reviewer_client, demo_article, data)
    assert response.status_code == 422
    said = announced(response, "announce-alert")
    assert said.startswith("Not saved. Verdict: Choose a verdict.")
    assert said.endswith("Check the form.")
    assert announced(response) is None
    assert "javascript:" not in said


def test_a_delete_is_announced(app, reviewer_client, demo_article):
    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    [annotation] = rows(app, Annotation)
    token = csrf_token(reviewer_client, f"/articles/{demo_article.id}")
    response = reviewer_client.post(f"/annotations/{annotation.id}/delete", data={"csrf_token": token}, headers=HX)
    assert response.status_code == 200
    assert announced(response) == "Annotation deleted."


def test_the_full_page_has_empty_live_regions_and_the_shortcuts_dialog(reviewer_client, demo_article):
    root = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    polite, alert = root.by_id("announce"), root.by_id("announce-alert")
    assert (polite.get("role"), polite.get("aria-live")) == ("status", "polite")
    assert (alert.get("role"), alert.get("aria-live")) == ("alert", "assertive")
    assert polite.text().strip() == alert.text().strip() == ""
    dialog = root.by_id("shortcuts")
    assert dialog.tag == "dialog"
    assert "Keyboard shortcuts" in dialog.text()
    assert "1 True, 2 Mostly true, 3 Mixed" in dialog.text()


def test_the_sign_in_page_has_the_shortcuts_dialog_too(client):
    assert page(client.get("/login")).by_id("shortcuts") is not None


def test_the_article_text_says_the_verdict_labels_once(reviewer_client, demo_article):
    text = page(reviewer_client.get(f"/articles/{demo_article.id}")).by_id("article-text")
    labels = json.loads(text.get("data-verdict-labels"))
    assert labels["mostly-true"] == "Mostly true" and len(labels) == 7


def test_a_refused_return_and_a_refused_settle_are_announced(app, reviewer_client, lead_client, demo_article):
    from tests.fixtures.review_helpers import span_of

    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    [annotation] = rows(app, Annotation)
    span = span_of(app, demo_article)
    token = csrf_token(lead_client, f"/articles/{demo_article.id}")
    response = lead_client.post(
        f"/annotations/{annotation.id}/return", data={"csrf_token": token, "note": ""}, headers=HX
    )
    assert response.status_code == 422
    assert announced(response, "announce-alert").startswith("Not saved. ")
    response = lead_client.post(
        f"/articles/{demo_article.id}/spans/{span.id}/final-verdict",
        data={"csrf_token": token, "verdict": "", "rationale": ""},
        headers=HX,
    )
    assert response.status_code == 422
    assert announced(response, "announce-alert").startswith("Not saved. ")


def test_a_settled_claim_is_announced(app, reviewer_client, lead_client, demo_article):
    from tests.fixtures.review_helpers import settle, span_of

    post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text))
    response = settle(lead_client, demo_article, span_of(app, demo_article).id, "mostly-true")
    assert response.status_code == 200
    assert announced(response) == "Final verdict saved: the claim is settled."
