"""The history is complete: a scripted sequence of every kind of action, then the history view and the Event rows.

Events are append-only (rows are only ever added, never changed), and no action
removes a row from any table (a source replaced by an edit lives on in its event).
"""

import pytest

from annotator.db.models import DRAFT, RETURNED, SUBMITTED
from tests.fixtures.app import HX
from tests.fixtures.htmltree import page
from tests.fixtures.review_helpers import (
    ISW,
    NATO,
    annotation_of,
    comment,
    delete,
    dump,
    events,
    give_back,
    restore,
    save,
    settle,
    span_of,
    submit,
    update,
    user_id,
)


def event_rows(app):
    return {e.id: (e.span_id, e.annotation_id, e.user_id, e.action, e.at, e.before, e.after) for e in events(app)}


@pytest.fixture
def scripted(app, reviewer_client, lead_client, make_user, demo_article):
    """Run the sequence, checking after every step that history and tables only grew."""
    alice = make_user("alice")
    steps = []

    def step(label, response, expected_status=200):
        assert response.status_code == expected_status, (label, response.get_data(as_text=True)[:500])
        now_events, now_tables = event_rows(app), dump(app)
        previous_events, previous_tables = steps[-1][1:] if steps else ({}, {})
        # Append-only: every earlier event is still there, unchanged, and one or more were added.
        assert {k: now_events[k] for k in previous_events} == previous_events, label
        assert len(now_events) > len(previous_events), f"{label} recorded nothing"
        for table, previous_rows in previous_tables.items():
            missing = previous_rows.keys() - now_tables[table].keys()
            if table == "sources":  # replaced by an edit: their content must be in that edit's event
                kept = [s for e in events(app) for s in (e.before or {}).get("sources", [])]
                for key in missing:
                    row = previous_rows[key]
                    assert {"url": row["url"], "title": row["title"], "excerpt": row["excerpt"]} in kept, label
            else:
                assert not missing, f"{label} removed rows from {table}"
        steps.append((label, now_events, now_tables))

    article = demo_article
    step("create", save(reviewer_client, article, action="save", verdict="true", note="First look", sources=[NATO]))
    annotation = annotation_of(app, "reviewer", article)
    span = span_of(app, article)
    step(
        "edit",
        update(reviewer_client, article, annotation.id, verdict="mostly-true", note="Second look", sources=[NATO, ISW]),
    )
    step("submit", submit(reviewer_client, article, annotation.id))
    step("return", give_back(lead_client, article, annotation.id, note="Cite the report's page"))
    step(
        "edit again", update(reviewer_client, article, annotation.id, verdict="mixed", note="Third look", sources=[ISW])
    )
    step("resubmit", submit(reviewer_client, article, annotation.id))
    step("comment", comment(alice, article, span.id, "Which NATO briefing?"))
    step("delete", delete(reviewer_client, article, annotation.id))
    step("restore", restore(lead_client, article, annotation.id))
    isw_id = annotation_of(app, "reviewer", article).sources[0].id
    step("settle", settle(lead_client, article, span.id, "mixed", "Partly supported.", cite=[isw_id]))
    step("re-settle", settle(lead_client, article, span.id, "mostly-false", "New figures.", cite=[]))
    return {"span": span, "annotation": annotation, "alice": alice}


EXPECTED = [
    # action, who, before (subset), after (subset)
    ("created", "reviewer", None, {"verdict": "true", "note": "First look", "status": DRAFT, "sources": [NATO]}),
    (
        "edited",
        "reviewer",
        {"verdict": "true", "note": "First look", "sources": [NATO]},
        {"verdict": "mostly-true", "note": "Second look", "status": DRAFT, "sources": [NATO, ISW]},
    ),
    ("submitted", "reviewer", {"status": DRAFT}, {"status": SUBMITTED, "verdict": "mostly-true"}),
    ("returned", "lead", {"status": SUBMITTED}, {"status": RETURNED, "return_note": "Cite the report's page"}),
    (
        "edited",
        "reviewer",
        {"verdict": "mostly-true", "note": "Second look", "sources": [NATO, ISW]},
        {"verdict": "mixed", "note": "Third look", "status": RETURNED, "sources": [ISW]},
    ),
    (
        "submitted",
        "reviewer",
        {"status": RETURNED, "return_note": "Cite the report's page"},
        {"status": SUBMITTED, "verdict": "mixed"},
    ),
    ("commented", "alice", None, {"comment": "Which NATO briefing?"}),
    ("deleted", "reviewer", {"verdict": "mixed", "note": "Third look", "status": SUBMITTED, "sources": [ISW]}, None),
    ("restored", "lead", None, {"verdict": "mixed", "note": "Third look", "status": SUBMITTED, "sources": [ISW]}),
    ("settled", "lead", None, {"verdict": "mixed", "rationale": "Partly supported.", "cited_sources": [ISW]}),
    (
        "settled",
        "lead",
        {"verdict": "mixed", "rationale": "Partly supported.", "cited_sources": [ISW]},
        {"verdict": "mostly-false", "rationale": "New figures.", "cited_sources": []},
    ),
]


def subset(expected, actual) -> bool:
    if expected is None:
        return actual is None
    return actual is not None and all(actual.get(k) == v for k, v in expected.items())


def test_every_action_wrote_one_event_with_who_what_before_and_after(app, scripted):
    recorded = events(app, scripted["span"].id)
    assert [e.action for e in recorded] == [action for action, *_ in EXPECTED]
    users = {name: user_id(app, name) for name in ("reviewer", "lead", "alice")}
    for event, (action, who, before, after) in zip(recorded, EXPECTED, strict=True):
        assert event.user_id == users[who], action
        assert subset(before, event.before), (action, event.before)
        assert subset(after, event.after), (action, event.after)
        assert event.at.tzinfo is not None
        on_annotation = action not in ("commented", "settled")
        assert (event.annotation_id == scripted["annotation"].id) == on_annotation, action
    assert [e.at for e in recorded] == sorted(e.at for e in recorded)
    assert "return_note" not in recorded[-6].after  # cleared on resubmission


# What each event shows in the history view: its texts (notes, rationale, comment, source URLs).
SHOWN = [
    ["First look", NATO["url"]],
    ["First look", "Second look", ISW["url"]],
    [],  # submitted: only the status changed
    ["Cite the report's page"],
    ["Second look", "Third look", NATO["url"], ISW["url"]],
    ["Cite the report's page"],  # resubmitted: the return note is cleared
    ["Which NATO briefing?"],
    ["Third look", ISW["url"]],
    ["Third look", ISW["url"]],
    ["Partly supported.", ISW["title"]],
    ["Partly supported.", "New figures."],
]
NAMES = {"reviewer": "Riley Reviewer", "lead": "Lee Lead", "alice": "Alice"}


def history_items(client, article, span):
    response = client.get(f"/articles/{article.id}/spans/{span.id}/history", headers=HX)
    assert response.status_code == 200
    return page(response).find("ol", class_="history").find_all("li", class_="event")


@pytest.mark.parametrize("viewer", ["reviewer_client", "lead_client"])
def test_the_history_view_lists_every_event_in_order_with_who_what_before_and_after(
    request, scripted, demo_article, viewer
):
    items = history_items(request.getfixturevalue(viewer), demo_article, scripted["span"])
    assert [next(c for c in item.classes if c.startswith("action-")) for item in items] == [
        f"action-{action}" for action, *_ in EXPECTED
    ]
    for index, (item, (action, who, _, _), texts) in enumerate(zip(items, EXPECTED, SHOWN, strict=True)):
        meta = item.find("p", class_="meta")
        assert NAMES[who] in meta.text() and action in meta.text() and meta.find("time") is not None, action
        text = " ".join(item.text().split())
        # The first two events happened while the annotation was a draft: its content is its author's alone.
        if viewer == "lead_client" and index < 2:
            assert not any(t in text for t in texts), (action, text)
        else:
            assert all(t in text for t in texts), (action, texts, text)
    assert "submitted" in " ".join(items[2].text().split())
    # An edit shows the value before and after: the old and the new note, in that order.
    edited = " ".join(items[4].text().split())
    assert edited.index("Second look") < edited.index("Third look")


def test_the_history_view_of_the_full_page_holds_the_same_events(app, scripted, lead_client, demo_article):
    span = scripted["span"]
    response = lead_client.get(f"/articles/{demo_article.id}/spans/{span.id}/history")
    assert response.status_code == 200
    assert len(page(response).find("ol", class_="history").find_all("li", class_="event")) == len(EXPECTED)


def test_a_reviewer_sees_their_own_annotations_history_and_the_claims(app, scripted, reviewer_client, demo_article):
    span = scripted["span"]
    items = (
        page(reviewer_client.get(f"/articles/{demo_article.id}/spans/{span.id}/history", headers=HX))
        .find("ol", class_="history")
        .find_all("li", class_="event")
    )
    assert len(items) == len(EXPECTED)  # everything here is theirs or the claim's


def test_another_reviewer_sees_only_the_claims_own_events(app, scripted, demo_article):
    span = scripted["span"]
    items = (
        page(scripted["alice"].get(f"/articles/{demo_article.id}/spans/{span.id}/history", headers=HX))
        .find("ol", class_="history")
        .find_all("li", class_="event")
    )
    assert [next(c for c in item.classes if c.startswith("action-")) for item in items] == [
        "action-commented",
        "action-settled",
        "action-settled",
    ]


def test_the_history_survives_everything_and_the_annotation_is_intact(app, scripted, demo_article):
    annotation = annotation_of(app, "reviewer", demo_article)
    assert annotation.id == scripted["annotation"].id
    assert (annotation.verdict, annotation.note, annotation.status, annotation.deleted_at) == (
        "mixed",
        "Third look",
        SUBMITTED,
        None,
    )
    assert [s.url for s in annotation.sources] == [ISW["url"]]


def test_a_refused_action_writes_no_event(app, scripted, reviewer_client, demo_article):
    before = event_rows(app)
    annotation = scripted["annotation"]
    assert (
        update(
            reviewer_client,
            demo_article,
            annotation.id,
            verdict="true",
            version=annotation_of(app, "reviewer", demo_article).version,
        ).status_code
        == 403
    )
    assert give_back(reviewer_client, demo_article, annotation.id).status_code == 403
    assert settle(scripted["alice"], demo_article, scripted["span"].id, "true", version="2").status_code == 403
    assert event_rows(app) == before


def test_saving_with_unchanged_sources_keeps_their_rows(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, sources=[NATO, ISW])
    annotation = annotation_of(app, "reviewer", demo_article)
    ids = [s.id for s in annotation.sources]
    update(reviewer_client, demo_article, annotation.id, verdict="false", note="Only the note", sources=[NATO, ISW])
    assert [s.id for s in annotation_of(app, "reviewer", demo_article).sources] == ids
    update(reviewer_client, demo_article, annotation.id, verdict="false", sources=[ISW, NATO])
    reordered = annotation_of(app, "reviewer", demo_article).sources
    assert [(s.id, s.position) for s in reordered] == [(ids[1], 0), (ids[0], 1)]
