"""A long claims list in the side panel, in a real browser: the first 20 claims, "Show more" with the
mouse or the keyboard appends the rest, the focus moves to the first new claim, and a live update
keeps them all."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Article
from annotator.extensions import db
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM, annotation_data, login, post_annotation
from tests.fixtures.browser import add_reviewer, sign_in
from tests.fixtures.claims import claims_by


def demo(app) -> Article:
    with app.app_context():
        return db.session().exec(select(Article)).first()


def test_show_more_appends_the_next_claims_and_moves_the_focus_to_the_first(page, live_app):
    article = demo(live_app)
    quotes = claims_by(live_app, article, "reviewer", 30)
    sign_in(page)
    page.goto(f"/articles/{article.id}")
    links = page.locator("#claims-panel ol.claim-list a.claim-link")
    expect(links).to_have_count(20)
    more = page.get_by_role("link", name="Show 10 more")
    more.focus()
    page.keyboard.press("Enter")
    expect(links).to_have_count(30)
    expect(links.nth(20)).to_be_focused()
    expect(links.nth(20)).to_have_text(quotes[20])
    expect(page.get_by_role("link", name="Show 10 more")).to_have_count(0)
    expect(page.locator("#claims-shown")).to_have_value("30")
    assert_accessible(page, "claims list after Show more")
    # A claim of the appended page opens like any other.
    links.nth(25).click()
    expect(page.locator("#panel [data-active-span]")).to_have_count(1)
    expect(page.locator("#panel blockquote").first).to_have_text(quotes[25])


def test_a_live_update_keeps_the_claims_that_were_shown(page, live_app):
    live_app.config["LIVE_POLL_SECONDS"] = 1
    article = demo(live_app)
    add_reviewer(live_app, "alice", "Alice")
    claims_by(live_app, article, "reviewer", 30)
    sign_in(page)
    page.goto(f"/articles/{article.id}")
    page.get_by_role("link", name="Show 10 more").click()
    links = page.locator("#claims-panel ol.claim-list a.claim-link")
    expect(links).to_have_count(30)
    alice = live_app.test_client()
    assert login(alice, "alice").status_code == 303
    saved = post_annotation(alice, article, annotation_data(article.text, CLAIM, action="submit"))
    assert saved.status_code == 200
    expect(page.get_by_role("link", name="Show 1 more")).to_be_visible(timeout=15_000)
    expect(links).to_have_count(30)
