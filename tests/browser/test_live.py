"""Two reviewers on the same article in two browsers: each sees the other's work arrive without reloading."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.app import CLAIM
from tests.fixtures.browser import add_reviewer, annotate_claim, sign_in

ARRIVES = 10_000  # ms: several polls at the tests' 1-second interval


@pytest.fixture
def second_page(browser, live_app):
    """A second person: their own browser context (cookies), on the same app."""
    context = browser.new_context(viewport={"width": 1400, "height": 950}, base_url=live_app.config["LIVE_URL"])
    errors: list[str] = []
    other = context.new_page()
    other.on("pageerror", lambda error: errors.append(str(error)))
    other.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield other
    context.close()
    assert errors == [], f"JavaScript errors in the second page: {errors}"


def test_a_reviewer_sees_anothers_highlight_and_comment_arrive_without_reloading(page, second_page, live_app):
    live_app.config["LIVE_POLL_SECONDS"] = 1
    add_reviewer(live_app, "blake", "Blake Second")
    blake = second_page
    sign_in(blake, "blake")
    blake.goto("/articles/1")
    blake.evaluate("window.__notReloaded = true")
    expect(blake.locator("#article-text mark")).to_have_count(0)

    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    expect(page.locator("#panel .annotation .badge")).to_have_text("Mostly true")

    mark = blake.locator("#article-text mark[data-span-ids]")
    expect(mark).to_have_text(CLAIM, timeout=ARRIVES)
    expect(mark).to_have_class(re.compile(r"\bpending\b"))  # blind review: the claim, not its verdict
    expect(blake.locator("#article-stats")).to_contain_text("1 claim")
    expect(blake.locator("#live-status")).to_contain_text("1 claim changed")
    expect(blake.locator("#panel")).to_contain_text(CLAIM[:40])  # the open claims list too
    expect(blake.locator("#panel")).not_to_contain_text("Mostly true")

    # Blake opens the claim and starts a comment; Riley's comment arrives and his words stay.
    mark.click()
    comment_box = blake.get_by_label("Comment")
    comment_box.fill("I am checking the UK figure")
    page.get_by_label("Comment").fill("Which NATO briefing is this?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments")).to_contain_text("Which NATO briefing is this?")
    expect(blake.locator("#comments")).to_contain_text("Which NATO briefing is this?", timeout=ARRIVES)
    expect(comment_box).to_have_value("I am checking the UK figure")
    expect(blake.locator("#live-status")).to_contain_text("new comment")
    assert blake.evaluate("window.__notReloaded") is True
