"""The keyboard alone: walk highlights, select a sentence and narrow it word by word, annotate,
choose a verdict, save and close, with no mouse. Real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Annotation, Article, Span, User
from annotator.domain.anchoring import resolve_target
from annotator.extensions import db
from annotator.services.annotations import save_annotation
from annotator.services.articles import create_article
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import EMOJI_TEXT, sign_in

NOTE = "NATO's estimate; jsa?[] and 1 typed here are text, not shortcuts."


def emoji_article(app) -> int:
    with app.app_context():
        return create_article(session=db.session(), title="Emoji first", raw_text=EMOJI_TEXT).id


def article_with_a_claim(app) -> int:
    """The emoji article with the reviewer's draft verdict on the claim."""
    article_id = emoji_article(app)
    with app.app_context():
        session = db.session()
        reviewer = session.exec(select(User).where(User.username == "reviewer")).one()
        article = session.get(Article, article_id)
        save_annotation(
            session=session,
            user=reviewer,
            article=article,
            verdict="false",
            note="",
            sources=[],
            target=resolve_target(article.text, start=None, end=None, quote=CLAIM),
        )
        session.commit()
    return article_id


def selection(page) -> str:
    return page.evaluate("window.getSelection().toString()")


def press(page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def open_form_with_keys(page) -> None:
    """s twice (the second sentence), narrowed word by word to the claim, then a."""
    press(page, "s")
    assert selection(page) == "🇺🇦 Live 🔥 updates 😀 from Kyiv 👩🏽‍💻."
    press(page, "s")
    assert selection(page).startswith("On the battlefield 🪖, according to NATO")
    press(page, "Shift+BracketRight", 6)  # the start moves right: the, battlefield, according, to, NATO, more
    press(page, "BracketLeft", 4)  # the end moves left: conflict, the, in, wounded
    assert selection(page) == CLAIM
    expect(page.get_by_role("button", name="Annotate")).to_be_visible()
    press(page, "a")
    expect(page.locator("#panel blockquote.quote")).to_have_text(CLAIM)
    expect(page.get_by_label("Verdict")).to_be_focused()  # the form's first field has the focus


def test_reviewer_annotates_a_claim_with_the_keyboard_alone(page, live_app):
    article_id = emoji_article(live_app)
    sign_in(page)
    page.goto(f"/articles/{article_id}")
    page.wait_for_load_state("load")

    open_form_with_keys(page)
    verdict = page.get_by_label("Verdict")
    assert_accessible(page, "annotation form opened with the keyboard")
    press(page, "2")  # the second verdict of the scale
    expect(verdict).to_have_value("mostly-true")
    expect(page.get_by_label("Note")).to_be_focused()
    page.keyboard.type(NOTE)
    press(page, "Control+Enter")

    mark = page.locator("#article-text mark[data-span-ids]")
    expect(mark).to_have_text(CLAIM)
    expect(mark).to_have_attribute("aria-description", "Claim: Mostly true")
    expect(mark).to_have_attribute("role", "button")
    expect(page.locator("#announce")).to_have_text("Annotation saved (draft).")
    expect(page.get_by_role("heading", name="Claim", exact=True)).to_be_focused()
    with live_app.app_context():
        span = db.session().exec(select(Span)).one()
        annotation = db.session().exec(select(Annotation)).one()
        text = span.article.text
    assert (span.start, span.end) == (text.index(CLAIM), text.index(CLAIM) + len(CLAIM))  # code points
    assert span.quote == CLAIM
    assert (annotation.verdict, annotation.note) == ("mostly-true", NOTE)

    press(page, "Escape")  # closes the claim: the focus goes back to its highlight
    expect(page.get_by_role("heading", name="Claims in this article")).to_be_visible()
    expect(mark).to_be_focused()
    press(page, "Enter")  # opens it again
    expect(page.locator("#panel blockquote.quote")).to_have_text(CLAIM)
    expect(page.get_by_role("heading", name="Claim", exact=True)).to_be_focused()
    assert_accessible(page, "claim panel opened with Enter")


def test_a_refused_save_is_announced_and_focuses_the_error(page, live_app):
    article_id = emoji_article(live_app)
    sign_in(page)
    page.goto(f"/articles/{article_id}")
    page.wait_for_load_state("load")
    page.js_errors_allowed = ["422"]
    open_form_with_keys(page)
    press(page, "Control+Enter")  # no verdict chosen
    expect(page.locator("#announce-alert")).to_contain_text("Not saved. Verdict: Choose a verdict.")
    expect(page.get_by_label("Verdict")).to_be_focused()
    assert_accessible(page, "annotation form with errors")


def test_shortcuts_do_not_fire_while_typing(page, live_app):
    article_id = emoji_article(live_app)
    sign_in(page)
    page.goto(f"/articles/{article_id}")
    page.wait_for_load_state("load")
    open_form_with_keys(page)
    press(page, "3")
    note = page.get_by_label("Note")
    expect(note).to_be_focused()
    page.keyboard.type("j k s a ? [ ] 1 7")
    expect(note).to_have_value("j k s a ? [ ] 1 7")
    expect(page.get_by_label("Verdict")).to_have_value("mixed")  # the digits were text
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert selection(page) == ""  # s did not select a sentence
    page.get_by_label("Source URL").first.focus()
    page.keyboard.type("s")
    expect(page.get_by_label("Source URL").first).to_have_value("s")


def test_question_mark_opens_the_shortcuts_and_escape_closes_them(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    page.wait_for_load_state("load")
    press(page, "j")
    first = page.locator("#article-text mark[data-span-ids]").first
    if first.count():
        expect(first).to_be_focused()
    opener = page.get_by_role("link", name="Summary")
    opener.focus()
    press(page, "?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Annotate the selection (the Annotate button)")).to_be_visible()
    expect(dialog.get_by_text("1 True, 2 Mostly true")).to_be_visible()
    assert_accessible(page, "shortcuts overlay")
    press(page, "Tab", 3)  # the modal dialog keeps the focus inside it
    assert page.evaluate("document.getElementById('shortcuts').contains(document.activeElement)")
    press(page, "Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()  # back where it was
    page.get_by_role("button", name="Shortcuts").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


WRAP_SUGGESTION = """([words, id]) => {
  // A hand-made suggestion (the contract: .suggestion[data-suggestion-id] inside a paragraph).
  const root = document.getElementById('article-text');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + words.length);
    const span = document.createElement('span');
    span.className = 'suggestion'; span.dataset.suggestionId = id;
    range.surroundContents(span);
    return root.textContent.length;
  }
}"""


def test_j_and_k_walk_highlights_and_suggestions_in_document_order(page, live_app):
    article_id = article_with_a_claim(live_app)
    sign_in(page)
    page.goto(f"/articles/{article_id}")
    page.wait_for_load_state("load")
    text_before = page.evaluate("document.getElementById('article-text').textContent.length")
    assert page.evaluate(WRAP_SUGGESTION, ["Live", "3"]) == text_before  # wrapping adds no text
    page.evaluate(WRAP_SUGGESTION, ["Second paragraph with more emoji", "7"])
    first, second = (
        page.locator(".suggestion[data-suggestion-id='3']"),
        page.locator(".suggestion[data-suggestion-id='7']"),
    )
    mark = page.locator("#article-text mark[data-span-ids]")

    press(page, "j")
    expect(first).to_be_focused()
    press(page, "j")
    expect(mark).to_be_focused()
    press(page, "j")
    expect(second).to_be_focused()
    press(page, "j")  # stays on the last one
    expect(second).to_be_focused()
    press(page, "k")
    expect(mark).to_be_focused()
    press(page, "j")
    press(page, "Enter")  # a suggestion without a list entry opens as a selection
    expect(page.locator("#panel blockquote.quote")).to_have_text("Second paragraph with more emoji")
    expect(page.get_by_label("Verdict")).to_be_focused()
    press(page, "Escape")
    expect(page.get_by_role("heading", name="Claims in this article")).to_be_visible()
    expect(second).to_be_focused()  # back on the suggestion that was opened (the panel has settled)

    # With an entry in the panel's list, Enter presses the entry's Annotate button.
    page.evaluate(
        """(url) => {
      const entry = document.createElement('li');
      entry.dataset.suggestionId = '3';
      entry.innerHTML = `<a class="button" href="${url}">Annotate</a>`;
      document.querySelector('#panel .panel-body').append(entry);
    }""",
        f"/articles/{article_id}/annotate?quote=Live",
    )
    first.focus()
    press(page, "Enter")
    expect(page.locator("#panel blockquote.quote")).to_have_text("Live")


def test_the_first_tab_offers_to_skip_to_the_content_and_the_text_to_the_panel(page, live_app):
    article_id = article_with_a_claim(live_app)
    sign_in(page)
    page.goto(f"/articles/{article_id}")
    page.wait_for_load_state("load")
    press(page, "Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.get_by_role("link", name="Skip the text to the annotation panel").focus()
    press(page, "Enter")
    expect(page.locator("#panel")).to_be_focused()
    press(page, "Tab")  # the next stop is inside the panel, past every highlight
    expect(page.locator("#panel .claim-link")).to_be_focused()


SWAP_PARAGRAPH_OOB = """() => {
  // What a live update does: the paragraph comes again from the server, out of band (same text here).
  const p = document.querySelectorAll('#article-text > p')[1];
  const copy = p.cloneNode(true);
  copy.querySelectorAll('mark').forEach(
    (m) => ['role', 'tabindex', 'aria-description'].forEach((a) => m.removeAttribute(a)));
  copy.setAttribute('hx-swap-oob', 'true');
  htmx.swap('#announce', copy.outerHTML, {swapStyle: 'innerHTML'});
}"""


def test_the_focus_and_the_selection_survive_a_paragraph_swapped_out_of_band(page, live_app):
    article_id = article_with_a_claim(live_app)
    sign_in(page)
    page.goto(f"/articles/{article_id}")
    page.wait_for_load_state("load")
    press(page, "j")
    mark = page.locator("#article-text mark[data-span-ids]")
    expect(mark).to_be_focused()
    press(page, "s")
    sentence = selection(page)
    assert sentence.startswith("On the battlefield")
    old = mark.element_handle()
    page.evaluate(SWAP_PARAGRAPH_OOB)
    assert not page.evaluate("(el) => el.isConnected", old)  # the paragraph was replaced
    expect(mark).to_be_focused()  # the new element has the focus
    expect(mark).to_have_attribute("role", "button")
    assert selection(page) == sentence
    expect(page.get_by_role("button", name="Annotate")).to_be_visible()
    press(page, "BracketLeft")  # and the keys go on from there
    assert selection(page) == sentence[: sentence.index(" 💥.")]


FIVE = str(Path(__file__).parents[1] / "fixtures" / "scales" / "five-level.toml")


@pytest.mark.parametrize("live_app", [{"SCALE_FILE": FIVE}], indirect=True)
def test_the_digit_keys_follow_the_desks_own_scale(page, live_app):
    """On a 5-level scale with two ratings outside the order, 4 chooses Satire; the highlight, the
    badge and the shortcuts list all speak the desk's scale."""
    article_id = emoji_article(live_app)
    sign_in(page)
    page.goto(f"/articles/{article_id}")
    page.wait_for_load_state("load")
    open_form_with_keys(page)
    expect(page.get_by_label("Verdict").locator("option")).to_have_text(
        ["Choose a verdict…", "Accurate", "Needs context", "Inaccurate", "Satire", "No evidence"]
    )
    press(page, "4")
    expect(page.get_by_label("Verdict")).to_have_value("satire")
    page.keyboard.type("A parody account.")
    press(page, "Control+Enter")
    mark = page.locator("#article-text mark[data-span-ids]")
    expect(mark).to_have_attribute("aria-description", "Claim: Satire")
    badge = page.locator("#panel .badge.verdict-satire")
    expect(badge).to_have_text("Satire")
    assert badge.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(107, 63, 160)"  # #6b3fa0, from the file
    assert_accessible(page, "claim panel on the desk's own scale")
    press(page, "Escape")
    press(page, "?")
    expect(page.locator("#shortcuts")).to_contain_text("Choose the verdict (1 Accurate, 2 Needs context")
    with live_app.app_context():
        assert db.session().exec(select(Annotation.verdict)).one() == "satire"
