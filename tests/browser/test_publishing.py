"""From a verdict to a published fact-check, in real Chromium: a lead settles a claim with its claim on
record, publishes it, a signed-out reader opens the public page (claim, badge, valid ClaimReview
JSON-LD, no axe violation); the lead publishes a correction the reader then sees, and unpublishes:
the reader gets 404."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Article
from annotator.extensions import db
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import annotate_claim, sign_in

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "schemas" / "claimreview.schema.json").read_text())


def test_a_lead_publishes_a_settled_claim_and_a_reader_sees_it_then_a_correction_then_404(browser, page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    page.context.clear_cookies()  # signed out

    sign_in(page, "lead")
    page.goto("/articles/1")
    page.locator("#article-text mark[data-span-ids]").first.click()
    panel = page.locator("#panel")
    page.get_by_label("Final verdict").select_option(label="Mostly true")
    page.get_by_label("Public rationale").fill("NATO's estimate matches UK and US intelligence figures.")
    expect(page.get_by_label("Claimant", exact=True)).to_have_value("NATO")  # offered from "According to NATO, …"
    page.get_by_label("Claimant is").select_option(label="An organisation")
    page.get_by_label("Claim summary").fill("NATO says Russia has lost over 600,000 soldiers")
    page.get_by_label("Claim date").fill("2024-10-30")
    page.get_by_role("button", name="Settle").click()
    expect(panel.locator(".final-verdict .badge")).to_have_text("Mostly true")

    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name="Publish the fact-check")).to_be_visible()
    claim = page.locator(".publish-list input[type=checkbox]")
    expect(claim).not_to_be_checked()  # nothing goes public by accident: the lead chooses
    claim.check()
    assert_accessible(page, "the lead's publishing page")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".publication-state")).to_contain_text("Published")
    public_url = page.locator(".publication-state a").first.get_attribute("href")
    assert public_url and "/p/" in public_url

    reader = browser.new_context(base_url=live_app.config["LIVE_URL"]).new_page()  # signed out
    response = reader.goto(public_url)
    assert response is not None and response.status == 200
    card = reader.locator("#claim-1")
    expect(card.locator(".badge")).to_have_text("Mostly true")
    expect(card.get_by_role("heading", level=2)).to_have_text("NATO says Russia has lost over 600,000 soldiers")
    expect(reader.get_by_role("heading", level=1)).to_contain_text("Putin unlikely to negotiate")
    expect(card).to_contain_text("Claimed by NATO on 30 Oct 2024")
    expect(reader.locator("mark.claim")).to_contain_text(CLAIM)
    reviews = json.loads(reader.locator('script[type="application/ld+json"]').text_content())
    assert len(reviews) == 1
    jsonschema.validate(reviews[0], SCHEMA)
    assert reviews[0]["reviewRating"]["alternateName"] == "Mostly true"
    assert_accessible(reader, "the public fact-check")
    reader.get_by_role("link", name="Link to this claim").click()
    expect(reader.locator("#claim-1 .badge")).to_have_text("Mostly true")
    expect(reader.get_by_role("heading", level=1)).to_have_text("NATO says Russia has lost over 600,000 soldiers")
    assert_accessible(reader, "a public claim page")
    reader.get_by_role("link", name="our methodology").click()
    expect(reader.get_by_role("heading", name="How we check claims")).to_be_visible()
    assert_accessible(reader, "the methodology page")

    note = "We first gave the claim date as 31 October; it was 30 October."
    page.get_by_role("textbox", name="Correction").fill(note)
    page.get_by_role("button", name="Publish the correction").click()
    expect(page.locator(".corrections-log")).to_contain_text(note)
    # A browser may keep the page it has for up to a minute (max-age=60): a new reader sees the correction.
    reader.context.close()
    reader = browser.new_context(base_url=live_app.config["LIVE_URL"]).new_page()
    reader.goto(public_url)
    expect(reader.locator(".corrections")).to_contain_text(note)
    assert_accessible(reader, "the public fact-check with a correction")

    reader.goto(public_url + "/claims/1/embed")
    expect(reader.locator("blockquote.factcheck-embed")).to_contain_text("Mostly true")
    assert_accessible(reader, "the embed card's preview")

    page.get_by_role("button", name="Unpublish").click()
    expect(page.locator(".publication-state")).to_contain_text("Unpublished")
    reader.context.close()
    reader = browser.new_context(base_url=live_app.config["LIVE_URL"]).new_page()
    gone = reader.goto(public_url)
    assert gone is not None and gone.status == 404
    assert_accessible(reader, "a fact-check taken down")

    # Published again (the claim chosen last time is ticked), then corrected again: the reader sees both.
    expect(page.locator(".publish-list input[type=checkbox]")).to_be_checked()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".publication-state")).to_contain_text("Published")
    page.get_by_role("textbox", name="Correction").fill("We added the claimant's own statement.")
    page.get_by_role("button", name="Publish the correction").click()
    reader.context.close()
    reader = browser.new_context(base_url=live_app.config["LIVE_URL"]).new_page()
    back = reader.goto(public_url)
    assert back is not None and back.status == 200
    expect(reader.locator(".corrections li")).to_have_count(2)
    expect(reader.locator(".corrections")).to_contain_text("We added the claimant's own statement.")
    with live_app.app_context():
        assert db.session().exec(select(Article.title)).first()  # unpublishing removes nothing
    reader.context.close()
