"""A reviewer pastes a corrected text: highlights follow their words, an orphan is re-attached, the diff
shows the quiet edit, and an older version stays readable."""

from __future__ import annotations

from playwright.sync_api import expect

from annotator.db.models import Article, Span
from annotator.extensions import db
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import annotate_claim, select_with_mouse, sign_in

SECOND = "Putin is unlikely to engage in peace negotiations"
NEW_WORDING = "Talks remain out of reach, analysts say"


def add_corrected_version(page, article_text: str) -> None:
    page.get_by_role("link", name="New version").click()
    corrected = "UPDATE: the casualty estimate was revised.\n" + article_text.replace("600,000", "650,000").replace(
        SECOND, NEW_WORDING
    )
    page.get_by_label("New text").fill(corrected)
    page.get_by_role("button", name="Add version").click()
    expect(page.get_by_role("heading", name="Version 2")).to_be_visible()


def submit_then_correct(page, live_app, *quotes: str) -> None:
    """Sign in, submit a verdict on each quote, then add the corrected text as version 2."""
    with live_app.app_context():
        text = db.session().get(Article, 1).text
    sign_in(page)
    page.goto("/articles/1")
    for quote in quotes:
        annotate_claim(page, quote, button="Submit")
        expect(page.locator("#panel .annotation")).to_have_count(1)
    add_corrected_version(page, text)


def test_a_new_version_re_anchors_highlights_and_an_orphan_is_re_attached(page, live_app):
    submit_then_correct(page, live_app, CLAIM, SECOND)
    expect(page.locator("#reanchor-totals")).to_contain_text("1 changed")
    expect(page.locator("#reanchor-totals")).to_contain_text("1 orphaned")
    expect(page.locator("#changed-claims")).to_contain_text("650,000")
    assert_accessible(page, "version report")

    page.get_by_role("link", name="← Putin unlikely").click()
    changed = page.locator("#article-text mark.changed")
    expect(changed).to_have_text(CLAIM.replace("600,000", "650,000"))
    expect(changed).to_have_role("button")  # the page's script has run: a click opens the claim
    changed.click()
    expect(page.locator("#changed-note")).to_contain_text("600,000")
    expect(page.locator("#changed-note")).to_contain_text("650,000")

    page.get_by_role("link", name="← All claims").click()
    orphans = page.locator("#orphans")
    expect(orphans).to_contain_text("Orphans (1)")
    expect(orphans).to_contain_text(SECOND)

    select_with_mouse(page, NEW_WORDING)
    page.get_by_role("button", name="Annotate").click()
    reattach = page.locator("#reattach")
    expect(reattach).to_contain_text(SECOND)
    assert_accessible(page, "annotation form with orphans to re-attach")
    reattach.get_by_role("button", name="Re-attach").click()

    page.wait_for_url("**/articles/1?span=*")  # the page reloads on the claim
    expect(page.locator("#panel h3", has_text="Reviewers' annotations")).to_be_visible()
    expect(page.locator("#panel blockquote.quote")).to_have_text(NEW_WORDING)
    expect(page.locator("#panel")).to_contain_text("Mostly true")
    expect(page.locator("#orphans")).to_have_count(0)
    with live_app.app_context():
        span = db.session().exec(__import__("sqlmodel").select(Span).where(Span.quote == NEW_WORDING)).one()
    marks = page.locator(f"#article-text mark[data-span-ids~='{span.id}']")
    expect(marks).to_have_text(NEW_WORDING)


def test_the_diff_view_shows_the_quiet_edit_and_version_one_stays_readable(page, live_app):
    submit_then_correct(page, live_app, CLAIM)

    page.get_by_role("link", name="See the changes").click()
    diff = page.locator("#diff-text")
    expect(diff.locator("del", has_text="600")).to_be_visible()
    expect(diff.locator("ins", has_text="650")).to_be_visible()
    expect(diff.locator("ins", has_text="UPDATE: the casualty estimate was revised.")).to_be_visible()
    expect(page.locator("#diff-summary")).to_contain_text("changes")
    assert_accessible(page, "diff")

    page.get_by_label("From version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#diff-summary")).to_contain_text("the same text")

    page.goto("/articles/1")
    page.get_by_label("Version", exact=True).select_option("1")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#version-banner")).to_contain_text("version 1")
    expect(page.locator("#article-text mark")).to_have_text([CLAIM])
    expect(page.locator("#article-text")).not_to_contain_text("UPDATE")
    expect(page.locator("#annotate-popover")).to_have_count(0)
