"""A reviewer makes an API token on the settings page, sees it once, uses it, and revokes it."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.fixtures.a11y import assert_accessible
from tests.fixtures.browser import sign_in


def api_status(base_url: str, token: str) -> int:
    request = urllib.request.Request(f"{base_url}/api/v1/articles", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            json.load(response)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_reviewer_creates_sees_once_and_revokes_a_token(page, live_app):
    base_url = live_app.config["LIVE_URL"]
    sign_in(page)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    expect(page.get_by_text("You have no API tokens yet.")).to_be_visible()

    page.get_by_label("Token name").fill("Newsroom CMS")
    page.get_by_role("button", name="Create token").click()
    shown = page.get_by_label("Your new API token")
    expect(shown).to_be_visible()
    token = shown.input_value()
    assert re.fullmatch(r"fca_[A-Za-z0-9_-]{43}", token)
    expect(page.get_by_text("shown only this once")).to_be_visible()
    row = page.locator("tr", has_text="Newsroom CMS")
    expect(row).to_contain_text(token[:12] + "…")
    expect(page.get_by_label("Token name")).to_have_value("")  # the form is ready for another
    assert_accessible(page, "API tokens with a new token shown")
    assert api_status(base_url, token) == 200

    page.reload()
    expect(page.get_by_label("Your new API token")).to_have_count(0)
    assert token not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Newsroom CMS").click()
    expect(page.locator("tr", has_text="Newsroom CMS")).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke Newsroom CMS")).to_have_count(0)
    assert api_status(base_url, token) == 401
