"""The claim on record: what a lead records when settling (claimant, claim date, first appearance,
summary, tags), its checks, where it shows, its history, and the ClaimReview it gives."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from annotator.db.models import Event, FinalVerdict
from annotator.extensions import db
from tests.fixtures.api_helpers import bearer, make_token
from tests.fixtures.app import HX, csrf_token
from tests.fixtures.dashboard import save, span_id
from tests.fixtures.htmltree import page

NATO_CLAIM = "more than 600,000 Russian soldiers have been killed or wounded in the conflict"
RECORD = {
    "claimant": "NATO",
    "claimant_kind": "organization",
    "claimant_url": "https://www.nato.int/",
    "claim_date": "2024-10-30",
    "first_appeared": "https://www.nato.int/cps/en/natohq/opinions_230000.htm",
    "summary": "NATO says Russia has lost over 600,000 soldiers in Ukraine",
    "tags": "war, casualties, War ,Ukraine",
}


@pytest.fixture
def judged(app, reviewer_client, demo_article):
    save(reviewer_client, demo_article, NATO_CLAIM, "mostly-true")
    return span_id(app, demo_article, NATO_CLAIM)


def settle(client, article, span: int, **fields):
    data = {
        "verdict": "mostly-true",
        "rationale": "NATO's estimate.",
        "csrf_token": csrf_token(client, f"/articles/{article.id}"),
    }
    return client.post(f"/articles/{article.id}/spans/{span}/final-verdict", data=data | fields, headers=HX)


def test_the_settle_form_offers_the_claimant_the_article_names(lead_client, demo_article, judged):
    panel = page(lead_client.get(f"/articles/{demo_article.id}/spans/{judged}", headers=HX))
    assert panel.find("input", id="claimant").attrs["value"] == "NATO"  # "According to NATO, more than …"
    labels = {label.text().strip() for label in panel.find_all("label")}
    assert {
        "Claimant",
        "Claimant is",
        "Claimant's web page",
        "Claim date",
        "First appeared at",
        "Claim summary",
        "Tags",
    } <= labels


def test_a_lead_records_the_claim_and_the_panel_shows_it(app, lead_client, demo_article, judged):
    response = settle(lead_client, demo_article, judged, **RECORD)
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        final = db.session().exec(select(FinalVerdict)).one()
        assert (final.claimant, final.claimant_kind, final.claimant_url) == (
            "NATO",
            "organization",
            "https://www.nato.int/",
        )
        assert final.claim_date == date(2024, 10, 30)
        assert final.summary == RECORD["summary"]
        assert final.tags == ["war", "casualties", "Ukraine"]
    record = page(response).find("dl", class_="claim-record")
    shown = {
        div.find("dt").text(): [" ".join(dd.text().split()) for dd in div.find_all("dd")][0]
        for div in record.find_all("div")
    }
    assert shown == {
        "Claim": RECORD["summary"],
        "Claimant": "NATO",
        "Claimed on": "30 Oct 2024",
        "First appeared": RECORD["first_appeared"],
        "Tags": "warcasualtiesUkraine",
    }
    assert [tag.text() for tag in record.find_all("span", class_="tag")] == ["war", "casualties", "Ukraine"]
    link = record.find("a")
    assert (link.text(), link.attrs["href"], link.attrs["rel"]) == (
        "NATO",
        "https://www.nato.int/",
        "noopener noreferrer",
    )
    # The form to change it holds what was recorded.
    form = page(response).find("form", action=f"/articles/{demo_article.id}/spans/{judged}/final-verdict")
    assert form.find("input", id="tags").attrs["value"] == "war, casualties, Ukraine"
    assert form.find("input", id="claim_date").attrs["value"] == "2024-10-30"


def test_every_change_to_the_record_goes_into_the_claims_history(app, lead_client, demo_article, judged):
    assert settle(lead_client, demo_article, judged, **RECORD).status_code == 200
    changed = RECORD | {"claimant": "Jens Stoltenberg", "claimant_kind": "person", "tags": "war"}
    assert settle(lead_client, demo_article, judged, version="1", **changed).status_code == 200
    with app.app_context():
        events = db.session().exec(select(Event).where(Event.action == "settled").order_by(Event.id)).all()
        assert [e.after["claimant"] for e in events] == ["NATO (Organization)", "Jens Stoltenberg (Person)"]
        assert events[1].before["tags"] == "war, casualties, Ukraine" and events[1].after["tags"] == "war"
    history = page(lead_client.get(f"/articles/{demo_article.id}/spans/{judged}/history", headers=HX))
    rows = {
        " ".join(r.find("th").text().split()): " ".join(r.text().split())
        for r in history.find_all("tr")
        if r.find("th")
    }
    assert rows["Claimant"] == "Claimant NATO (Organization)→Jens Stoltenberg (Person)"
    assert "Claim summary" in rows and "First appeared at" in rows


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"summary": "x" * 121}, "Keep the summary under 120 characters."),
        ({"claimant_url": "javascript:alert(1)"}, "Enter a full web address starting with http:// or https://."),
        ({"first_appeared": "nato.int"}, "Enter a full web address starting with http:// or https://."),
        ({"claim_date": (date.today() + timedelta(days=3)).isoformat()}, "A claim date cannot be in the future."),
        ({"claim_date": "30/10/2024"}, "Not a valid date value."),
        ({"tags": ",".join(f"t{n}" for n in range(21))}, "At most 20 tags."),
        ({"claimant": "n" * 201}, "Keep the name under 200 characters."),
    ],
)
def test_a_bad_record_is_refused_with_the_form_and_stores_nothing(
    app, lead_client, demo_article, judged, fields, message
):
    response = settle(lead_client, demo_article, judged, **(RECORD | fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().exec(select(FinalVerdict)).all() == []


def test_recorded_text_is_escaped(app, lead_client, demo_article, judged):
    nasty = "<script>alert(1)</script>"
    response = settle(lead_client, demo_article, judged, claimant=nasty, summary=nasty, tags=nasty)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_claimreview_says_who_claimed_what_when_and_where(app, lead_client, demo_article, judged):
    assert settle(lead_client, demo_article, judged, **RECORD).status_code == 200
    reviews = json.loads(lead_client.get(f"/articles/{demo_article.id}/claimreview.jsonld").get_data(as_text=True))
    review = next(iter(reviews if isinstance(reviews, list) else reviews["@graph"]))
    assert review["claimReviewed"] == RECORD["summary"]
    assert review["keywords"] == "war, casualties, Ukraine"
    claim = review["itemReviewed"]
    assert claim["author"] == {"@type": "Organization", "name": "NATO", "url": "https://www.nato.int/"}
    assert claim["datePublished"] == "2024-10-30"
    assert claim["firstAppearance"] == {"@type": "CreativeWork", "url": RECORD["first_appeared"]}


def test_a_ruling_without_a_record_exports_as_before(app, lead_client, demo_article, judged):
    assert settle(lead_client, demo_article, judged, claimant="").status_code == 200
    reviews = json.loads(lead_client.get(f"/articles/{demo_article.id}/claimreview.jsonld").get_data(as_text=True))
    review = next(iter(reviews if isinstance(reviews, list) else reviews["@graph"]))
    assert review["claimReviewed"] == NATO_CLAIM and "keywords" not in review
    assert "datePublished" not in review["itemReviewed"] and "firstAppearance" not in review["itemReviewed"]
    with app.app_context():
        event = db.session().exec(select(Event).where(Event.action == "settled")).one()
        assert set(event.after) == {"verdict", "rationale", "cited_sources"}  # as before the claim on record


def test_the_api_gives_the_claim_on_record(app, client, lead_client, demo_article, judged):
    assert settle(lead_client, demo_article, judged, **RECORD).status_code == 200
    token = make_token(app, "reviewer")
    items = client.get(f"/api/v1/articles/{demo_article.id}/claims", headers=bearer(token)).get_json()["items"]
    final = next(item["final"] for item in items if item["id"] == judged)
    assert final["on_record"] == {
        "summary": RECORD["summary"],
        "claimant": {"name": "NATO", "kind": "organization", "url": "https://www.nato.int/"},
        "claim_date": "2024-10-30",
        "first_appeared": RECORD["first_appeared"],
        "tags": ["war", "casualties", "Ukraine"],
    }
