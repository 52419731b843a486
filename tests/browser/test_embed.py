"""The finder embedded in an article on another site, in Chromium.

The sample article (/embed/sample-article/) is served by a small HTTP server on another 127.0.0.1 port: another
origin, as the marketing site is. One such server is in EMBED_ALLOWED_ORIGINS, another is not.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.browser.conftest import SCHEDULE_HOST, Visitor, axe_violations, wait_until

MOLINE = {"latitude": 41.5067, "longitude": -90.5151}
HOSTILE_CSS = (
    "<style>* { font-family: serif !important; color: red !important; background: yellow !important; }"
    " h1, h2, p, a, button, input { font-size: 30px !important; letter-spacing: 4px !important; }</style>"
)


class ArticleSite:
    """Another site on 127.0.0.1: answers every path with the article it was given."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"not here")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def article_html(site: str, query: str = "condition=pinched-nerve") -> str:
    """The sample article as the live server writes it: its links (stylesheet, snippet) point at the live server."""
    with urllib.request.urlopen(f"{site}/embed/sample-article/?{query}", timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def allowed(site: str, settings: Any) -> Iterator[ArticleSite]:
    """The marketing site: allowed to embed the finder."""
    other = ArticleSite()
    settings.EMBED_ALLOWED_ORIGINS = [other.origin]
    html = article_html(site)
    other.pages["/article/"] = html.encode()
    other.pages["/hostile/"] = html.replace("</head>", f"{HOSTILE_CSS}</head>").encode()
    other.pages["/spanish/"] = html.replace('<html lang="en">', '<html lang="es">').encode()
    yield other
    other.close()


@pytest.fixture
def refused(site: str, allowed: ArticleSite) -> Iterator[ArticleSite]:
    """Some other site that copied the snippet: not in EMBED_ALLOWED_ORIGINS."""
    other = ArticleSite()
    other.pages["/article/"] = allowed.pages["/article/"]
    yield other
    other.close()


def finder_frame(page: Page, site: str) -> Frame:
    """The finder's frame, once it has said it is shown (embed.js then sizes it and takes the link away)."""
    page.locator("[data-rockvalley-finder=shown] iframe").wait_for()
    frame = next(frame for frame in page.frames if frame.url.startswith(f"{site}/embed/finder/"))
    frame.locator("#finder-q").wait_for()
    return frame


def frame_fits(page: Page, frame: Frame) -> None:
    """The frame is as tall as the finder: nothing cut off, no scroll bar, no gap."""
    content = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    wait_until(page, f"document.querySelector('[data-rockvalley-finder] iframe').offsetHeight === {content}")


def search(frame: Frame, text: str, button: str = "Find") -> None:
    frame.fill("#finder-q", text)
    frame.get_by_role("button", name=button, exact=True).click()
    frame.locator("[data-result-list]").wait_for()


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_the_finder_appears_in_an_article_on_another_site_searches_and_resizes(
    visitor: Visitor, site: str, allowed: ArticleSite, screenshots: Path, width: int, height: int, name: str
):
    page = visitor.page(width=width, height=height, origins=(allowed.origin,))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{allowed.origin}/article/")
    frame = finder_frame(page, site)
    iframe = page.locator("[data-rockvalley-finder] iframe")
    assert iframe.get_attribute("title") == "Find a Rock Valley Physical Therapist near you"
    assert page.locator("[data-rockvalley-finder] > a").count() == 0  # the fallback link gave way
    assert "condition=pinched-nerve" in iframe.get_attribute("src")
    frame_fits(page, frame)
    empty_height = iframe.evaluate("frame => frame.offsetHeight")
    assert frame.get_by_role("heading", level=1).inner_text() == "Clinics that treat a pinched nerve"
    iframe.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"embed-article-{name}.png", full_page=True)
    assert axe_violations(frame) == []

    search(frame, "61265")
    assert frame.locator(".clinic").count() == 3
    frame_fits(page, frame)
    assert iframe.evaluate("frame => frame.offsetHeight") > empty_height + 200
    # The frame's name stays what it is: the place searched is the reader's, not the article page's to read.
    assert iframe.get_attribute("title") == "Find a Rock Valley Physical Therapist near you"
    # The answer is announced: focus moves to its heading, and the count is in a live region.
    wait_until(frame, "document.activeElement && document.activeElement.id === 'finder-results-heading'")
    wait_until(frame, "document.querySelector('[data-announce]').textContent.includes('3 clinics near')")
    first = frame.locator(".clinic").first
    assert re.search(r"Open now · Today:|Closed now · (Today:|Opens)", first.locator(".clinic__status").inner_text())
    assert first.get_by_role("link", name=re.compile("^Call")).get_attribute("href").startswith("tel:")
    iframe.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"embed-article-{name}-results.png", full_page=True)
    assert axe_violations(frame) == []
    assert page.context.cookies() == []  # neither the article nor the finder set one
    # Nothing from any third site: the article's own page, and the rest from ours.
    assert all(url.startswith((f"{allowed.origin}/", f"{site}/")) for url in requested), requested
    assert f"{site}/embed.js" in requested

    # Schedule takes the whole window (not the frame) to the clinic's booking page, through the counting redirect.
    schedule = first.get_by_role("link", name=re.compile("^Schedule"))
    with page.expect_request(lambda request: SCHEDULE_HOST in request.url) as booking:
        schedule.click()
    assert booking.value.frame == page.main_frame
    assert booking.value.redirected_from is not None
    assert re.fullmatch(rf"{site}/go/schedule/[a-z0-9-]+/\?from=61265", booking.value.redirected_from.url)


def test_see_all_on_the_map_opens_the_full_search_filled_in(visitor: Visitor, site: str, allowed: ArticleSite):
    page = visitor.page(origins=(allowed.origin,))
    page.goto(f"{allowed.origin}/article/")
    frame = finder_frame(page, site)
    search(frame, "52403")
    with page.expect_navigation():
        frame.get_by_role("link", name="See all on the map").click()
    assert page.url == f"{site}/find/?q=52403&condition=pinched-nerve"
    assert page.locator("h1").inner_text().startswith("Clinics that treat a pinched nerve near")
    assert page.input_value("#id_q") == "52403"


def test_use_my_location_inside_the_frame(visitor: Visitor, site: str, allowed: ArticleSite):
    page = visitor.page(origins=(allowed.origin,), geolocation=MOLINE, permissions=["geolocation"])
    page.goto(f"{allowed.origin}/article/")
    frame = finder_frame(page, site)
    frame.get_by_role("button", name="Use my location").click()
    frame.locator("[data-result-list]").wait_for()
    assert frame.locator("#finder-results-heading").inner_text() == "Nearest to you"
    assert frame.locator(".clinic").count() == 3
    frame_fits(page, frame)


def test_a_site_not_allowed_gets_no_finder_and_its_readers_keep_the_link(
    visitor: Visitor, site: str, refused: ArticleSite, screenshots: Path
):
    page = visitor.page(origins=(refused.origin,))
    page.goto(f"{refused.origin}/article/")
    # Chromium refuses the frame and says why (as a policy violation, which this test expects).
    deadline = time.monotonic() + 5
    while not any("frame-ancestors" in error for error in visitor.errors):
        assert time.monotonic() < deadline, "Chromium did not refuse the frame"
        page.wait_for_timeout(50)
    visitor.errors[:] = [error for error in visitor.errors if "frame-ancestors" not in error]
    page.wait_for_timeout(500)  # time enough for a finder to say it is shown, were it there
    box = page.locator("[data-rockvalley-finder]")
    assert box.get_attribute("data-rockvalley-finder") == "loading"
    assert not any(frame.url.startswith(f"{site}/embed/finder/") for frame in page.frames)
    iframe = box.locator("iframe")
    assert iframe.evaluate("frame => getComputedStyle(frame).visibility") == "hidden"
    assert iframe.evaluate("frame => frame.offsetHeight") == 0
    link = box.get_by_role("link", name="Find a Rock Valley Physical Therapist near you")
    assert link.is_visible()
    assert link.get_attribute("href") == f"{site}/conditions/pinched-nerve/"
    box.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "embed-refused.png", full_page=True)


FRAME_LOOK = """() => {
  const style = element => {
    const s = getComputedStyle(element);
    return [s.fontFamily, s.color, s.fontSize, s.letterSpacing, s.backgroundColor].join(" | ");
  };
  return ["h1", "label", "#finder-q", "button[type=submit]", ".finder"].map(q => style(document.querySelector(q)));
}"""


def test_the_articles_styles_do_not_reach_into_the_finder(
    visitor: Visitor, site: str, allowed: ArticleSite, screenshots: Path
):
    page = visitor.page(origins=(allowed.origin,))
    page.goto(f"{allowed.origin}/article/")
    plain = finder_frame(page, site).evaluate(FRAME_LOOK)

    page = visitor.page(origins=(allowed.origin,))
    page.goto(f"{allowed.origin}/hostile/")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(255, 0, 0)"
    frame = finder_frame(page, site)
    assert frame.evaluate(FRAME_LOOK) == plain
    font, color = plain[0].split(" | ")[:2]
    assert (font.split(",")[0], color) == ("system-ui", "rgb(11, 58, 91)")  # the finder's own heading
    frame_fits(page, frame)
    page.locator("[data-rockvalley-finder] iframe").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "embed-hostile-css.png")


def test_on_a_spanish_page_the_finder_is_in_spanish(visitor: Visitor, site: str, allowed: ArticleSite):
    page = visitor.page(origins=(allowed.origin,))
    page.goto(f"{allowed.origin}/spanish/")
    frame = finder_frame(page, site)
    assert "lang=es" in page.locator("[data-rockvalley-finder] iframe").get_attribute("src")
    assert frame.evaluate("document.documentElement.lang") == "es"
    assert frame.locator("input[name=lang]").input_value() == "es"
    assert frame.get_by_role("heading", level=1).inner_text() == "Clínicas que tratan un nervio pinzado"
    search(frame, "61265", button="Buscar")
    assert frame.evaluate("document.documentElement.lang") == "es"  # the language rides along through a search
    assert frame.get_by_role("link", name=re.compile("^Agendar")).first.is_visible()


def test_without_javascript_the_snippet_is_a_link_to_the_finder(visitor: Visitor, site: str, allowed: ArticleSite):
    page = visitor.page(origins=(allowed.origin,), java_script_enabled=False)
    page.goto(f"{allowed.origin}/article/")
    page.get_by_role("link", name="Find a Rock Valley Physical Therapist near you").click()
    assert page.url == f"{site}/conditions/pinched-nerve/"
    page.fill("#id_q", "61265")
    page.get_by_role("button", name="Find clinics").click()
    assert page.locator("h1").inner_text().startswith("Clinics that treat a pinched nerve near")


def test_the_builder_makes_the_snippet_shows_it_live_and_copies_it(visitor: Visitor, screenshots: Path):
    page = visitor.page(width=1280, height=1000, permissions=["clipboard-read", "clipboard-write"])
    page.goto("/embed/")
    page.select_option("#embed-condition", "sciatica")
    page.select_option("#embed-lang", "es")
    page.get_by_role("button", name="Make the snippet").click()
    snippet = page.input_value("#embed-snippet")
    assert '<div data-rockvalley-finder data-condition="sciatica" data-lang="es">' in snippet
    assert '<script src="http://127.0.0.1:' in snippet and '/embed.js" async></script>' in snippet
    frame = finder_frame(page, visitor.base_url)
    assert frame.evaluate("document.documentElement.lang") == "es"
    assert frame.get_by_role("heading", level=1).inner_text() == "Clínicas que tratan la ciática"
    page.get_by_role("button", name="Copy the snippet").click()
    page.get_by_text("Copied. Paste it into the article.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    page.screenshot(path=screenshots / "embed-builder.png", full_page=True)
    assert axe_violations(page) == []
    # A choice changed after the snippet was made: the old snippet cannot be copied by mistake.
    page.select_option("#embed-condition", "vertigo-and-dizziness")
    expect(page.get_by_role("button", name="Copy the snippet")).to_be_disabled()
    expect(page.get_by_text("You changed a choice: press “Make the snippet” first")).to_be_visible()
