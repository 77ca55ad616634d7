"""A reviewer searches for a claim, reads the result with its quote and opens the claim."""

from __future__ import annotations

from playwright.sync_api import expect

from annotator.db.models import Article
from annotator.extensions import db
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM, annotation_data, login, post_annotation
from tests.fixtures.browser import sign_in


def test_reviewer_searches_reads_the_quote_in_context_and_opens_the_claim(page, live_app):
    with live_app.app_context():
        article = db.session().get(Article, 1)
    client = live_app.test_client()
    assert login(client, "reviewer").status_code == 303
    response = post_annotation(
        client,
        article,
        annotation_data(
            article.text,
            CLAIM,
            verdict="mostly-true",
            note="Ministry of Defence estimate, not independent",
            sources=[{"url": "https://www.nato.int/briefing", "title": "NATO briefing"}],
        ),
    )
    assert response.status_code == 200

    sign_in(page, "reviewer")
    page.get_by_role("link", name="Search").click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    page.get_by_label("Search", exact=True).fill('"Defence estimate" nato')
    page.get_by_label("Verdict").select_option(label="Mostly true")
    page.get_by_role("button", name="Search").click()

    expect(page.locator("#search-count")).to_contain_text("1 result")
    page.wait_for_url("**/search?*q=*")  # htmx put the search in the address bar
    hit = page.locator(".search-hit")
    expect(hit).to_have_count(1)
    expect(hit.locator("mark")).to_have_text(CLAIM)
    expect(hit).to_contain_text("Mostly true")
    expect(hit).to_contain_text("Riley Reviewer")
    assert_accessible(page, "search results")
    hit.get_by_role("link").click()

    page.wait_for_url(f"**/articles/{article.id}?span=*")
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Ministry of Defence estimate, not independent")
    expect(panel).to_contain_text("NATO briefing")


def test_a_bad_date_range_shows_a_message_in_place(page, live_app):
    sign_in(page, "reviewer")
    page.goto("/search")
    page.get_by_label("From").fill("2024-05-02")
    page.get_by_label("To").fill("2024-05-01")
    page.js_errors_allowed = ["422"]
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-to-errors")).to_have_text("The end date comes before the start date.")
    expect(page.get_by_label("From")).to_have_value("2024-05-02")
    assert_accessible(page, "search form with an error")
