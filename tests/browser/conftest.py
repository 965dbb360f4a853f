"""Real-browser fixtures: the session app served on a free port, driven by Debian's Chromium.

Every browser context records console errors (which include Content-Security-Policy
violations) and uncaught page errors; a test that caused any fails at teardown.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # no access log lines in test output
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The session app on 127.0.0.1:<free port>; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server):
    """new_page(user=None, locale="en-US"): a page in a fresh context, logged in through the form if a
    user is given. Relative URLs go to the live server."""
    contexts = []
    errors: list[str] = []

    def open_page(user=None, locale: str = "en-US") -> Page:
        context = browser.new_context(locale=locale, base_url=live_server)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("console", lambda msg: msg.type == "error" and errors.append(
            f"console error: {msg.text} ({msg.location.get('url') or (msg.page and msg.page.url)})"))
        context.on("weberror", lambda error: errors.append(f"page error: {error.error}"))
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            log_in(page, user)
        return page

    yield open_page
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("browser reported errors:\n" + "\n".join(errors))


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def log_in(page: Page, user, password: str = factories.PASSWORD) -> None:
    """Log in through the real form and wait for the dashboard."""
    page.goto("/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name=f"Welcome, {user.name}")).to_be_visible()
    page.wait_for_load_state("load")  # Bootstrap's script (dropdowns) loads after the heading shows
