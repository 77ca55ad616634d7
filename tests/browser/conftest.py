"""Browser tests: the app on a free local port, driven by headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import threading
import time
import warnings
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.fixtures.app import assert_connections_returned, leave_no_trace, make_app
from tests.fixtures.browser import CHROMIUM_REQUIRED, NO_CHROMIUM  # noqa: F401

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """CHROMIUM_PATH, else Debian's /usr/bin/chromium, else ``chromium`` on PATH. ANNOTATOR_CHROMIUM_FALLBACK=0
    leaves out /usr/bin/chromium (test_require_browser plays a machine without Chromium with it)."""
    fallback = "/usr/bin/chromium" if os.environ.get("ANNOTATOR_CHROMIUM_FALLBACK") != "0" else None
    for candidate in (os.environ.get("CHROMIUM_PATH"), fallback, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def browser_required() -> bool:
    """ANNOTATOR_REQUIRE_BROWSER=1 (CI sets it): a missing Chromium fails the run instead of skipping its tests."""
    return os.environ.get("ANNOTATOR_REQUIRE_BROWSER", "") not in ("", "0")


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    """A run that would skip browser tests for want of Chromium, when one is required, stops before any test
    with a usage error (exit status 4) that says why."""
    if browser_required() and any("browser" in getattr(item, "fixturenames", ()) for item in items):
        if chromium_path() is None:
            raise pytest.UsageError(CHROMIUM_REQUIRED)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None and browser_required():
        pytest.fail(CHROMIUM_REQUIRED, pytrace=False)
    if path is None:
        message = NO_CHROMIUM
        warnings.warn(message, stacklevel=2)
        print(f"\n{'!' * 70}\n{message}\n{'!' * 70}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, request):
    """The app served on a free loopback port; ``indirect`` parameters are settings (e.g. SCALE_FILE)."""
    app = make_app(tmp_path / "browser.sqlite3", **getattr(request, "param", {}))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)
    # shutdown() stops accepting, but a request the closed page left in flight (a lazy "load" fragment,
    # a live poll) may still be running in its own thread: give it time to end and return its connection.
    deadline = time.monotonic() + 5
    while app.extensions["engine"].pool.checkedout() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert_connections_returned(app)
    if getattr(request, "param", None):
        leave_no_trace(app)  # another scale's verdicts must not meet the next test's start-up check
    else:
        app.extensions["engine"].dispose()


@pytest.fixture
def page(browser, live_app):
    """A fresh browser page that records JavaScript errors; the test fails on any."""
    context = browser.new_context(viewport={"width": 1400, "height": 950}, base_url=live_app.config["LIVE_URL"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: errors.append(f"console.{message.type}: {message.text}") if message.type == "error" else None,
    )
    page.js_errors_allowed = []  # a test that expects e.g. a 422 lists its log line here
    yield page
    context.close()
    unexpected = [e for e in errors if not any(allowed in e for allowed in page.js_errors_allowed)]
    assert unexpected == [], f"JavaScript errors in the page: {unexpected}"
