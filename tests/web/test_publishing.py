"""Publishing: a lead takes settled claims to public pages (/p/<slug>, /p/<slug>/claims/<n>), publishes
again, unpublishes and corrects; the pages carry valid ClaimReview JSON-LD, are cached by a strong
ETag, read at most 2 statements, and hold nothing but what was published."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import jsonschema
import pytest
from sqlmodel import select

from annotator.db.models import Article, Event, ExternalCheck, Publication
from annotator.extensions import db
from tests.fixtures.app import HX, count_queries, csrf_token
from tests.fixtures.dashboard import save, span_id
from tests.fixtures.htmltree import page

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "schemas" / "claimreview.schema.json").read_text())
NATO = "more than 600,000 Russian soldiers have been killed or wounded in the conflict"
DRONES = "Russia maintains advantages in drones, aircraft, and vehicles suitable for autumn and winter combat"
RECORD = {
    "claimant": "NATO",
    "claimant_kind": "organization",
    "claimant_url": "https://www.nato.int/",
    "claim_date": "2024-10-30",
    "first_appeared": "https://www.nato.int/cps/en/natohq/news_230000.htm",
    "summary": "NATO says Russia has lost over 600,000 soldiers in Ukraine",
    "tags": "war, casualties",
}


def settle(client, article, span: int, verdict: str = "mostly-true", rationale: str = "NATO's estimate.", **fields):
    data = {"verdict": verdict, "rationale": rationale, "csrf_token": csrf_token(client, f"/articles/{article.id}")}
    response = client.post(f"/articles/{article.id}/spans/{span}/final-verdict", data=data | fields, headers=HX)
    assert response.status_code == 200, response.get_data(as_text=True)


def post(client, path: str, data: dict, article):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, f"/articles/{article.id}")})


def publish(client, article, *span_ids: int, canonical_url: str = ""):
    return post(
        client,
        f"/articles/{article.id}/publication",
        {"claims": [str(s) for s in span_ids], "canonical_url": canonical_url},
        article,
    )


@pytest.fixture
def settled(app, reviewer_client, lead_client, demo_article):
    """NATO settled with its claim on record, DRONES settled too; neither published. Returns their span ids."""
    save(reviewer_client, demo_article, NATO, "mostly-true")
    save(reviewer_client, demo_article, DRONES, "false")
    nato, drones = span_id(app, demo_article, NATO), span_id(app, demo_article, DRONES)
    settle(lead_client, demo_article, nato, **RECORD)
    settle(lead_client, demo_article, drones, verdict="false", rationale="No evidence for the vehicles.")
    return nato, drones


def slug_of(app, article) -> str:
    with app.app_context():
        return db.session().get(Article, article.id).slug


def test_only_a_lead_can_open_or_use_the_publishing_page(app, reviewer_client, demo_article, settled):
    assert reviewer_client.get(f"/articles/{demo_article.id}/publication").status_code == 403
    assert publish(reviewer_client, demo_article, settled[0]).status_code == 403
    for action in ("unpublish", "corrections"):
        assert (
            post(
                reviewer_client, f"/articles/{demo_article.id}/publication/{action}", {"note": "x"}, demo_article
            ).status_code
            == 403
        )
    with app.app_context():
        assert db.session().exec(select(Publication)).all() == []


def test_a_request_without_the_csrf_token_is_refused(app, lead_client, demo_article, settled):
    response = lead_client.post(f"/articles/{demo_article.id}/publication", data={"claims": [str(settled[0])]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session().exec(select(Publication)).all() == []


def test_nothing_is_published_until_a_claim_is_settled_and_chosen(app, lead_client, reviewer_client, demo_article):
    empty = lead_client.get(f"/articles/{demo_article.id}/publication").get_data(as_text=True)
    assert "No claim of this article is settled yet" in empty
    refused = publish(lead_client, demo_article)
    assert refused.status_code == 422
    assert "Settle at least one claim before publishing." in refused.get_data(as_text=True)
    save(reviewer_client, demo_article, NATO, "true")  # judged, not settled
    not_settled = publish(lead_client, demo_article, span_id(app, demo_article, NATO))
    assert not_settled.status_code == 422
    assert "Settle at least one claim before publishing." in not_settled.get_data(as_text=True)
    with app.app_context():
        assert db.session().exec(select(Publication)).all() == []


def test_a_lead_publishes_the_chosen_claims_and_the_public_reads_them_signed_out(
    app, client, lead_client, demo_article, settled
):
    nato, drones = settled
    assert publish(lead_client, demo_article, nato).status_code == 303
    slug = slug_of(app, demo_article)
    response = client.get(f"/p/{slug}")  # signed out
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    root = page(response)
    card = root.by_id("claim-1")
    assert card is not None and root.by_id("claim-2") is None
    assert card.find("span", class_="badge").text() == "Mostly true"
    assert "NATO says Russia has lost over 600,000 soldiers in Ukraine" in card.text()
    assert "NATO's estimate." in card.text() and "Claimed by" in card.text()
    assert "No evidence for the vehicles." not in body  # settled but not chosen: not public
    assert root.find("mark", class_="claim") is not None and NATO in root.find("mark", class_="claim").text()
    assert client.get(f"/p/{slug}/claims/1").status_code == 200
    assert client.get(f"/p/{slug}/claims/2").status_code == 404
    assert client.get("/p/no-such-article").status_code == 404


def jsonld_of(response) -> object:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.get_data(as_text=True), re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_every_public_page_carries_claimreview_that_validates(app, client, lead_client, demo_article, settled):
    assert publish(lead_client, demo_article, *settled).status_code == 303
    slug = slug_of(app, demo_article)
    reviews = jsonld_of(client.get(f"/p/{slug}"))
    assert isinstance(reviews, list) and len(reviews) == 2
    for review in reviews:
        jsonschema.validate(review, SCHEMA)
    nato = jsonld_of(client.get(f"/p/{slug}/claims/1"))
    jsonschema.validate(nato, SCHEMA)
    assert nato["url"] == f"http://localhost/p/{slug}/claims/1"
    assert nato["claimReviewed"] == RECORD["summary"]
    assert nato["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly true",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert nato["itemReviewed"]["author"] == {"@type": "Organization", "name": "NATO", "url": "https://www.nato.int/"}
    assert nato["itemReviewed"]["datePublished"] == "2024-10-30"
    assert nato["itemReviewed"]["firstAppearance"]["url"] == RECORD["first_appeared"]
    assert nato["author"]["name"] == "Fact-check desk"
    # The desk's own address, when the lead gives one, is the ClaimReview's url.
    assert (
        publish(lead_client, demo_article, *settled, canonical_url="https://news.example/checks/putin").status_code
        == 303
    )
    again = jsonld_of(client.get(f"/p/{slug}/claims/2"))
    jsonschema.validate(again, SCHEMA)
    assert again["url"] == "https://news.example/checks/putin#claim-2"  # the desk's page, and the claim's anchor


def test_a_schema_that_cannot_fail_would_be_useless():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"@context": "https://schema.org", "@type": "ClaimReview", "url": "x"}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError, match="bestRating"):
        jsonschema.validate(
            {"@type": "Rating", "alternateName": "True", "ratingValue": 5}, SCHEMA["properties"]["reviewRating"]
        )


def test_public_pages_are_cached_by_a_strong_etag_and_read_two_statements_at_most(
    app, client, lead_client, demo_article, settled
):
    assert publish(lead_client, demo_article, settled[0]).status_code == 303
    slug = slug_of(app, demo_article)
    for path in (
        f"/p/{slug}",
        f"/p/{slug}/claims/1",
        f"/p/{slug}/claims/1/embed",
        "/p/feed.xml",
        "/sitemap.xml",
        "/p/methodology",
    ):
        with count_queries(app) as statements:
            first = client.get(path)
        assert first.status_code == 200, path
        assert len(statements) <= 2, (path, statements)
        etag, weak = first.get_etag()
        assert etag and not weak, path
        assert first.headers["Cache-Control"] == "public, max-age=60", path
        assert "Set-Cookie" not in first.headers, path
        repeat = client.get(path, headers={"If-None-Match": f'"{etag}"'})
        assert repeat.status_code == 304 and repeat.get_data() == b"", path
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    # A change the lead publishes changes the ETag.
    with count_queries(app):
        before = client.get(f"/p/{slug}").get_etag()[0]
    assert (
        post(
            lead_client, f"/articles/{demo_article.id}/publication/corrections", {"note": "Fixed a date."}, demo_article
        ).status_code
        == 303
    )
    assert client.get(f"/p/{slug}").get_etag()[0] != before


def test_a_signed_in_lead_gets_the_same_public_page_without_a_user_read(
    app, client, lead_client, demo_article, settled
):
    assert publish(lead_client, demo_article, settled[0]).status_code == 303
    slug = slug_of(app, demo_article)
    with count_queries(app) as statements:
        as_lead = lead_client.get(f"/p/{slug}")
    assert len(statements) == 1
    assert as_lead.headers["Cache-Control"] == "public, max-age=60" and "Set-Cookie" not in as_lead.headers
    assert as_lead.get_data() == client.get(f"/p/{slug}").get_data()


def test_a_change_to_a_ruling_goes_public_only_when_published_again(app, client, lead_client, demo_article, settled):
    nato, _ = settled
    assert publish(lead_client, demo_article, nato).status_code == 303
    slug = slug_of(app, demo_article)
    settle(
        lead_client, demo_article, nato, verdict="true", rationale="Revised: the figure holds.", version="1", **RECORD
    )
    assert "Revised: the figure holds." not in client.get(f"/p/{slug}").get_data(as_text=True)
    assert publish(lead_client, demo_article, nato).status_code == 303
    body = client.get(f"/p/{slug}").get_data(as_text=True)
    assert "Revised: the figure holds." in body and "NATO's estimate." not in body


def test_unpublish_takes_every_public_address_down_and_publish_brings_it_back(
    app, client, lead_client, demo_article, settled
):
    assert publish(lead_client, demo_article, *settled).status_code == 303
    slug = slug_of(app, demo_article)
    assert post(lead_client, f"/articles/{demo_article.id}/publication/unpublish", {}, demo_article).status_code == 303
    for path in (f"/p/{slug}", f"/p/{slug}/claims/1", f"/p/{slug}/claims/2", f"/p/{slug}/claims/1/embed"):
        assert client.get(path).status_code == 404, path
    assert slug not in client.get("/p/feed.xml").get_data(as_text=True)
    assert slug not in client.get("/sitemap.xml").get_data(as_text=True)
    assert post(lead_client, f"/articles/{demo_article.id}/publication/unpublish", {}, demo_article).status_code == 409
    assert publish(lead_client, demo_article, settled[1]).status_code == 303
    assert client.get(f"/p/{slug}/claims/2").status_code == 200  # numbers are kept
    assert client.get(f"/p/{slug}/claims/1").status_code == 404  # not chosen this time
    with app.app_context():
        actions = [
            e.action for e in db.session().exec(select(Event).where(Event.span_id == settled[0]).order_by(Event.id))
        ]
    assert actions[-2:] == ["published", "unpublished"]


def test_a_correction_shows_dated_on_the_page_and_goes_into_the_history(
    app, client, lead_client, demo_article, settled
):
    assert publish(lead_client, demo_article, settled[0]).status_code == 303
    slug = slug_of(app, demo_article)
    empty = post(lead_client, f"/articles/{demo_article.id}/publication/corrections", {"note": "  "}, demo_article)
    assert empty.status_code == 422 and "Write the correction readers will see." in empty.get_data(as_text=True)
    note = "We first gave the claim date as 31 October; it was 30 October."
    assert (
        post(
            lead_client, f"/articles/{demo_article.id}/publication/corrections", {"note": note}, demo_article
        ).status_code
        == 303
    )
    section = page(client.get(f"/p/{slug}")).find("section", class_="corrections")
    assert note in section.text() and section.find("time") is not None
    assert note in client.get(f"/p/{slug}/claims/1").get_data(as_text=True)
    with app.app_context():
        event = db.session().exec(select(Event).where(Event.action == "corrected")).one()
        assert event.span_id == settled[0] and event.after == {"correction": note}
    history = lead_client.get(f"/articles/{demo_article.id}/spans/{settled[0]}/history", headers=HX).get_data(
        as_text=True
    )
    assert note in history


def test_the_feed_is_atom_and_the_sitemap_lists_the_public_pages(app, client, lead_client, demo_article, settled):
    assert publish(lead_client, demo_article, *settled).status_code == 303
    slug = slug_of(app, demo_article)
    feed = client.get("/p/feed.xml")
    assert feed.mimetype == "application/atom+xml"
    read = feedparser.parse(feed.get_data())  # as a feed reader reads it
    assert not read.bozo, read.get("bozo_exception")
    assert read.version == "atom10"
    assert read.feed.title == "Fact-check desk: fact-checks"
    assert [entry.link for entry in read.entries] == [f"http://localhost/p/{slug}"]
    entry = read.entries[0]
    assert entry.title == "Fact-check: Putin unlikely to negotiate regardless of US election outcome"
    assert entry.published_parsed and entry.updated_parsed
    assert {tag.term for tag in entry.tags} == {"mostly-true", "false"}
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed.get_data())
    assert root.tag == f"{atom}feed" and root.find(f"{atom}id") is not None and root.find(f"{atom}updated") is not None
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{atom}id").text == f"http://localhost/p/{slug}"
    assert "Mostly true: NATO says Russia has lost" in entries[0].find(f"{atom}summary").text
    sitemap = ET.fromstring(client.get("/sitemap.xml").get_data())
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == [
        "http://localhost/p/methodology",
        f"http://localhost/p/{slug}",
        f"http://localhost/p/{slug}/claims/1",
        f"http://localhost/p/{slug}/claims/2",
    ]


def test_the_embed_card_is_static_html_with_the_claim_badge_and_link(app, client, lead_client, demo_article, settled):
    assert publish(lead_client, demo_article, settled[0]).status_code == 303
    slug = slug_of(app, demo_article)
    card = client.get(f"/p/{slug}/claims/1/embed")
    html = card.get_data(as_text=True)
    assert "<script" not in html and "<iframe" not in html and "<link" not in html
    assert "Mostly true" in html and f'href="http://localhost/p/{slug}/claims/1"' in html
    assert "NATO says Russia has lost over 600,000 soldiers in Ukraine" in html
    assert "script-src" not in card.headers["Content-Security-Policy"]
    snippet = page(lead_client.get(f"/articles/{demo_article.id}/publication")).by_id("embed-1").text()
    assert snippet.startswith('<blockquote class="factcheck-embed"') and snippet.rstrip().endswith("</blockquote>")
    assert snippet.strip() in html  # what the lead copies is what the preview shows


def test_the_methodology_follows_the_scale_and_the_settings(app, client):
    response = client.get("/p/methodology")
    text = " ".join(page(response).text().split())
    assert "From the most accurate to the least: True, Mostly true, Mixed, Misleading, Mostly false, False." in text
    assert "Unverifiable stands outside that order." in text
    assert "Cannot be proved or disproved with available evidence." in text
    assert "Fact-check desk" in text


def test_a_reserved_slug_is_published_under_another(app, lead_client, reviewer_client, demo_article, settled):
    with app.app_context():
        article = db.session().get(Article, demo_article.id)
        article.slug = "methodology"
        db.session().commit()
    assert publish(lead_client, demo_article, settled[0]).status_code == 303
    with app.app_context():
        assert db.session().exec(select(Publication.slug)).one() == "methodology-fact-check"


def test_the_exported_claimreview_points_to_the_public_pages_validates_and_round_trips(
    app, client, lead_client, demo_article, settled, tmp_path
):
    assert publish(lead_client, demo_article, settled[0]).status_code == 303
    slug = slug_of(app, demo_article)
    exported = lead_client.get(f"/articles/{demo_article.id}/claimreview.jsonld").get_json()
    for review in exported:
        jsonschema.validate(review, SCHEMA)
    by_url = {review["url"]: review for review in exported}
    public = f"http://localhost/p/{slug}/claims/1"
    assert public in by_url  # the published claim: its public page
    assert any("/articles/" in url for url in by_url)  # the settled claim not published: its address here
    path = tmp_path / "claimreview.jsonld"
    path.write_text(json.dumps(exported), encoding="utf-8")
    page_path = tmp_path / "public.html"
    page_path.write_text(client.get(f"/p/{slug}").get_data(as_text=True), encoding="utf-8")
    runner = app.test_cli_runner()
    for file in (path, page_path):
        result = runner.invoke(args=["import-claimreview", str(file)])
        assert result.exit_code == 0, result.output
    with app.app_context():
        checks = db.session().exec(select(ExternalCheck).where(ExternalCheck.url == public)).all()
    assert len(checks) == 1  # the export and the page's markup are the same review
    check = checks[0]
    assert (check.claim_reviewed, check.rating, check.rating_value) == (RECORD["summary"], "Mostly true", 4)
    assert (check.publisher, check.claim_author) == ("Fact-check desk", "NATO")
    assert check.published_on is not None


def test_the_publishing_page_ticks_what_was_chosen_last_and_nothing_at_first(app, lead_client, demo_article, settled):
    def ticked() -> list[str]:
        form = page(lead_client.get(f"/articles/{demo_article.id}/publication"))
        return [box.attrs["value"] for box in form.find_all("input", type="checkbox") if "checked" in box.attrs]

    assert ticked() == []  # nothing goes public by accident
    assert publish(lead_client, demo_article, settled[1]).status_code == 303
    assert ticked() == [str(settled[1])]
    assert post(lead_client, f"/articles/{demo_article.id}/publication/unpublish", {}, demo_article).status_code == 303
    assert ticked() == [str(settled[1])]  # taken down: publishing again offers the same choice


def test_public_answers_never_carry_a_cookie_or_vary_by_it(app, client, lead_client, demo_article, settled):
    assert publish(lead_client, demo_article, settled[0]).status_code == 303
    slug = slug_of(app, demo_article)
    for visitor in (client, lead_client):
        for path, status in ((f"/p/{slug}", 200), (f"/p/{slug}/claims/9", 404), ("/p/nothing-here", 404)):
            response = visitor.get(path)
            assert response.status_code == status, path
            assert "Set-Cookie" not in response.headers, path
            assert "Cookie" not in response.headers.get("Vary", ""), path
            if status == 404:
                assert response.headers["Cache-Control"] == "no-store"
                assert "csrf" not in response.get_data(as_text=True).lower()


def test_turning_the_byline_off_removes_the_names_at_once(tmp_path):
    from annotator.services import publishing as service
    from tests.fixtures.api_helpers import annotate, user_named
    from tests.fixtures.api_helpers import settle as settle_claim
    from tests.fixtures.app import leave_no_trace, make_app

    app = make_app(tmp_path / "byline.sqlite3", PUBLIC_BYLINE=True)
    with app.app_context():
        article = db.session().exec(select(Article)).first()
        annotate("reviewer", article, NATO, "true")
        settle_claim(article, NATO, "true")
        span = span_id(app, article, NATO)
        service.publish(session=db.session(), article=article, lead=user_named("lead"), span_ids=[span], byline=True)
        slug = article.slug
    reader = app.test_client()
    named = reader.get(f"/p/{slug}/claims/1")
    assert "Checked by Riley Reviewer, Lee Lead." in named.get_data(as_text=True)
    app.config["PUBLIC_BYLINE"] = False  # the desk turns it off (a restart with the setting unset)
    again = reader.get(f"/p/{slug}/claims/1", headers={"If-None-Match": named.headers["ETag"]})
    assert again.status_code == 200  # not 304: the page it had named them
    assert "Riley Reviewer" not in again.get_data(as_text=True) and "Checked by" not in again.get_data(as_text=True)
    leave_no_trace(app)


def test_a_renamed_rating_reaches_the_published_pages_and_one_dropped_is_refused(tmp_path):
    from annotator.domain import verdicts
    from annotator.services import publishing as service
    from tests.fixtures.api_helpers import annotate, user_named
    from tests.fixtures.api_helpers import settle as settle_claim
    from tests.fixtures.app import leave_no_trace, make_app

    database = tmp_path / "renamed.sqlite3"
    app = make_app(database)
    with app.app_context():
        article = db.session().exec(select(Article)).first()
        annotate("reviewer", article, NATO, "mostly-true")
        settle_claim(article, NATO, "mostly-true")
        service.publish(
            session=db.session(), article=article, lead=user_named("lead"), span_ids=[span_id(app, article, NATO)]
        )
        slug = article.slug
    before = app.test_client().get(f"/p/{slug}")
    app.extensions["engine"].dispose()  # the restart below: the same database, another scale
    default = verdicts.DEFAULT_FILE.read_text(encoding="utf-8")
    renamed = tmp_path / "renamed.toml"
    rekeyed = default.replace(
        'key = "mostly-true"\nlabel = "Mostly true"', 'key = "largely-true"\nlabel = "Largely true"'
    )
    assert rekeyed.rstrip().endswith("\n[renamed]")
    renamed.write_text(rekeyed.rstrip() + '\n"mostly-true" = "largely-true"\n', encoding="utf-8")
    restarted = make_app(database, fresh=False, SCALE_FILE=str(renamed))
    after = restarted.test_client().get(f"/p/{slug}", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    card = page(after).by_id("claim-1")
    assert card.find("span", class_="badge").text() == "Largely true" and "verdict-largely-true" in card.attrs["class"]
    review = json.loads(
        re.findall(r'<script type="application/ld\+json">(.*?)</script>', after.get_data(as_text=True), re.S)[0]
    )[0]
    assert review["reviewRating"]["alternateName"] == "Largely true" and review["reviewRating"]["ratingValue"] == 4
    # A scale that drops the rating a published claim (and its ruling) now has, without a rename, is refused.
    dropped = tmp_path / "dropped.toml"
    dropped.write_text(default, encoding="utf-8")  # the default again: no "largely-true"
    try:
        with pytest.raises(verdicts.ScaleError, match="drops the rating “largely-true”, which 3 stored verdicts use"):
            make_app(database, fresh=False, SCALE_FILE=str(dropped))
    finally:
        leave_no_trace(restarted)


def test_a_slug_taken_by_another_publication_gets_another(app, demo_article):
    from annotator.services import publishing as service

    with app.app_context():
        session = db.session()
        assert service._free_slug(session, "methodology") == "methodology-fact-check"
        assert service._free_slug(session, "story") == "story"
        session.add(Publication(article_id=demo_article.id, slug="story", published_by=1))
        session.flush()
        assert service._free_slug(session, "story") == "story-fact-check"
        session.rollback()
