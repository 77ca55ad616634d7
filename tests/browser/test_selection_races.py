"""A reviewer's drag-selection is never cut short by what happens on the page meanwhile: a live
update that arrives under the mouse waits until the selection is done, and so does a focus move
(the panel a click asked for, opening a moment later). Each test holds the mouse button down
halfway through the drag, makes the thing happen, waits until the page has dealt with it, and
only then finishes the drag."""

from __future__ import annotations

import re
import threading

from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Article, User
from annotator.domain.anchoring import resolve_target
from annotator.extensions import db
from annotator.services.annotations import save_annotation
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import add_reviewer, select_with_mouse, sign_in

OPENING = "Putin is unlikely to engage in peace negotiations"  # the demo article's first words
DRAGGED = "regarding Ukraine regardless of who wins"  # the words after them, in the same paragraph
ARRIVES = 10_000  # ms: several polls at the tests' 1-second interval

# Counts the poller's answers as htmx finishes with them (swapped, or left unswapped), in data-polls.
COUNT_POLLS = """() => document.addEventListener('htmx:afterRequest', (event) => {
  if (event.detail.elt.id !== 'live-poll') return;
  document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
})"""


def submits(app, username: str, quote: str) -> None:
    """``username`` submits a verdict on ``quote`` in the demo article (as from another browser)."""
    with app.app_context():
        session = db.session()
        user = session.exec(select(User).where(User.username == username)).one()
        article = session.get(Article, 1)
        save_annotation(
            session=session,
            user=user,
            article=article,
            verdict="mostly-true",
            note="",
            sources=[],
            submit=True,
            target=resolve_target(article.text, start=None, end=None, quote=quote),
        )
        session.commit()


def hold_the_polls(app):
    """Hold the live poll's answers at the server until ``release`` is set; ``arrived`` tells that one waits."""
    arrived, release = threading.Event(), threading.Event()
    poll = app.view_functions["live.poll"]

    def held_poll(**kwargs):
        arrived.set()
        release.wait(timeout=30)
        return poll(**kwargs)

    app.view_functions["live.poll"] = held_poll
    return arrived, release


def test_a_live_update_answered_mid_drag_waits_until_the_selection_is_done(page, live_app):
    live_app.config["LIVE_POLL_SECONDS"] = 1
    add_reviewer(live_app, "blake", "Blake Second")
    sign_in(page)
    page.goto("/articles/1")
    page.wait_for_load_state("load")
    page.evaluate(COUNT_POLLS)
    # Blake's verdict on the opening words: the next poll's answer redraws their paragraph, the one
    # being dragged across. That answer is held at the server until the drag is halfway.
    submits(live_app, "blake", OPENING)
    arrived, release = hold_the_polls(live_app)
    assert arrived.wait(timeout=10), "no poll came"

    def the_answer_arrives():
        release.set()
        expect(page.locator("body")).to_have_attribute("data-polls", "1")

    select_with_mouse(page, DRAGGED, midway=the_answer_arrives)
    page.get_by_role("button", name="Annotate").click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(DRAGGED)
    # Once the selection is done (handed to the form), the update arrives, and nothing of it is lost.
    blakes = page.locator("#article-text mark[data-span-ids]", has_text=OPENING)
    expect(blakes).to_have_text(OPENING, timeout=ARRIVES)
    expect(page.locator("#live-status")).to_contain_text("1 claim changed")
    expect(page.locator("#article-stats")).to_contain_text("1 claim")


def test_a_panel_that_opens_mid_drag_leaves_the_selection_and_the_focus_alone(page, live_app):
    submits(live_app, "reviewer", CLAIM)
    sign_in(page)
    page.goto("/articles/1")
    page.wait_for_load_state("load")
    mark = page.locator("#article-text mark[data-span-ids]")
    mark.click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(CLAIM)
    expect(mark).to_have_class(re.compile(r"\bactive\b"))

    def the_claims_list_opens():
        # The answer to a click on "All claims" lands while the person is already selecting words.
        page.get_by_role("link", name="← All claims").dispatch_event("click")
        expect(page.locator("#panel h2")).to_have_text("Claims in this article")
        expect(mark).not_to_have_class(re.compile(r"\bactive\b"))  # the panel has settled

    select_with_mouse(page, DRAGGED, midway=the_claims_list_opens)
    expect(mark).not_to_be_focused()
    page.get_by_role("button", name="Annotate").click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(DRAGGED)
