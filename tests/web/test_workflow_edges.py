"""Edges of the review workflow found in review: stale saves through the Annotate form, repeated
sources, what a settled claim still allows, and who may return what."""

from annotator.db.models import Source
from tests.fixtures.app import CLAIM, HX, rows
from tests.fixtures.review_helpers import (
    annotation_of,
    delete,
    give_back,
    restore,
    save,
    settle,
    span_of,
    update,
)

NATO = {"url": "https://www.nato.int/briefing", "title": "NATO briefing", "excerpt": ""}


def test_the_annotate_form_opened_on_an_old_version_answers_409(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", action="save")
    annotation = annotation_of(app, "reviewer", demo_article)
    start = demo_article.text.index(CLAIM)
    # Tab 1 opens the Annotate form on version 1; tab 2 edits the annotation meanwhile.
    form = reviewer_client.get(
        f"/articles/{demo_article.id}/annotate", headers=HX, query_string={"start": start, "end": start + len(CLAIM)}
    ).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form
    assert update(reviewer_client, demo_article, annotation.id, verdict="false").status_code == 200
    response = save(reviewer_client, demo_article, verdict="mixed", action="save", version="1", status=409)
    assert "Someone saved this annotation first" in response.get_data(as_text=True)
    assert annotation_of(app, "reviewer", demo_article).verdict == "false"


def test_a_source_cited_twice_can_be_dropped_once_and_then_entirely(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, sources=[NATO, NATO], action="save")
    annotation = annotation_of(app, "reviewer", demo_article)
    live = lambda: len(rows(app, Source, Source.removed_at.is_(None)))  # noqa: E731
    assert live() == 2
    update(reviewer_client, demo_article, annotation.id, verdict="true", sources=[NATO])
    assert live() == 1
    update(reviewer_client, demo_article, annotation.id, verdict="true", sources=[])
    assert live() == 0
    assert len(rows(app, Source)) == 2  # both rows kept, marked removed


def test_a_settled_claim_cannot_get_a_deleted_annotation_back(
    app, reviewer_client, lead_client, make_user, demo_article
):
    alice = make_user("alice")
    save(reviewer_client, demo_article, verdict="true")
    save(alice, demo_article, verdict="false")
    mine = annotation_of(app, "alice", demo_article)
    delete(alice, demo_article, mine.id)
    span = span_of(app, demo_article)
    assert settle(lead_client, demo_article, span.id, "true").status_code == 200
    response = restore(lead_client, demo_article, mine.id)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#notice"
    assert "settled" in response.get_data(as_text=True)
    assert annotation_of(app, "alice", demo_article).deleted_at is not None


def test_a_claim_with_only_drafts_cannot_be_settled(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, action="save")
    span = span_of(app, demo_article)
    response = settle(lead_client, demo_article, span.id, "true")
    assert response.status_code == 422
    assert "Nothing has been submitted on this claim yet" in response.get_data(as_text=True)


def test_a_lead_cannot_return_their_own_annotation(app, lead_client, demo_article):
    save(lead_client, demo_article)
    mine = annotation_of(app, "lead", demo_article)
    assert give_back(lead_client, demo_article, mine.id).status_code == 403
    assert annotation_of(app, "lead", demo_article).status == "submitted"
