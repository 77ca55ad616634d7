"""Hypothesis highlights with no verdict tag (how readers flag claims while reading) are imported as drafts
awaiting a verdict (verdict ""), and every page, form, export and API answer copes with them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from annotator.db.models import Annotation, Span, User
from annotator.extensions import db
from tests.fixtures.api_helpers import PROBLEM, bearer, make_token
from tests.fixtures.app import CLAIM, HX, rows
from tests.fixtures.htmltree import marks, page
from tests.fixtures.imports import report_rows, upload
from tests.fixtures.review_helpers import panel, submit, update

READING = Path(__file__).parents[1] / "fixtures" / "interchange" / "hypothesis-reading.json"
FLAGGED = "Putin is unlikely to engage in peace negotiations"  # tagged needs-check
BARE = "Thomas Graham, a Russian foreign policy expert"  # no tags, no text
GONE = "Ukraine lost three villages in the east last week"  # not in the article
FLAGGED_NOTE = "Check what Lauren Kent actually wrote.\n\nTags: needs-check"


def import_reading(runner, article_id: int, *options: str):
    return runner.invoke(args=["import-annotations", str(READING), "--article", str(article_id), *options])


def selected(root, select_id: str) -> str:
    """The text of the option the select shows."""
    return next(o.text() for o in root.find("select", id=select_id).find_all("option") if "selected" in o.attrs)


def outcomes(lines: list[str]) -> list[str]:
    return [re.match(r"item \d+: (.+?)(?:: annotation | \(|$)", line).group(1) for line in lines]


def annotation_on(app, quote: str) -> Annotation:
    with app.app_context():
        from sqlmodel import select

        return db.session().exec(select(Annotation).join(Span).where(Span.quote == quote)).one()


@pytest.fixture
def drafts(app, runner, demo_article):
    """The reading file imported for the reviewer: one verdict, three highlights awaiting one."""
    result = import_reading(runner, demo_article.id, "--user", "reviewer")
    assert result.exit_code == 0, result.output
    return {quote: annotation_on(app, quote) for quote in (FLAGGED, BARE, GONE)}


def test_untagged_highlights_are_imported_as_drafts_awaiting_a_verdict(app, runner, demo_article):
    result = import_reading(runner, demo_article.id)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Hypothesis counts positions in the whole web page: the quotes are found away from them.
    assert outcomes(lines[:-1]) == [
        "re-anchored",
        "imported, no verdict",
        "imported, no verdict",
        "rejected",
        "imported, no verdict",
    ]
    assert "Re-anchored: the quote was found away" in lines[1] and "several verdicts" in lines[3]
    assert "not in the article's current text" in lines[4]
    assert lines[-1] == "0 imported, 1 re-anchored, 0 orphaned, 1 rejected, 3 imported, no verdict"
    alice = rows(app, User, User.username == "alice@hypothes.is")[0]
    flagged, bare, gone = (annotation_on(app, q) for q in (FLAGGED, BARE, GONE))
    for draft in (flagged, bare, gone):
        assert (draft.verdict, draft.status, draft.user_id) == ("", "draft", alice.id)
    assert flagged.note == FLAGGED_NOTE and bare.note == ""
    assert gone.note == "Not in today's text?\n\nTags: to-verify, front-line"
    assert rows(app, Span, Span.quote == GONE)[0].anchor_state == "orphaned"
    judged = annotation_on(app, CLAIM)
    assert (judged.verdict, judged.status, judged.note) == (
        "false",
        "submitted",
        "The MoD's own figure is lower; see the briefing.\n\nTags: casualties",
    )


def test_the_user_option_owns_the_drafts_and_skip_keeps_rejecting_them(app, runner, demo_article):
    skipped = import_reading(runner, demo_article.id, "--untagged", "skip")
    lines = skipped.output.splitlines()
    assert lines[-1] == "0 imported, 1 re-anchored, 0 orphaned, 4 rejected"
    assert all("No tag names a verdict" in lines[n] for n in (1, 2, 4))
    assert not rows(app, Annotation, Annotation.verdict == "")
    bad = runner.invoke(args=["import-annotations", str(READING), "--untagged", "maybe"])
    assert bad.exit_code != 0 and len(bad.output.strip().splitlines()) == 1
    owned = import_reading(runner, demo_article.id, "--user", "lead")
    assert owned.exit_code == 0 and owned.output.splitlines()[-1].endswith("3 imported, no verdict")
    lead = rows(app, User, User.username == "lead")[0]
    assert {a.user_id for a in rows(app, Annotation, Annotation.verdict == "")} == {lead.id}


def test_a_reviewers_upload_makes_the_drafts_theirs_and_the_report_says_so(app, reviewer_client, demo_article):
    reviewer = rows(app, User, User.username == "reviewer")[0]
    response = upload(
        reviewer_client, json.loads(READING.read_text(encoding="utf-8")), article=demo_article.id, author=reviewer.id
    )
    assert response.status_code == 200
    root = page(response)
    assert root.by_id("import-totals").text().split(" · ")[-1] == "3 imported, no verdict"
    report = report_rows(response)
    assert [r[1] for r in report] == [
        "re-anchored",
        "imported, no verdict",
        "imported, no verdict",
        "rejected",
        "imported, no verdict",
    ]
    assert "by reviewer" in report[1][2]
    assert root.by_id("import-report").find("tbody").find_all("tr")[1].classes == {"outcome-imported-no-verdict"}
    assert {a.user_id for a in rows(app, Annotation, Annotation.verdict == "")} == {reviewer.id}


def test_only_the_author_sees_a_draft_without_verdict_and_it_reads_as_pending(
    app, reviewer_client, lead_client, make_user, demo_article, drafts
):
    span_id = drafts[FLAGGED].span_id
    own = panel(reviewer_client, demo_article, span_id)
    card = own.by_id(f"annotation-{drafts[FLAGGED].id}")
    assert "No verdict yet" in card.text() and "Draft" in card.text()
    assert not [b for b in card.find_all("button") if b.text().strip() == "Submit"]  # nothing to submit yet
    assert "Choose a verdict before submitting" in card.text()
    article_page = page(reviewer_client.get(f"/articles/{demo_article.id}"))
    flagged_marks = [m for m in marks(article_page) if str(span_id) in m.get("data-span-ids").split()]
    assert flagged_marks and all(
        "pending" in m.classes and not any(c.startswith("verdict-") for c in m.classes) for m in flagged_marks
    )
    claims = article_page.by_id("panel").text()
    assert "No verdict yet" in claims and "Hidden" not in claims
    bob = make_user("bob")
    assert bob.get(f"/articles/{demo_article.id}/spans/{span_id}", headers=HX).status_code == 404
    assert "actually wrote" not in bob.get(f"/articles/{demo_article.id}").get_data(as_text=True)
    lead_view = lead_client.get(f"/articles/{demo_article.id}/spans/{span_id}", headers=HX).get_data(as_text=True)
    assert "actually wrote" not in lead_view  # a lead knows a draft exists, not what it says


def test_submitting_a_draft_without_verdict_is_refused_and_changes_nothing(app, reviewer_client, demo_article, drafts):
    draft = drafts[FLAGGED]
    for htmx in (True, False):
        response = submit(reviewer_client, demo_article, draft.id, htmx=htmx)
        assert response.status_code == 422
        root = page(response)
        assert "Choose a verdict before submitting" in root.by_id("verdict-errors").text()
        assert selected(root, "verdict") == "Choose a verdict…"
    # The edit form's own Submit button: a verdict is still required.
    by_form = update(reviewer_client, demo_article, draft.id, verdict="", note="x", action="submit")
    assert by_form.status_code == 422 and "Choose a verdict" in page(by_form).by_id("verdict-errors").text()
    token = make_token(app, "reviewer")
    api = reviewer_client.post(f"/api/v1/annotations/{draft.id}/submit", headers=bearer(token))
    assert api.status_code == 422 and api.mimetype == PROBLEM
    assert "Choose a verdict before submitting" in api.get_json()["detail"]
    after = annotation_on(app, FLAGGED)
    assert (after.status, after.verdict, after.version, after.note) == ("draft", "", draft.version, draft.note)
    # With a verdict chosen, it submits as any draft.
    assert update(reviewer_client, demo_article, draft.id, verdict="mixed", note=draft.note).status_code == 200
    assert submit(reviewer_client, demo_article, draft.id).status_code == 200
    assert annotation_on(app, FLAGGED).status == "submitted"


def test_the_edit_form_opens_on_choose_a_verdict(reviewer_client, drafts):
    response = reviewer_client.get(f"/annotations/{drafts[FLAGGED].id}/edit", headers=HX)
    assert response.status_code == 200
    assert selected(page(response), "verdict") == "Choose a verdict…"
    assert "actually wrote" in page(response).find("textarea", id="note").text()


def test_my_work_search_and_history_say_no_verdict_yet(app, reviewer_client, demo_article, drafts):
    work = page(reviewer_client.get("/work"))
    item = work.by_id(f"work-{drafts[FLAGGED].id}")
    assert "No verdict yet" in item.text() and "Hidden" not in item.text()
    found = page(reviewer_client.get("/search?q=Lauren"))
    hits = found.by_id("search-results") or found
    assert "No verdict yet" in hits.text()
    history = reviewer_client.get(f"/articles/{demo_article.id}/spans/{drafts[FLAGGED].span_id}/history", headers=HX)
    assert "No verdict yet" in page(history).text()
    result = reviewer_client.application.test_cli_runner().invoke(args=["search", "Lauren", "--as", "reviewer"])
    assert "\tNo verdict yet\tdraft\t" in result.output


def test_the_authors_exports_leave_the_verdict_out_and_read_back_without_a_crash(
    app, reviewer_client, runner, demo_article, drafts, tmp_path
):
    w3c = reviewer_client.get(f"/articles/{demo_article.id}/annotations.jsonld")
    items = {i["target"]["selector"][0]["exact"]: i for i in json.loads(w3c.get_data(as_text=True))["first"]["items"]}
    flagged, bare = items[FLAGGED], items[BARE]
    assert all(body.get("purpose") != "assessing" for body in flagged["body"])
    assert flagged["body"] == [
        {"type": "TextualBody", "purpose": "commenting", "value": FLAGGED_NOTE, "format": "text/plain"}
    ]
    assert "body" not in bare  # nothing to say yet: a bodiless annotation, as the model allows
    assert any(b.get("purpose") == "assessing" for b in items[CLAIM]["body"])
    table = list(
        csv.DictReader(
            io.StringIO(reviewer_client.get(f"/articles/{demo_article.id}/annotations.csv").get_data(as_text=True))
        )
    )
    row = next(r for r in table if r["quote"] == FLAGGED)
    assert (row["verdict"], row["verdict_label"], row["note"]) == ("", "", FLAGGED_NOTE)
    # A lead's export (the command line's) holds no one's drafts.
    lead_export = runner.invoke(args=["export", str(demo_article.id)])
    assert "actually wrote" not in lead_export.output
    # Our own export of the drafts read back: refused with the reason, never a crash.
    path = tmp_path / "mine.jsonld"
    path.write_bytes(w3c.get_data())
    again = runner.invoke(args=["import-annotations", str(path), "--article", str(demo_article.id)])
    assert again.exit_code == 0 and "Traceback" not in again.output
    assert "no verdict" in again.output.splitlines()[1]


def test_the_api_gives_a_null_verdict_for_a_draft_without_one(app, client, demo_article, drafts):
    from jsonschema import Draft202012Validator

    from annotator.api import standalone

    token = make_token(app, "reviewer")
    claims = client.get(f"/api/v1/articles/{demo_article.id}/claims", headers=bearer(token)).get_json()
    mine = [a for c in claims["items"] for a in c["annotations"] if a["id"] == drafts[FLAGGED].id]
    assert mine and mine[0]["verdict"] is None and mine[0]["status"] == "draft"
    one = client.get(f"/api/v1/annotations/{drafts[BARE].id}", headers=bearer(token))
    assert one.status_code == 200 and "body" not in one.get_json()
    document = standalone.document()
    for name, value in (("ClaimList", claims), ("Annotation", one.get_json())):
        schema = {**document["components"]["schemas"][name], "components": document["components"]}
        Draft202012Validator(schema).validate(value)


def test_live_updates_show_the_imported_draft_to_its_author_as_pending(
    app, runner, reviewer_client, make_user, demo_article
):
    from tests.fixtures.live import Poller

    mine, bobs = Poller(reviewer_client, demo_article.id), Poller(make_user("bob"), demo_article.id)
    assert import_reading(runner, demo_article.id, "--user", "reviewer").exit_code == 0
    body = mine.poll(claims=1).get_data(as_text=True)
    span_id = annotation_on(app, FLAGGED).span_id
    flagged = [m for m in marks(mine.root) if str(span_id) in m.get("data-span-ids").split()]
    assert flagged and all(
        "pending" in m.classes and not any(c.startswith("verdict-") for c in m.classes) for m in flagged
    )
    assert "No verdict yet" in body and "verdict- " not in body and 'verdict-"' not in body
    bob_body = bobs.poll(claims=1).get_data(as_text=True)
    assert "actually wrote" not in bob_body and str(span_id) not in " ".join(
        m.get("data-span-ids") for m in marks(bobs.root)
    )
