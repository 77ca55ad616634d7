from playwright.sync_api import expect
from tests.browser.conftest import sign_in
from tests.browser.test_annotate import annotate_claim, select_with_mouse
from tests.conftest import CLAIM
SECOND = "Putin is unlikely to engage in peace negotiations"

def test_dbg(page, live_app):
    sign_in(page)
    page.goto("/articles/1")
    page.on("console", lambda m: print("CONSOLE", m.text))
    page.evaluate("""() => { document.addEventListener('selectionchange', () => console.log('sel', JSON.stringify(getSelection().toString()).slice(0,30), window.scrollY, document.activeElement.tagName)); }""")
    annotate_claim(page, CLAIM, button="Submit")
    expect(page.locator("#panel .annotation")).to_have_count(1)
    print("---- drag")
    select_with_mouse(page, SECOND)
    print("AFTER", repr(page.evaluate("getSelection().toString()")), page.evaluate("[document.forms['annotate-popover']?.elements.start.value, document.getElementById('annotate-popover').elements.end.value]"))
    page.get_by_role("button", name="Annotate").click()
    expect(page.locator("#panel blockquote.quote")).to_have_text(SECOND)
