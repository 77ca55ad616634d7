"""Checked before, as a lead uses it in Chromium: earlier checks of a claim in its panel, and "same claim as"."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from annotator.db.models import Article, Span, User
from annotator.domain.anchoring import resolve_target
from annotator.extensions import db
from annotator.formats import claimreview_reader
from annotator.services import adjudication, checks
from annotator.services import annotations as annotation_service
from annotator.services.articles import create_article
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM
from tests.fixtures.browser import sign_in

FIXTURES = Path(__file__).parents[1] / "fixtures" / "claimreview"
EARLIER_TITLE = "Casualty estimates, a year on"
EARLIER_CLAIM = "Russia has lost more than 600,000 soldiers killed or wounded since February 2022"
EARLIER_TEXT = f"Western estimates vary. {EARLIER_CLAIM}, officials said. Grain exports rose."


def annotate(session, article: Article, user: User, quote: str) -> int:
    target = resolve_target(article.text, start=None, end=None, quote=quote)
    annotation = annotation_service.save_annotation(
        session=session,
        user=user,
        article=article,
        target=target,
        verdict="mostly-true",
        note="",
        sources=[],
        submit=True,
    )
    return annotation.span_id


def seed(app) -> tuple[int, int]:
    """An earlier article with a settled casualty claim, the fixture's external checks, and the demo
    claim annotated by the reviewer. Returns the demo claim's span id and the earlier one's."""
    with app.app_context():
        session = db.session()
        reviewer = session.exec(select(User).where(User.username == "reviewer")).one()
        lead = session.exec(select(User).where(User.username == "lead")).one()
        earlier = create_article(session=session, title=EARLIER_TITLE, raw_text=EARLIER_TEXT)
        earlier_id = annotate(session, earlier, reviewer, EARLIER_CLAIM)
        adjudication.set_final_verdict(
            session=session,
            span=session.get(Span, earlier_id),
            lead=lead,
            verdict="mostly-true",
            rationale="Matches NATO and UK estimates.",
            sources=[],
            expected_version=None,
        )
        reviews, skipped = claimreview_reader.read((FIXTURES / "reviews.json").read_text(encoding="utf-8"))
        checks.import_reviews(session=session, reviews=reviews, skipped=skipped)
        demo = session.get(Article, 1)
        return annotate(session, demo, reviewer, CLAIM), earlier_id


def test_lead_sees_earlier_checks_and_marks_the_same_claim(page, live_app):
    claim_id, earlier_id = seed(live_app)
    sign_in(page, "lead")
    page.goto("/articles/1")
    page.locator("#article-text mark[data-span-ids]", has_text=CLAIM).first.click()
    panel = page.locator("#panel")
    section = panel.locator("#checked-before")
    expect(section.get_by_role("heading", name="Checked before")).to_be_visible()
    matches = section.locator("ul.check-matches > li")
    earlier = matches.filter(has_text=EARLIER_CLAIM)
    expect(earlier).to_contain_text("Mostly true")
    expect(earlier).to_contain_text(EARLIER_TITLE)
    external = matches.filter(has_text="Northern Fact Desk")
    expect(external).to_contain_text("External check by Northern Fact Desk")
    expect(external.get_by_role("link")).to_have_attribute(
        "href", "https://factdesk.example/checks/2024/russian-casualties-600000"
    )
    expect(section).not_to_contain_text("Grain exports")
    assert_accessible(page, "claim panel with Checked before")

    earlier.get_by_role("button", name="Same claim").click()
    same = section.locator("ul.same-claims")
    expect(same).to_contain_text(EARLIER_CLAIM)
    expect(same.get_by_role("button", name="Remove “same claim”")).to_be_visible()
    expect(matches.filter(has_text=EARLIER_CLAIM)).to_have_count(0)

    # The earlier claim's panel links back to this one.
    same.get_by_role("link", name=EARLIER_CLAIM).click()
    page.wait_for_url(f"**/articles/*?span={earlier_id}")
    back = page.locator("#panel #checked-before ul.same-claims")
    expect(back).to_contain_text(CLAIM)
    expect(back.get_by_role("link")).to_have_attribute("href", f"/articles/1?span={claim_id}")
