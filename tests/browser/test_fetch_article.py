"""A reviewer fetches an article from a (local) web page, checks the filled-in form and adds it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.fixtures.browser import sign_in
from tests.fixtures.page_server import PageServer


def test_fetch_fills_the_form_and_the_article_is_added(page, live_app):
    live_app.config.update(FETCH_ALLOWED_HOSTS=frozenset({"127.0.0.1"}))
    with PageServer() as pages:
        sign_in(page, "reviewer")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Add article").click()
        page.get_by_label("Web address").fill(f"{pages.base}/hop/2")
        page.get_by_role("button", name="Fetch").click()
        expect(page.locator("#fetched-notice")).to_contain_text("Filled in from the page")
    expect(page.get_by_label("Title")).to_have_value("Jobless rate falls to 3.9% in May")
    expect(page.get_by_label("Author")).to_have_value("Ann Writer")
    expect(page.get_by_label("Publisher")).to_have_value("Daily Example")
    expect(page.get_by_label("Published date")).to_have_value("2026-11-20")
    expect(page.get_by_label("Text")).to_have_value(re.compile(r"^The minister for work said on Tuesday"))
    page.get_by_role("button", name="Add article").click()
    expect(page.locator("#article-title")).to_have_text("Jobless rate falls to 3.9% in May")
    expect(page.locator(".kicker")).to_contain_text("By Ann Writer")
    expect(page.locator("#article-text")).not_to_contain_text("bob77")
