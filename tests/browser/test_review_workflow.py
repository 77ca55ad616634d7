"""Blind review, settling from the queue and returning work, as people do it in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from annotator.db.models import Article
from annotator.extensions import db
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import (
    add_reviewer,  # noqa: F401
    annotate_claim,
    sign_in,
)
from tests.fixtures.review_helpers import queued_claims

TITLE = "Putin unlikely to negotiate regardless of US election outcome"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")


def test_blind_reviewer_sees_the_other_verdict_only_after_submitting(page, live_app):
    add_reviewer(live_app, "blake", "Blake Second")
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    expect(page.locator("#panel .annotation .badge")).to_have_text("Mostly true")
    sign_out(page)

    sign_in(page, "blake")
    page.goto("/articles/1")
    mark = page.locator("#article-text mark[data-span-ids]")
    expect(mark).to_have_class(re.compile(r"\bpending\b"))  # a claim to check, its verdict hidden
    mark.click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("1 other reviewer judged this claim")
    expect(panel).not_to_contain_text("Mostly true")
    expect(panel).not_to_contain_text("Riley Reviewer")
    assert_accessible(page, "claim panel under blind review")

    panel.get_by_role("link", name="Add your verdict").click()
    page.get_by_label("Verdict").select_option(label="Misleading")
    page.get_by_label("Note").fill("The NATO figure mixes killed and wounded.")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(panel.locator(".annotation")).to_have_count(2)
    expect(panel).to_contain_text("Riley Reviewer")
    expect(panel).to_contain_text("Mostly true")
    expect(page.locator("#article-text mark.disputed")).to_have_text(CLAIM)


def test_lead_settles_from_the_queue_and_the_claimreview_holds_it(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    sign_out(page)

    sign_in(page, "lead")
    page.goto("/review/queue")
    page.get_by_role("link", name=CLAIM).first.click()
    panel = page.locator("#panel")
    expect(panel.locator("blockquote.quote")).to_have_text(CLAIM)
    page.get_by_label("Final verdict").select_option(label="Mostly true")
    page.get_by_label("Public rationale").fill("NATO's estimate matches UK and US intelligence figures.")
    page.get_by_label("NATO briefing").check()
    page.get_by_role("button", name="Settle").click()

    expect(panel.locator(".final-verdict .badge")).to_have_text("Mostly true")
    assert_accessible(page, "settled claim panel, lead")
    mark = page.locator("#article-text mark[data-span-ids]")
    expect(mark).to_have_class(re.compile(r"\bsettled verdict-mostly-true\b"))
    reviews = page.request.get("/articles/1/claimreview.jsonld").json()
    assert len(reviews) == 1
    review = reviews[0]
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == CLAIM
    assert review["reviewRating"]["alternateName"] == "Mostly true"
    assert review["reviewRating"]["ratingValue"] == 4
    assert review["citation"][0]["url"] == "https://www.nato.int/briefing"


def test_lead_returns_an_annotation_and_the_reviewer_sees_it(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    sign_out(page)

    sign_in(page, "lead")
    page.goto("/articles/1")
    page.locator("#article-text mark[data-span-ids]").click()
    panel = page.locator("#panel")
    panel.get_by_text("Return to Riley Reviewer").click()
    panel.get_by_label("What needs changing").fill("Cite NATO's own statement, not a report of it.")
    panel.get_by_role("button", name="Return").click()
    expect(panel.locator(".status-tag")).to_have_text("Returned")
    assert_accessible(page, "returned annotation, lead")
    sign_out(page)

    sign_in(page)
    page.get_by_role("link", name="My work").click()
    expect(page.locator("main")).to_contain_text("Cite NATO's own statement, not a report of it.")
    page.goto("/articles/1")
    page.locator("#article-text mark[data-span-ids]").click()
    expect(panel.locator(".return-note")).to_contain_text("Cite NATO's own statement")
    panel.get_by_role("button", name="Submit").click()
    expect(panel.locator(".status-tag")).to_have_count(0)


def test_lead_pages_through_a_long_queue_with_show_more(page, live_app):
    with live_app.app_context():
        article = db.session().get(Article, 1)  # the demo article
    quotes = queued_claims(live_app, article, 230)
    sign_in(page, "lead")
    page.goto("/review/queue")
    rows = page.locator("tr.queue-row")
    expect(rows).to_have_count(100)
    expect(page.locator("#queue-count")).to_contain_text("230 claims")
    page.get_by_role("link", name="Show 100 more").click()
    expect(rows).to_have_count(200)
    page.get_by_role("link", name="Show 30 more").click()
    expect(rows).to_have_count(230)
    assert_accessible(page, "queue after Show more")
    expect(page.locator("#queue-more")).to_have_count(0)
    assert rows.nth(229).locator("td").first.locator("a").inner_text().strip() == quotes[229]
    assert page.url.endswith("/review/queue")  # appending rows does not change the address
