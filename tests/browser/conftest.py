"""Browser fixtures: one Chromium per session, a fresh context per page, and no network but the live server.

Playwright's sync API runs an event loop in this thread, which makes Django refuse database access from it unless
DJANGO_ALLOW_ASYNC_UNSAFE is set; the tests themselves are plain synchronous code.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# An IP, not "localhost": no IPv6-then-IPv4 dance per request. 127.0.0.1 is still a secure context for geolocation.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

import base64
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Frame,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A 1x1 transparent PNG, for tests that want tiles to "load" without the network.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
SCHEDULE_HOST = "schedule.example.com"


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (run `make browser`)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def site(live_server: Any, demo_data: None) -> str:
    """The live server's base URL, with the demo clinics loaded (committed, so its thread sees them)."""
    return str(live_server.url)


class Visitor:
    """Opens pages in fresh browser contexts whose only network is the live server.

    Requests elsewhere fail fast: map tiles are aborted (or answered with a blank PNG when ``tiles=True``) and the
    example.com schedule pages are answered locally, so a test can follow a Schedule link.
    """

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def page(
        self,
        *,
        width: int = 1280,
        height: int = 860,
        tiles: bool = False,
        origins: tuple[str, ...] = (),
        **options: Any,
    ) -> Page:
        """``origins``: other local servers (another site embedding ours) the page may reach besides the live server."""
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": width, "height": height}, **options
        )
        context.set_default_timeout(5000)
        reachable = tuple(f"{origin}/" for origin in (self.base_url, *origins))
        context.route(lambda url: not url.startswith(reachable), self._outside(tiles))
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._csp_violation)
        return page

    def _csp_violation(self, message: ConsoleMessage) -> None:
        """Chromium reports what the Content-Security-Policy refused as a console error: each one is a bug."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(message.text)

    @staticmethod
    def _outside(tiles: bool) -> Callable[[Route], None]:
        def handle(route: Route) -> None:
            url = urlsplit(route.request.url)
            if url.hostname == SCHEDULE_HOST:
                route.fulfill(
                    status=200,
                    content_type="text/html",
                    body="<!doctype html><title>Schedule a visit</title><h1>Online scheduling</h1>",
                )
            elif tiles and url.path.endswith(".png"):
                route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
            else:
                route.abort("internetdisconnected")

        return handle

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def visitor(browser: Browser, site: str) -> Iterator[Visitor]:
    visitor = Visitor(browser, site)
    yield visitor
    visitor.close()
    assert not visitor.errors, f"JavaScript errors on the page: {visitor.errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def wait_until(page: Page | Frame, expression: str, timeout: float = 5.0) -> None:
    """Poll a JavaScript expression until it is true.

    Playwright's wait_for_function evaluates its predicate with eval() inside the page, which the site's
    Content-Security-Policy (rightly) forbids; page.evaluate runs outside the page's policy.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)


def axe_violations(page: Page | Frame) -> list[dict[str, Any]]:
    """Run axe-core on the page (or one frame of it) as it is now; returns the violations (empty is the bar)."""
    if not AXE_PATH.exists():
        pytest.skip(f"axe-core not found at {AXE_PATH} (run `make browser`)")
    # Evaluated, not added as a <script>: the site's Content-Security-Policy rightly refuses inline scripts.
    page.evaluate(AXE_PATH.read_text())
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]
