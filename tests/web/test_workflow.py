"""The review workflow's state transitions, through the routes and forms a browser uses.

draft -> submitted -> edited (still submitted) -> returned -> edited -> resubmitted;
deleted -> restored by a lead; settled -> locked for authors, re-settled by a lead.
"""

import pytest

from annotator.db.models import DRAFT, RETURNED, SUBMITTED, Source
from annotator.extensions import db
from tests.fixtures.app import CLAIM, HX
from tests.fixtures.htmltree import highlighted_span_ids, marks, page
from tests.fixtures.review_helpers import (
    ISW,
    NATO,
    annotation_of,
    badge_keys,
    comment,
    delete,
    edit_version,
    events,
    final_of,
    give_back,
    panel,
    restore,
    save,
    settle,
    span_of,
    submit,
    update,
    user_id,
)

OTHER_CLAIM = "Putin is unlikely to engage in peace negotiations"


def actions(app, span_id):
    return [e.action for e in events(app, span_id)]


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def lead2(make_user):
    return make_user("lead2", "lead")


# --- Draft and submit ----------------------------------------------------------------------------------


def test_save_keeps_a_draft_that_its_author_can_submit(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, action="save", verdict="misleading")
    draft = annotation_of(app, "reviewer", demo_article)
    assert (draft.status, draft.version) == (DRAFT, 1)
    root = panel(reviewer_client, demo_article, draft.span_id)
    own = root.by_id(f"annotation-{draft.id}")
    assert "status-draft" in own.classes
    assert "Submit" in [b.text().strip() for b in own.find_all("button")]

    response = submit(reviewer_client, demo_article, draft.id)
    assert response.status_code == 200
    submitted = annotation_of(app, "reviewer", demo_article)
    assert (submitted.status, submitted.verdict, submitted.version) == (SUBMITTED, "misleading", 2)
    assert actions(app, draft.span_id) == ["created", "submitted"]
    own = page(response).by_id(f"annotation-{draft.id}")
    assert "status-submitted" in own.classes
    assert "Submit" not in [b.text().strip() for b in own.find_all("button")]


def test_submit_without_htmx_redirects_to_the_claim(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, action="save")
    draft = annotation_of(app, "reviewer", demo_article)
    response = submit(reviewer_client, demo_article, draft.id, htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}?span={draft.span_id}"
    assert annotation_of(app, "reviewer", demo_article).status == SUBMITTED


def test_the_forms_submit_button_creates_a_submitted_annotation(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, action="submit")
    annotation = annotation_of(app, "reviewer", demo_article)
    assert annotation.status == SUBMITTED
    assert actions(app, annotation.span_id) == ["created", "submitted"]


def test_submitting_from_the_edit_form_submits_the_draft_with_the_changes(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, action="save", verdict="true")
    draft = annotation_of(app, "reviewer", demo_article)
    response = update(reviewer_client, demo_article, draft.id, verdict="false", note="Checked", action="submit")
    assert response.status_code == 200
    annotation = annotation_of(app, "reviewer", demo_article)
    assert (annotation.status, annotation.verdict, annotation.note) == (SUBMITTED, "false", "Checked")
    assert actions(app, draft.span_id) == ["created", "edited", "submitted"]


def test_submitting_twice_changes_nothing_more(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    before = len(events(app))
    assert submit(reviewer_client, demo_article, annotation.id).status_code == 200
    assert annotation_of(app, "reviewer", demo_article).version == annotation.version
    assert len(events(app)) == before


# --- Editing after submission --------------------------------------------------------------------------


def test_editing_a_submitted_annotation_is_recorded_and_keeps_it_submitted(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", note="First look", sources=[NATO])
    annotation = annotation_of(app, "reviewer", demo_article)
    edit_form = page(reviewer_client.get(f"/annotations/{annotation.id}/edit", headers=HX))
    assert [b.text().strip() for b in edit_form.find_all("button", type="submit")] == ["Save"]

    response = update(
        reviewer_client, demo_article, annotation.id, verdict="mostly-false", note="Second look", sources=[ISW]
    )
    assert response.status_code == 200
    edited = annotation_of(app, "reviewer", demo_article)
    assert (edited.status, edited.verdict, edited.note) == (SUBMITTED, "mostly-false", "Second look")
    assert [s.url for s in edited.sources] == [ISW["url"]]
    assert edited.version == annotation.version + 1
    last = events(app, annotation.span_id)[-1]
    assert (last.action, last.annotation_id) == ("edited", annotation.id)
    assert last.before["verdict"] == "true" and last.before["note"] == "First look"
    assert last.before["sources"] == [NATO] and last.before["status"] == SUBMITTED
    assert last.after["verdict"] == "mostly-false" and last.after["sources"] == [ISW]
    assert last.after["status"] == SUBMITTED


def test_stale_edit_answers_409_with_both_versions_and_reapplying_saves_mine(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", note="Original")
    annotation = annotation_of(app, "reviewer", demo_article)
    opened = edit_version(reviewer_client, annotation.id)
    # Another tab saves first.
    assert update(reviewer_client, demo_article, annotation.id, verdict="false", note="From tab two").status_code == 200

    response = update(
        reviewer_client,
        demo_article,
        annotation.id,
        verdict="mixed",
        note="From tab one",
        sources=[NATO],
        version=opened,
    )
    assert response.status_code == 409
    root = page(response)
    body = root.text()
    assert "From tab one" in body and "From tab two" in body and NATO["title"] in body
    assert {"mixed", "false"} <= badge_keys(root)
    stored = annotation_of(app, "reviewer", demo_article)
    assert (stored.verdict, stored.note) == ("false", "From tab two")
    # "Re-apply mine" posts my values over the version now stored.
    form = next(f for f in root.find_all("form") if "Re-apply mine" in f.text())
    data = {i.get("name"): i.get("value") for i in form.find_all("input")}
    data["action"] = "save"
    assert data["version"] == str(stored.version)
    assert reviewer_client.post(form.get("action"), data=data, headers=HX).status_code == 200
    stored = annotation_of(app, "reviewer", demo_article)
    assert (stored.verdict, stored.note) == ("mixed", "From tab one")
    assert [s.url for s in stored.sources] == [NATO["url"]]


# --- Returned by a lead --------------------------------------------------------------------------------


def test_returned_annotation_is_edited_and_resubmitted(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, verdict="true")
    annotation = annotation_of(app, "reviewer", demo_article)

    response = give_back(lead_client, demo_article, annotation.id, note="Cite the NATO briefing itself.")
    assert response.status_code == 200
    returned = annotation_of(app, "reviewer", demo_article)
    assert (returned.status, returned.return_note) == (RETURNED, "Cite the NATO briefing itself.")
    # The reviewer sees the lead's note on their annotation in the panel, and can submit again.
    own = panel(reviewer_client, demo_article, annotation.span_id).by_id(f"annotation-{annotation.id}")
    assert "Cite the NATO briefing itself." in own.find("p", class_="return-note").text()
    assert "Submit" in [b.text().strip() for b in own.find_all("button")]

    # Editing keeps it returned (with the note) until it is submitted again.
    assert (
        update(reviewer_client, demo_article, annotation.id, verdict="mostly-true", sources=[NATO]).status_code == 200
    )
    edited = annotation_of(app, "reviewer", demo_article)
    assert (edited.status, edited.verdict, edited.return_note) == (
        RETURNED,
        "mostly-true",
        "Cite the NATO briefing itself.",
    )

    assert submit(reviewer_client, demo_article, annotation.id).status_code == 200
    resubmitted = annotation_of(app, "reviewer", demo_article)
    assert (resubmitted.status, resubmitted.verdict, resubmitted.return_note) == (SUBMITTED, "mostly-true", "")
    assert actions(app, annotation.span_id) == ["created", "submitted", "returned", "edited", "submitted"]
    returned_event = events(app, annotation.span_id)[2]
    assert returned_event.user_id == user_id(app, "lead")
    assert returned_event.before["status"] == SUBMITTED
    assert returned_event.after["status"] == RETURNED
    assert returned_event.after["return_note"] == "Cite the NATO briefing itself."
    own = panel(reviewer_client, demo_article, annotation.span_id).by_id(f"annotation-{annotation.id}")
    assert own.find("p", class_="return-note") is None


def test_returned_annotation_can_be_resubmitted_from_the_edit_form(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    give_back(lead_client, demo_article, annotation.id)
    edit_form = page(reviewer_client.get(f"/annotations/{annotation.id}/edit", headers=HX))
    assert "Submit" in [b.text().strip() for b in edit_form.find_all("button", type="submit")]
    assert update(reviewer_client, demo_article, annotation.id, verdict="false", action="submit").status_code == 200
    assert annotation_of(app, "reviewer", demo_article).status == SUBMITTED


def test_return_needs_a_note(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    response = give_back(lead_client, demo_article, annotation.id, note="  ")
    assert response.status_code == 422
    assert "Tell the reviewer what needs changing." in response.get_data(as_text=True)
    assert annotation_of(app, "reviewer", demo_article).status == SUBMITTED


@pytest.mark.parametrize("state", ["draft", "returned", "deleted"])
def test_only_a_submitted_annotation_can_be_returned(app, reviewer_client, lead_client, demo_article, state):
    save(reviewer_client, demo_article, action="save" if state == "draft" else "submit")
    annotation = annotation_of(app, "reviewer", demo_article)
    if state == "returned":
        give_back(lead_client, demo_article, annotation.id)
    if state == "deleted":
        delete(reviewer_client, demo_article, annotation.id)
    before = annotation_of(app, "reviewer", demo_article)
    count = len(events(app))
    assert give_back(lead_client, demo_article, annotation.id).status_code == 409
    after = annotation_of(app, "reviewer", demo_article)
    assert (after.status, after.version, after.deleted_at) == (before.status, before.version, before.deleted_at)
    assert len(events(app)) == count


# --- Delete and restore --------------------------------------------------------------------------------


def test_deleted_annotation_is_hidden_and_a_lead_restores_it(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, verdict="false", note="Keep me", sources=[NATO])
    annotation = annotation_of(app, "reviewer", demo_article)
    assert delete(reviewer_client, demo_article, annotation.id).status_code == 200
    deleted = annotation_of(app, "reviewer", demo_article)
    assert deleted.deleted_at is not None
    assert reviewer_client.get(f"/annotations/{annotation.id}/edit").status_code == 404
    # With its only annotation deleted, the claim has nothing a reviewer may see: no address for them.
    assert reviewer_client.get(f"/articles/{demo_article.id}/spans/{annotation.span_id}", headers=HX).status_code == 404
    assert panel(lead_client, demo_article, annotation.span_id).by_id(f"annotation-{annotation.id}") is None

    # The lead sees it among the deleted annotations, with a Restore button.
    lead_view = panel(lead_client, demo_article, annotation.span_id)
    box = lead_view.find("details", class_="deleted-list")
    assert box is not None and "Restore" in box.text()

    assert restore(lead_client, demo_article, annotation.id).status_code == 200
    restored = annotation_of(app, "reviewer", demo_article)
    assert restored.deleted_at is None
    assert (restored.status, restored.verdict, restored.note) == (SUBMITTED, "false", "Keep me")
    assert [s.url for s in restored.sources] == [NATO["url"]]
    assert panel(reviewer_client, demo_article, annotation.span_id).by_id(f"annotation-{annotation.id}") is not None
    assert actions(app, annotation.span_id) == ["created", "submitted", "deleted", "restored"]


def test_restoring_an_annotation_that_is_not_deleted_changes_nothing(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    count = len(events(app))
    assert restore(lead_client, demo_article, annotation.id).status_code == 200
    assert annotation_of(app, "reviewer", demo_article).version == annotation.version
    assert len(events(app)) == count


# --- Settling ------------------------------------------------------------------------------------------


@pytest.fixture
def settled(app, reviewer_client, alice, lead_client, demo_article):
    """CLAIM: the reviewer submitted (True, NATO), alice saved a draft; the lead settled it as Mostly true."""
    save(reviewer_client, demo_article, verdict="true", sources=[NATO])
    save(alice, demo_article, verdict="false", action="save")
    span = span_of(app, demo_article)
    response = settle(lead_client, demo_article, span.id, "mostly-true", "The NATO figure stands.")
    assert response.status_code == 200, response.get_data(as_text=True)
    return span


def test_settling_records_the_final_verdict_and_changes_the_highlight(
    app, settled, lead_client, reviewer_client, demo_article
):
    final = final_of(app, settled.id)
    assert (final.verdict, final.rationale, final.version) == ("mostly-true", "The NATO figure stands.", 1)
    assert final.lead_id is not None
    assert actions(app, settled.id)[-1] == "settled"
    for client in (lead_client, reviewer_client):
        root = page(client.get(f"/articles/{demo_article.id}"))
        mark = next(m for m in marks(root) if m.get("data-span-ids") == str(settled.id))
        assert {"settled", "verdict-mostly-true"} <= mark.classes
        section = panel(client, demo_article, settled.id).find("section", class_="final-verdict")
        assert section is not None and "The NATO figure stands." in section.text()


def test_settle_without_htmx_redirects_to_the_claim(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article)
    span = span_of(app, demo_article)
    response = settle(lead_client, demo_article, span.id, "true", htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{demo_article.id}?span={span.id}"
    assert final_of(app, span.id).verdict == "true"


@pytest.mark.parametrize(
    "verdict, rationale, message",
    [
        ("", "Reasons", "Choose a verdict."),
        ("not-a-verdict", "Reasons", "Choose a verdict from the scale."),
        ("true", "   ", "Explain the verdict for readers."),
    ],
)
def test_settle_with_bad_input_answers_422_and_settles_nothing(
    app, reviewer_client, lead_client, demo_article, verdict, rationale, message
):
    save(reviewer_client, demo_article)
    span = span_of(app, demo_article)
    response = settle(lead_client, demo_article, span.id, verdict, rationale)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert final_of(app, span.id) is None


def test_author_can_no_longer_change_a_settled_annotation(app, settled, reviewer_client, demo_article):
    annotation = annotation_of(app, "reviewer", demo_article)
    before_events = len(events(app))
    assert reviewer_client.get(f"/annotations/{annotation.id}/edit", headers=HX).status_code == 403
    assert (
        update(reviewer_client, demo_article, annotation.id, verdict="false", version=annotation.version).status_code
        == 403
    )
    assert delete(reviewer_client, demo_article, annotation.id).status_code == 403
    assert submit(reviewer_client, demo_article, annotation.id).status_code == 403
    save(reviewer_client, demo_article, verdict="false", status=403)  # through the annotate form
    after = annotation_of(app, "reviewer", demo_article)
    assert (after.verdict, after.status, after.version, after.deleted_at) == (
        "true",
        SUBMITTED,
        annotation.version,
        None,
    )
    assert len(events(app)) == before_events
    own = panel(reviewer_client, demo_article, settled.id).by_id(f"annotation-{annotation.id}")
    assert own.find("div", class_="annotation-actions") is None


def test_a_draft_on_a_settled_span_can_no_longer_be_submitted(app, settled, alice, demo_article):
    draft = annotation_of(app, "alice", demo_article)
    assert submit(alice, demo_article, draft.id).status_code == 403
    assert annotation_of(app, "alice", demo_article).status == DRAFT


def test_new_annotations_on_a_settled_span_are_refused(app, settled, make_user, demo_article):
    bob = make_user("bob")
    save(bob, demo_article, verdict="true", status=403)
    assert annotation_of(app, "bob", demo_article) is None
    assert "Add your verdict" not in panel(bob, demo_article, settled.id).text()


def test_lead_cannot_return_an_annotation_of_a_settled_span(app, settled, lead_client, demo_article):
    annotation = annotation_of(app, "reviewer", demo_article)
    assert give_back(lead_client, demo_article, annotation.id).status_code == 409
    assert annotation_of(app, "reviewer", demo_article).status == SUBMITTED


def test_resettling_changes_the_final_verdict(app, settled, lead_client, lead2, demo_article):
    response = settle(lead2, demo_article, settled.id, "false", "New evidence.")
    assert response.status_code == 200
    final = final_of(app, settled.id)
    assert (final.verdict, final.rationale, final.version) == ("false", "New evidence.", 2)
    assert final.lead_id == user_id(app, "lead2")
    settled_events = [e for e in events(app, settled.id) if e.action == "settled"]
    assert len(settled_events) == 2
    assert settled_events[0].before is None and settled_events[0].after["verdict"] == "mostly-true"
    assert settled_events[1].before["verdict"] == "mostly-true"
    assert settled_events[1].after == {"verdict": "false", "rationale": "New evidence.", "cited_sources": []}
    mark = next(
        m
        for m in marks(page(lead_client.get(f"/articles/{demo_article.id}")))
        if m.get("data-span-ids") == str(settled.id)
    )
    assert "verdict-false" in mark.classes


def test_resettling_from_a_stale_form_answers_409_and_keeps_the_newer_ruling(
    app, settled, lead_client, lead2, demo_article
):
    opened = int(final_of(app, settled.id).version)
    assert settle(lead2, demo_article, settled.id, "false", "Lead two first.", version=opened).status_code == 200
    response = settle(lead_client, demo_article, settled.id, "true", "Lead one late.", version=opened)
    assert response.status_code == 409
    body = page(response).text()
    assert "Lead one late." in body and "Lead two first." in body
    final = final_of(app, settled.id)
    assert (final.verdict, final.rationale, final.version) == ("false", "Lead two first.", 2)


def test_settling_from_a_form_opened_before_another_lead_settled_answers_409(
    app, reviewer_client, lead_client, lead2, demo_article
):
    save(reviewer_client, demo_article)
    span = span_of(app, demo_article)
    # Both leads opened the panel while the claim was unsettled: their forms carry no version.
    assert settle(lead2, demo_article, span.id, "false", "Lead two first.", version="").status_code == 200
    response = settle(lead_client, demo_article, span.id, "true", "Lead one late.", version="")
    assert response.status_code == 409
    assert "Lead one late." in page(response).text()
    final = final_of(app, span.id)
    assert (final.verdict, final.rationale, final.version) == ("false", "Lead two first.", 1)


# --- Cited sources -------------------------------------------------------------------------------------


def source_ids(app, username, article, quote=CLAIM):
    return [s.id for s in annotation_of(app, username, article, quote).sources]


def test_cited_sources_are_copies_that_later_changes_do_not_touch(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", sources=[NATO, ISW])
    span = span_of(app, demo_article)
    nato_id, isw_id = source_ids(app, "reviewer", demo_article)
    # The panel offers the reviewer's sources to cite.
    lead_view = panel(lead_client, demo_article, span.id)
    offered = {int(i.get("value")) for i in lead_view.find_all("input", name="cite")}
    assert offered == {nato_id, isw_id}
    assert settle(lead_client, demo_article, span.id, "true", cite=[isw_id]).status_code == 200
    assert final_of(app, span.id).cited_sources == [ISW]

    # The reviewer's source changes afterwards (the span is settled, so only below the app): the ruling keeps its copy.
    with app.app_context():
        session = db.session()
        row = session.get(Source, isw_id)
        row.url, row.title = "https://changed.example/", "Changed"
        session.commit()
    final = final_of(app, span.id)
    assert final.cited_sources == [ISW]
    section = panel(reviewer_client, demo_article, span.id).find("section", class_="final-verdict")
    assert ISW["title"] in section.text() and "Changed" not in section.text()


def test_cited_sources_survive_the_reviewer_editing_before_a_resettle(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", sources=[NATO])
    span = span_of(app, demo_article)
    # A first ruling cites NATO; the lead then changes only the rationale: the prefilled form keeps the citation.
    assert (
        settle(lead_client, demo_article, span.id, "true", cite=source_ids(app, "reviewer", demo_article)).status_code
        == 200
    )
    lead_view = panel(lead_client, demo_article, span.id)
    checked = [int(i.get("value")) for i in lead_view.find_all("input", name="cite") if "checked" in i.attrs]
    assert checked == source_ids(app, "reviewer", demo_article)
    assert settle(lead_client, demo_article, span.id, "true", "Reworded.", cite=checked).status_code == 200
    assert final_of(app, span.id).cited_sources == [NATO]


def test_sources_of_drafts_and_of_other_claims_cannot_be_cited(app, reviewer_client, alice, lead_client, demo_article):
    save(reviewer_client, demo_article, verdict="true", sources=[NATO])
    save(alice, demo_article, verdict="false", sources=[ISW], action="save")  # a draft
    save(
        alice,
        demo_article,
        OTHER_CLAIM,
        verdict="true",
        sources=[{"url": "https://other.example/", "title": "Other", "excerpt": ""}],
    )
    span = span_of(app, demo_article)
    wanted = (
        source_ids(app, "reviewer", demo_article)
        + source_ids(app, "alice", demo_article)
        + source_ids(app, "alice", demo_article, OTHER_CLAIM)
    )
    lead_view = panel(lead_client, demo_article, span.id)
    assert {int(i.get("value")) for i in lead_view.find_all("input", name="cite")} == set(
        source_ids(app, "reviewer", demo_article)
    )
    # A forged form citing them is refused as a whole.
    response = settle(lead_client, demo_article, span.id, "true", cite=wanted)
    assert response.status_code == 422
    assert final_of(app, span.id) is None
    assert (
        settle(lead_client, demo_article, span.id, "true", cite=source_ids(app, "reviewer", demo_article)).status_code
        == 200
    )
    assert final_of(app, span.id).cited_sources == [NATO]


def test_comments_are_added_to_the_thread(app, reviewer_client, lead_client, demo_article):
    save(reviewer_client, demo_article)
    span = span_of(app, demo_article)
    response = comment(reviewer_client, demo_article, span.id, "Is the NATO figure current?")
    assert response.status_code == 200
    thread = page(response).by_id("comments")
    assert thread is not None and "Is the NATO figure current?" in thread.text()
    assert comment(lead_client, demo_article, span.id, "Yes, October.", htmx=False).status_code == 303
    assert "Yes, October." in panel(reviewer_client, demo_article, span.id).by_id("comments").text()
    assert comment(reviewer_client, demo_article, span.id, "   ").status_code == 422
    assert actions(app, span.id)[-2:] == ["commented", "commented"]
    assert span.id in highlighted_span_ids(page(reviewer_client.get(f"/articles/{demo_article.id}")))


def test_a_reviewer_editing_only_the_note_keeps_the_sources_a_lead_is_citing(
    app, reviewer_client, lead_client, demo_article
):
    save(reviewer_client, demo_article, verdict="true", sources=[NATO, ISW])
    span = span_of(app, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    # The lead opens the panel and ticks NATO; meanwhile the reviewer rewords the note only.
    lead_view = panel(lead_client, demo_article, span.id)
    nato_id = next(
        int(i.get("value")) for i in lead_view.find_all("input", name="cite") if NATO["title"] in i.parent.text()
    )
    assert (
        update(
            reviewer_client, demo_article, annotation.id, verdict="true", note="Reworded", sources=[NATO, ISW]
        ).status_code
        == 200
    )
    assert settle(lead_client, demo_article, span.id, "true", cite=[nato_id]).status_code == 200
    assert final_of(app, span.id).cited_sources == [NATO]


def test_citing_a_source_its_reviewer_has_removed_since_is_refused_not_dropped(
    app, reviewer_client, lead_client, demo_article
):
    save(reviewer_client, demo_article, verdict="true", sources=[NATO, ISW])
    span = span_of(app, demo_article)
    annotation = annotation_of(app, "reviewer", demo_article)
    nato_id, isw_id = source_ids(app, "reviewer", demo_article)
    assert update(reviewer_client, demo_article, annotation.id, verdict="true", sources=[ISW]).status_code == 200
    response = settle(lead_client, demo_article, span.id, "true", cite=[nato_id, isw_id])
    assert response.status_code == 422
    assert "choose the sources to cite again" in response.get_data(as_text=True)
    assert final_of(app, span.id) is None
