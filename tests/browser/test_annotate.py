"""A reviewer annotates with the mouse; a lead reads the summary. Real headless Chromium."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Annotation, Source, Span
from annotator.extensions import db
from annotator.services.articles import create_article
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import EMOJI_TEXT, annotate_claim, select_with_mouse, sign_in  # noqa: F401


def stored_spans(app):
    with app.app_context():
        return list(db.session().exec(select(Span)))


def test_reviewer_annotates_claim_with_the_mouse(page, live_app):
    sign_in(page)
    page.get_by_role("link", name="Putin unlikely to negotiate regardless of US election outcome").click()
    page.evaluate("window.__notReloaded = true")

    annotate_claim(page, CLAIM)

    highlight = page.locator("#article-text mark[data-span-ids]")
    expect(highlight).to_have_text(CLAIM)
    expect(page.locator("#panel")).to_contain_text("Mostly true")
    expect(page.locator("#panel")).to_contain_text("Riley Reviewer")
    assert page.evaluate("window.__notReloaded") is True, "the page reloaded on save"
    expect(page.locator("#article-stats")).to_have_text("1 claim · 1 annotation")
    assert_accessible(page, "claim panel after a save")

    (span,) = stored_spans(live_app)
    with live_app.app_context():
        article_text = db.session().get(Span, span.id).article.text
    assert (span.start, span.end, span.quote) == (
        article_text.index(CLAIM),
        article_text.index(CLAIM) + len(CLAIM),
        CLAIM,
    )
    with live_app.app_context():
        sources = list(db.session().exec(select(Source).order_by(Source.position)))
        assert [s.title for s in sources] == ["NATO briefing", "UK MoD update"]

    # The claim's address went into the location bar: a reload reopens it.
    assert page.url.endswith(f"/articles/{span.article_id}?span={span.id}")
    page.reload()
    expect(page.locator("#article-text mark[data-span-ids]")).to_have_text(CLAIM)
    panel = page.locator("#panel")
    expect(panel.locator("blockquote.quote")).to_have_text(CLAIM)
    page.get_by_role("link", name="← All claims").click()
    expect(panel).to_contain_text("Claims in this article")
    assert page.url.endswith(f"/articles/{span.article_id}")

    page.locator("#article-text mark[data-span-ids]").click()
    expect(panel.locator("blockquote.quote")).to_have_text(CLAIM)
    expect(panel.locator(".annotation .badge")).to_have_text("Mostly true")
    expect(panel).to_contain_text("NATO's estimate")
    link = panel.get_by_role("link", name="NATO briefing")
    expect(link).to_have_attribute("href", "https://www.nato.int/briefing")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_offsets_are_code_points_when_emoji_precede_the_claim(page, live_app):
    with live_app.app_context():
        article = create_article(session=db.session(), title="Emoji first", raw_text=EMOJI_TEXT)
        article_id, text = article.id, article.text
    assert len(text.encode("utf-16-le")) // 2 > len(text), "the test text must have astral characters"
    sign_in(page)
    page.goto(f"/articles/{article_id}")

    annotate_claim(page, CLAIM)

    expect(page.locator("#article-text mark[data-span-ids]")).to_have_text(CLAIM)
    (span,) = stored_spans(live_app)
    assert span.start == text.index(CLAIM)
    assert span.end == text.index(CLAIM) + len(CLAIM)
    assert span.quote == CLAIM

    # The export gives the same code point offsets.
    export = page.request.get(f"/articles/{article_id}/annotations.jsonld").json()
    position = export["first"]["items"][0]["target"]["selector"][1]
    assert (position["start"], position["end"]) == (span.start, span.end)


def test_escape_cancels_the_selection_and_the_form(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    select_with_mouse(page, CLAIM)
    annotate_button = page.get_by_role("button", name="Annotate")
    expect(annotate_button).to_be_visible()
    page.keyboard.press("Escape")
    expect(annotate_button).to_be_hidden()

    select_with_mouse(page, CLAIM)
    annotate_button.click()
    expect(page.get_by_label("Verdict")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_label("Verdict")).to_have_count(0)
    expect(page.locator("#panel")).to_contain_text("Claims in this article")
    with live_app.app_context():
        assert db.session().exec(select(Annotation)).first() is None


def test_clicking_elsewhere_hides_the_annotate_button(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    select_with_mouse(page, CLAIM)
    expect(page.get_by_role("button", name="Annotate")).to_be_visible()
    page.locator("#article-title").click()
    expect(page.get_by_role("button", name="Annotate")).to_be_hidden()


def test_validation_error_shows_next_to_the_field_and_keeps_input(page, live_app):
    page.js_errors_allowed = ["status of 422"]
    sign_in(page)
    page.goto("/articles/1")
    select_with_mouse(page, CLAIM)
    page.get_by_role("button", name="Annotate").click()
    page.get_by_label("Note").fill("Keep this note")
    page.get_by_label("Source URL").first.fill("javascript:alert(1)")
    page.get_by_role("button", name="Save").click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Choose a verdict.")
    expect(panel).to_contain_text("Enter a full web address starting with http:// or https://.")
    assert_accessible(page, "annotation form with errors")
    expect(page.get_by_label("Note")).to_have_value("Keep this note")
    expect(page.locator("#article-text mark")).to_have_count(0)
    with live_app.app_context():
        assert db.session().exec(select(Annotation)).first() is None


def test_lead_opens_the_summary(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    expect(page.locator("#article-text mark[data-span-ids]")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "lead")
    page.get_by_role("link", name="Putin unlikely to negotiate regardless of US election outcome").click()
    page.get_by_role("link", name="Summary").click()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    row = page.locator("table.summary-table tbody tr").first
    expect(row.locator("td").first).to_have_text(CLAIM)
    expect(row).to_contain_text("Mostly true")
    expect(page.locator("svg.chart")).to_be_visible()


def test_reviewer_edits_then_deletes_own_annotation(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM)
    panel = page.locator("#panel")
    expect(panel.locator(".annotation .badge")).to_have_text("Mostly true")

    panel.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Verdict")).to_have_value("mostly-true")
    expect(page.get_by_label("Source URL")).to_have_count(2)
    page.get_by_label("Verdict").select_option(label="Misleading")
    page.get_by_role("button", name="Remove source").nth(1).click()
    expect(page.get_by_label("Source URL")).to_have_count(1)
    page.get_by_role("button", name="Save").click()
    expect(panel.locator(".annotation .badge")).to_have_text("Misleading")
    expect(panel.get_by_role("link", name="UK MoD update")).to_have_count(0)
    expect(page.locator("#article-text mark.verdict-misleading")).to_have_text(CLAIM)

    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Delete").click()
    expect(panel).to_contain_text("No one has judged this claim yet.")
    expect(page.locator("#article-text mark")).to_have_count(0)
    expect(page.locator("#article-stats")).to_have_text("0 claims · 0 annotations")
    with live_app.app_context():
        (annotation,) = db.session().exec(select(Annotation)).all()
        assert annotation.deleted_at is not None and annotation.verdict == "misleading"


def test_escape_asks_before_discarding_typed_work(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    select_with_mouse(page, CLAIM)
    page.get_by_role("button", name="Annotate").click()
    page.get_by_label("Note").fill("Half-written rationale")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.keyboard.press("Escape")
    expect(page.get_by_label("Note")).to_have_value("Half-written rationale")
    assert dialogs and "Discard" in dialogs[0]

    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Escape")
    expect(page.get_by_label("Note")).to_have_count(0)
    expect(page.locator("#panel")).to_contain_text("Claims in this article")


def test_add_source_stops_at_twenty_rows_and_comes_back_after_a_removal(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    select_with_mouse(page, CLAIM)
    page.get_by_role("button", name="Annotate").click()
    add = page.get_by_role("button", name="+ Add source")
    for count in range(2, 21):
        add.click()
        expect(page.get_by_label("Source URL")).to_have_count(count)
    expect(add).to_be_disabled()
    page.get_by_role("button", name="Remove source").nth(3).click()
    expect(page.get_by_label("Source URL")).to_have_count(19)
    expect(add).to_be_enabled()
    add.click()
    expect(page.get_by_label("Source URL")).to_have_count(20)
    expect(add).to_be_disabled()


def test_selection_running_in_from_the_headline_keeps_only_article_text(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    with live_app.app_context():
        from annotator.db.models import Article

        text = db.session().get(Article, 1).text
    first_words = "Putin is unlikely"
    title = page.locator("#article-title").bounding_box()
    end = page.evaluate(
        """(words) => {
          const node = document.querySelector('#article-text p').firstChild;
          const range = document.createRange();
          range.setStart(node, words.length - 1); range.setEnd(node, words.length);
          const rect = range.getClientRects()[0];
          return {x: rect.right - 1, y: (rect.top + rect.bottom) / 2};
        }""",
        first_words,
    )
    page.mouse.move(title["x"] + 5, title["y"] + title["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=8)
    page.mouse.up()
    page.get_by_role("button", name="Annotate").click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(first_words)
    assert text.startswith(first_words)
