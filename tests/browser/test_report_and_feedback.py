"""The fact-check report (on screen and as printed), My work's feedback and the dashboard's
confusion matrix, in Chromium as a lead and a reviewer use them.

Set SHOTS_DIR to keep screenshots of each page (they are looked at, never committed).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from annotator.extensions import db
from annotator.services.users import create_or_update_user
from tests.fixtures.a11y import assert_accessible
from tests.fixtures.app import CLAIM, PASSWORD, login
from tests.fixtures.browser import annotate_claim, sign_in
from tests.fixtures.dashboard import B1, B2, B3, EARLY, LATE, LOUGH, SECOND_TEXT, give_back, save, settle
from tests.fixtures.helpers import add_article, created_article

TITLE = "Putin unlikely to negotiate regardless of US election outcome"


def shoot(page, name: str, **options) -> None:
    folder = os.environ.get("SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True, **options)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")


def seed(app) -> None:
    """More judged and settled claims, through the app's own forms, so that the matrix and My work have rows."""
    with app.app_context():
        create_or_update_user(
            session=db.session(), username="alice", role="reviewer", password=PASSWORD, display_name="Alice"
        )
    reviewer, alice, lead = app.test_client(), app.test_client(), app.test_client()
    for client, name in ((reviewer, "reviewer"), (alice, "alice"), (lead, "lead")):
        login(client, name)
    from annotator.db.models import Article

    with app.app_context():
        demo = db.session().get(Article, 1)
    second = created_article(
        app, add_article(lead, title="Bike lanes halved accidents, council says", text=SECOND_TEXT)
    )
    save(reviewer, demo, EARLY, "mostly-true")
    save(alice, demo, EARLY, "true")
    save(reviewer, demo, LOUGH, "true")
    save(alice, demo, LOUGH, "true")
    save(reviewer, demo, LATE, "mixed")
    save(reviewer, second, B1, "false")
    save(alice, second, B1, "mostly-false")
    save(reviewer, second, B2, "true")
    save(alice, second, B2, "mostly-true")
    save(reviewer, second, B3, "unverifiable", action="save")
    settle(app, lead, demo, EARLY, "true")
    settle(app, lead, demo, LOUGH, "true")
    settle(app, lead, second, B1, "mostly-false")
    settle(app, lead, second, B2, "false")
    give_back(app, lead, demo, "reviewer", LATE, "Which report? Cite it.")


def test_lead_opens_the_report_and_prints_it_without_the_apps_chrome(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    sign_out(page)
    seed(live_app)

    sign_in(page, "lead")
    page.goto("/articles/1")
    page.locator("#article-text mark[data-span-ids]").filter(has_text=CLAIM).click()
    panel = page.locator("#panel")
    page.get_by_label("Final verdict").select_option(label="Mixed")
    page.get_by_label("Public rationale").fill("NATO counts killed and wounded together; the split is unknown.")
    page.get_by_label("NATO briefing").check()
    page.get_by_role("button", name="Settle").click()
    expect(panel.locator(".final-verdict .badge")).to_have_text("Mixed")

    page.get_by_role("navigation", name="Article tools").get_by_role("link", name="Fact-check report").click()
    page.wait_for_url("**/articles/1/report")
    report = page.locator("article.report")
    expect(report.locator("h1")).to_have_text(TITLE)
    claims = report.locator("li.report-claim")
    expect(claims).to_have_count(3)
    expect(claims.locator("mark")).to_have_text([EARLY, LOUGH, CLAIM])  # reading order: Lough is quoted first
    claim = claims.nth(2)
    expect(claim.locator(".badge")).to_have_text("Mixed")
    expect(claim).to_contain_text("the split is unknown")
    expect(claim.get_by_role("link", name="NATO briefing")).to_have_attribute("href", "https://www.nato.int/briefing")
    expect(page.locator("#report-versions tbody tr")).to_have_count(1)
    assert_accessible(page, "fact-check report")
    expect(page.locator(".topbar")).to_be_visible()
    shoot(page, "report-screen")

    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Report")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(claim.locator(".badge")).to_have_css("background-color", "rgba(0, 0, 0, 0)")  # label as text
    expect(claim).to_have_css("break-inside", "avoid")
    expect(report.locator("h2").first).to_have_css(
        "font-family", '"Iowan Old Style", Charter, Georgia, "DejaVu Serif", serif'
    )
    shoot(page, "report-print")
    page.emulate_media(media="screen")
    expect(page.locator(".topbar")).to_be_visible()


def test_reviewer_sees_differences_and_filters_my_work(page, live_app):
    seed(live_app)
    sign_in(page)
    page.get_by_role("link", name="My work").click()
    returned = page.locator("section.returned-section li.work-item")
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text("Which report? Cite it.")
    differing = page.locator("li.work-item.differs")
    expect(differing).to_have_count(3)  # EARLY mostly true vs true, B1 false vs mostly false: near; B2 true vs false
    early = differing.filter(has_text=EARLY)
    expect(early.locator(".differs-flag")).to_have_text("Differs")
    expect(early.locator(".near-flag")).to_have_text("Near miss")
    expect(early.locator(".lead-rationale")).to_contain_text("Checked against the record.")
    expect(differing.filter(has_text=B2).locator(".near-flag")).to_have_count(0)
    expect(page.locator("#trend-table tbody tr")).to_have_count(1)
    shoot(page, "my-work")

    page.get_by_label("Only where the final verdict differs").check()
    expect(page.locator("li.work-item")).to_have_count(3)
    expect(page).to_have_url(live_app.config["LIVE_URL"] + "/work?differs=y")
    page.get_by_label("Article").select_option(label="Bike lanes halved accidents, council says")
    expect(page.locator("li.work-item")).to_have_count(2)
    expect(page.locator("li.work-item").filter(has_text=B2).locator(".near-flag")).to_have_count(0)
    shoot(page, "my-work-filtered")


def test_lead_switches_the_confusion_matrix_to_one_article(page, live_app):
    seed(live_app)
    sign_in(page, "lead")
    page.get_by_role("link", name="Review").click()
    matrix = page.locator("#confusion-table")
    expect(page.locator(".confusion-figures")).to_contain_text("8 judgements on settled claims")
    row = matrix.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="Mostly true"))
    expect(row.locator("td").first).to_have_text("1")  # reviewer Mostly true, final True
    shoot(page, "dashboard")
    matrix.scroll_into_view_if_needed()
    page.locator("#confusion").screenshot(
        path=os.path.join(os.environ["SHOTS_DIR"], "dashboard-matrix.png")
    ) if os.environ.get("SHOTS_DIR") else None

    page.get_by_label("Matrix for").select_option(label="Bike lanes halved accidents, council says")
    expect(page.locator(".confusion-figures")).to_contain_text("4 judgements on settled claims")
    expect(page).to_have_url(live_app.config["LIVE_URL"] + "/review?article=2")
    expect(page.get_by_role("heading", name="Review dashboard")).to_be_visible()  # only the matrix was swapped
