"""Every page works under the strict Content-Security-Policy: no violation, no script error, in Chromium."""

from playwright.sync_api import expect

from tests.fixtures.app import CLAIM
from tests.fixtures.browser import annotate_claim, sign_in


def test_every_page_runs_under_the_csp_without_a_console_error(page, live_app):
    page.js_errors_allowed = ["status of 404"]  # the /nowhere visit below: a 404 page, by design
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page)
    page.goto("/articles/1")
    annotate_claim(page, CLAIM, button="Submit")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#panel h2")).to_have_text("History")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "lead")
    for path, heading in [
        ("/", "Articles"),
        ("/articles/new", "Add an article"),
        ("/articles/1/summary", "Summary"),
        ("/review", "Review dashboard"),
        ("/review/queue", "Review queue"),
        ("/work", "My work"),
        ("/articles/1/report", "Fact-check report"),
        ("/articles/1?span=1", None),
        ("/nowhere", "Not found"),
    ]:
        page.goto(path)
        page.wait_for_load_state("load")
        if heading:
            expect(page.locator("main")).to_contain_text(heading)
    page.goto("/review/queue")
    page.get_by_label("Status").select_option("single")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("main")).to_contain_text(CLAIM)
    assert violations == []
    assert page.evaluate("typeof htmx") == "object"  # the pinned htmx loaded from /vendor under script-src 'self'
