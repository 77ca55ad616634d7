"""Suggested claims in real headless Chromium: annotate one, dismiss another, select part of one."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Annotation, Span
from annotator.extensions import db
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.browser import select_with_mouse, sign_in

NATO = "According to NATO, more than 600,000 Russian soldiers have been killed or wounded in the conflict."
VUCIC = "Earlier, Serbian President Aleksandar Vučić said Putin rules out negotiations"


def suggestion_items(page):
    return page.locator("#suggestions .suggestion-list > li")


def test_a_reviewer_annotates_one_suggestion_and_dismisses_another(page, live_app):
    sign_in(page)
    page.get_by_role("link", name="Putin unlikely to negotiate regardless of US election outcome").click()
    expect(page.get_by_role("heading", name="Suggested claims")).to_be_visible()
    nato = suggestion_items(page).filter(has_text="600,000 Russian soldiers")
    expect(nato).to_have_count(1)
    expect(page.locator("#article-text span.suggestion", has_text="600,000 Russian soldiers")).to_have_count(1)
    assert_accessible(page, "suggested claims in the text and the panel")

    nato.get_by_role("link", name="Annotate").click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(NATO)
    page.get_by_label("Verdict").select_option(label="Mostly true")
    page.get_by_label("Note").fill("NATO's figure, in line with the UK's.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#article-text mark[data-span-ids]", has_text="600,000")).to_have_count(1)
    with live_app.app_context():
        annotation = db.session().exec(select(Annotation)).one()
        span = db.session().get(Span, annotation.span_id)
        assert (span.quote, annotation.verdict) == (NATO, "mostly-true")
    # The annotated sentence is no longer suggested; the text keeps its other underlines.
    page.get_by_role("link", name="← All claims").click()
    expect(suggestion_items(page).filter(has_text="600,000 Russian soldiers")).to_have_count(0)

    vucic = suggestion_items(page).filter(has_text="Vučić said Putin rules out")
    vucic.get_by_role("button", name="Dismiss").click()
    expect(vucic).to_have_count(0)
    expect(page.locator("#article-text span.suggestion", has_text="Vučić said Putin")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name="Suggested claims")).to_be_visible()
    expect(suggestion_items(page).filter(has_text="Vučić said Putin rules out")).to_have_count(0)
    expect(page.locator("#article-text span.suggestion", has_text="Vučić said Putin")).to_have_count(0)
    expect(page.locator("#article-text")).to_contain_text(VUCIC)


def test_a_reviewer_selects_part_of_a_suggested_sentence_and_annotates_it(page, live_app):
    """The underline wraps text in elements: the selection's offsets must still be the text's."""
    sign_in(page)
    page.goto("/articles/1")
    part = "more than 600,000 Russian soldiers"
    expect(page.locator("#article-text span.suggestion", has_text=part)).to_have_count(1)
    select_with_mouse(page, part)
    page.get_by_role("button", name="Annotate").click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(part)


def test_a_selection_across_two_suggested_sentences_keeps_exact_offsets(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    words = "deployments. According"  # the end of one underlined sentence, the space, the start of the next
    # The selection crosses two underline elements: drag from the first word to the last.
    boxes = page.evaluate(
        """() => {
          const spans = Array.from(document.querySelectorAll('#article-text span.suggestion'));
          const first = spans.find((s) => s.textContent.endsWith('troop deployments.'));
          const second = spans.find((s) => s.textContent.startsWith('According to NATO'));
          first.scrollIntoView({block: 'center'});
          const rect = (node, from, to) => {
            const range = document.createRange();
            range.setStart(node, from); range.setEnd(node, to);
            const r = range.getClientRects()[0];
            return {x: r.left, y: (r.top + r.bottom) / 2, right: r.right};
          };
          const a = first.firstChild, b = second.firstChild;
          return {from: rect(a, a.data.length - 12, a.data.length - 11), to: rect(b, 8, 9)};
        }"""
    )
    page.mouse.move(boxes["from"]["x"] + 1, boxes["from"]["y"])
    page.mouse.down()
    page.mouse.move(boxes["to"]["right"] - 1, boxes["to"]["y"], steps=8)
    page.mouse.up()
    page.get_by_role("button", name="Annotate").click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(words)
