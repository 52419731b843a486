"""The visitor pages in Chromium: search, map, geolocation, no-JavaScript, escaping, accessibility, screenshots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.browser.conftest import Visitor, axe_violations, wait_until
from tests.factories import ClinicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS_NAME = "<img src=x onerror=alert(1)>"
MOLINE = {"latitude": 41.5067, "longitude": -90.5151}


def api_slugs(page: Page, query: str) -> list[str]:
    response = page.request.get(f"/api/v1/clinics/nearest/?{query}")
    assert response.ok, response.text()
    return [result["slug"] for result in response.json()["results"]]


def list_slugs(page: Page) -> list[str]:
    return page.locator("[data-result-list] > li").evaluate_all("items => items.map(i => i.dataset.slug)")


def marker_slugs(page: Page) -> list[str]:
    """Clinic markers as drawn, in DOM order, after checking each shows its own rank."""
    markers = page.locator(".leaflet-marker-icon.rv-pin[data-rank]")
    found = markers.evaluate_all(
        "els => els.map(e => ({rank: Number(e.dataset.rank), slug: e.dataset.slug, label: e.textContent.trim()}))"
    )
    assert [m["label"] for m in found] == [str(m["rank"]) for m in found]
    assert [m["rank"] for m in found] == list(range(1, len(found) + 1))
    return [m["slug"] for m in found]


def wait_for_map(page: Page) -> None:
    expect(page.locator(".leaflet-marker-icon.rv-pin").first).to_be_visible()


# --- Search, list and map ---------------------------------------------------------------------


def test_zip_search_list_and_markers_follow_the_api_order(visitor: Visitor):
    page = visitor.page()
    page.goto("/")
    page.get_by_label("ZIP code, city or address").fill("61265")
    page.get_by_role("button", name="Find clinics").click()
    expect(page).to_have_url(re.compile(r"/find/\?q=61265&"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near Moline, IL 61265")
    wait_for_map(page)

    expected = api_slugs(page, "q=61265")
    assert len(expected) >= 5
    assert list_slugs(page) == expected
    assert marker_slugs(page) == expected
    expect(page.locator("#id_q")).to_have_value("61265")
    expect(page.locator("#results-summary")).to_have_text(f"{len(expected)} clinics within 25 miles, nearest first.")

    # Hovering or focusing a list item highlights its marker.
    second = page.locator("[data-result-list] > li").nth(1)
    second.hover()
    expect(page.locator('.rv-pin[data-rank="2"]')).to_have_class(re.compile(r"\bis-active\b"))
    second.get_by_role("link", name=re.compile("^Directions")).focus()
    expect(page.locator('.rv-pin[data-rank="2"]')).to_have_class(re.compile(r"\bis-active\b"))

    # Activating a marker (here from the keyboard) selects its list item and opens a popup with DOM-built text.
    third = page.locator('.rv-pin[data-rank="3"]')
    third.focus()
    page.keyboard.press("Enter")
    item = page.locator("[data-result-list] > li").nth(2)
    expect(item).to_have_class(re.compile(r"\bis-selected\b"))
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(item.get_attribute("data-name"))
    expect(popup.get_by_role("link", name=re.compile("^Schedule"))).to_have_attribute(
        "href", item.get_attribute("data-schedule-url")
    )


def test_schedule_button_goes_to_the_clinics_schedule_page(visitor: Visitor):
    page = visitor.page()
    page.goto("/find/?q=61265")
    response = page.request.get("/api/v1/clinics/nearest/?q=61265")
    first = response.json()["results"][0]
    schedule = page.locator("[data-result-list] > li").first.get_by_role("link", name=re.compile("^Schedule"))
    expect(schedule).to_have_attribute("href", f"/go/schedule/{first['slug']}/?from=61265")
    schedule.click()  # our redirect counts the click and sends the visitor on
    expect(page).to_have_url(first["schedule_url"])
    expect(page.get_by_role("heading", name="Online scheduling")).to_be_visible()


def test_wheel_over_the_map_scrolls_the_page_instead_of_zooming(visitor: Visitor):
    page = visitor.page(height=700)
    page.goto("/find/?q=61265")
    wait_for_map(page)
    before = page.locator('.rv-pin[data-rank="1"]').bounding_box()
    box = page.locator("#results-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 40)
    page.mouse.wheel(0, 300)
    wait_until(page, "window.scrollY > 0")
    after = page.locator('.rv-pin[data-rank="1"]').bounding_box()
    # The map did not zoom: the marker moved only with the page scroll (the map panel is sticky).
    assert abs((after["x"]) - before["x"]) < 1


def test_map_without_tiles_says_so_and_everything_else_works(visitor: Visitor):
    page = visitor.page()
    page.goto("/find/?q=61265")
    wait_for_map(page)
    expect(page.locator(".map-notice")).to_have_text(
        "The map background couldn't load. The markers and the list still work."
    )
    expect(
        page.locator("[data-result-list] > li").first.get_by_role("link", name=re.compile("^Schedule"))
    ).to_be_visible()


# --- Use my location --------------------------------------------------------------------------


def test_use_my_location_with_permission_shows_the_nearest_clinics(visitor: Visitor):
    page = visitor.page(geolocation=MOLINE, permissions=["geolocation"])
    page.goto("/")
    page.get_by_label("Distance").select_option("50")
    page.get_by_role("button", name="Use my location").click()
    expect(page).to_have_url(re.compile(r"/find/\?lat=41\.5067&lng=-90\.5151&radius=50$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near you")
    wait_for_map(page)
    assert list_slugs(page) == api_slugs(page, "lat=41.5067&lng=-90.5151&radius=50")


@pytest.mark.parametrize(("width", "height"), [(1280, 860), (390, 844)])
def test_after_use_my_location_changing_a_filter_keeps_the_position(visitor: Visitor, width: int, height: int):
    page = visitor.page(geolocation=MOLINE, permissions=["geolocation"], width=width, height=height)
    page.goto("/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near you")
    if width < 640:  # on a phone the search is one line until "Change" opens it
        expect(page.locator("[data-search-summary]")).to_contain_text("Near you · 25 mi · Any service")
        page.wait_for_load_state("load")  # site.js (deferred) is what opens the form
        page.get_by_role("button", name="Change your search").click()
        expect(page.get_by_role("button", name="Change your search")).to_have_attribute("aria-expanded", "true")
    page.get_by_label("Distance").select_option("100")
    page.get_by_role("button", name="Find clinics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near you")
    expect(page.get_by_label("Distance")).to_have_value("100")
    assert "lat=41.5067" in page.url and "radius=100" in page.url
    if width < 640:
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Change your search").click()
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    box.fill("52403")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near Cedar Rapids, IA 52403")


def test_use_my_location_denied_says_what_to_do_and_stops_waiting(visitor: Visitor):
    page = visitor.page()  # no geolocation permission: Chromium denies the request
    page.goto("/")
    button = page.get_by_role("button", name="Use my location")
    button.click()
    message = page.locator("#geo-message")
    expect(message).to_have_text(re.compile(r"^Location sharing is turned off for this site\. Type your ZIP code"))
    expect(button).to_have_attribute("aria-busy", "false")
    expect(button).to_have_text("Use my location")
    expect(button).to_be_enabled()
    expect(page).to_have_url(re.compile(r"/$"))


# --- Without JavaScript --------------------------------------------------------------------------


def test_results_work_with_javascript_off(visitor: Visitor):
    page = visitor.page(java_script_enabled=False)
    page.goto("/")
    expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
    page.get_by_label("ZIP code, city or address").fill("61265")
    page.get_by_role("button", name="Find clinics").click()
    expect(page).to_have_url(re.compile(r"/find/\?q=61265"))
    items = page.locator("[data-result-list] > li")
    assert items.count() >= 5
    first = items.first
    expect(first.get_by_role("link", name=re.compile("^Schedule"))).to_have_attribute(
        "href", re.compile(r"^/go/schedule/[-a-z0-9]+/\?from=61265$")
    )
    expect(first.locator('a[href^="tel:+1"]')).to_be_visible()
    expect(first.get_by_role("link", name=re.compile("^Directions"))).to_be_visible()
    expect(page.locator("#map-panel")).to_be_hidden()
    expect(page.get_by_role("button", name="Show map")).to_be_hidden()
    first.get_by_role("link", name=re.compile("^Details")).click()
    expect(page.get_by_role("table")).to_contain_text("Monday")


# --- Escaping ----------------------------------------------------------------------------------------


def test_a_script_named_clinic_is_text_everywhere_and_runs_nothing(visitor: Visitor, site: str):
    clinic = ClinicFactory(
        name=XSS_NAME, latitude=41.4906, longitude=-90.4980, notice="<b>bold</b><script>alert(2)</script>"
    )
    page = visitor.page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/find/?q=61265")
    wait_for_map(page)
    item = page.locator(f'[data-result-list] > li[data-slug="{clinic.slug}"]')
    expect(item.get_by_role("heading", level=2)).to_contain_text(XSS_NAME)
    expect(item).to_contain_text("<b>bold</b><script>alert(2)</script>")
    rank = item.get_attribute("data-rank")
    marker = page.locator(f'.rv-pin[data-rank="{rank}"]')
    assert XSS_NAME in marker.get_attribute("aria-label")
    marker.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(XSS_NAME)

    page.goto(clinic.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS_NAME)
    assert page.locator('img[src="x"], b').count() == 0
    assert page.title().startswith(XSS_NAME)
    # The page's own scripts have all run (the map is drawn from the same data): nothing injected ran with them.
    wait_for_map(page)
    page.wait_for_load_state("load")
    assert dialogs == []


# --- Mobile --------------------------------------------------------------------------------------------


def test_small_screens_show_the_list_first_and_the_map_on_request(visitor: Visitor):
    page = visitor.page(width=360, height=740, is_mobile=True, has_touch=True)
    page.goto("/find/?q=61265")
    toggle = page.get_by_role("button", name="Show map")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#map-panel")).to_be_hidden()
    expect(page.locator("[data-result-list] > li").first).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    toggle.click()
    expect(page.locator("#map-panel")).to_be_visible()
    expect(page.get_by_role("button", name="Hide map")).to_have_attribute("aria-expanded", "true")
    wait_for_map(page)
    map_box = page.locator("#results-map").bounding_box()
    list_box = page.locator("[data-result-list]").bounding_box()
    assert map_box["y"] < list_box["y"]  # shown just under the button, above the list
    assert marker_slugs(page) == list_slugs(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# --- Keyboard ------------------------------------------------------------------------------------------


def test_keyboard_skip_link_and_visible_focus(visitor: Visitor):
    page = visitor.page()
    page.goto("/find/?q=61265")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return [document.activeElement.id, style.outlineStyle, style.outlineWidth];
        }"""
    )
    assert focused[0] == "id_q"
    assert focused[1] != "none" and focused[2] != "0px"


def test_keyboard_focus_passes_through_the_map_and_out(visitor: Visitor):
    page = visitor.page()
    page.goto("/find/?q=61265")
    wait_for_map(page)
    page.locator("#results-map").focus()
    inside = "() => document.getElementById('results-map').contains(document.activeElement)"
    stops = 0
    while page.evaluate(inside):
        page.keyboard.press("Tab")
        stops += 1
        assert stops < 30, "focus is stuck in the map"
    expect(page.locator(".site-footer a").first).to_be_focused()


# --- Accessibility ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ready"),
    [
        ("/", "#id_q"),
        ("/find/?q=61265", ".rv-pin"),  # results with matches, map drawn
        ("/find/?q=90210", ".rv-pin"),  # nothing within the radius: the nearest shown
        ("/find/?q=00000", ".callout--error"),  # nothing matched the text
        ("/find/?q=61265&radius=abc", ".error-summary"),
        ("/clinics/", ".clinic-card"),
        ("/clinics/cedar-rapids-pci-vestibular-clinic/", ".rv-pin"),
        ("/clinics/no-such-clinic/", "h1"),
    ],
)
def test_axe_finds_no_violations(visitor: Visitor, url: str, ready: str):
    page = visitor.page()
    page.goto(url)
    expect(page.locator(ready).first).to_be_visible()
    assert axe_violations(page) == []


def test_axe_finds_no_violations_on_a_small_screen_with_the_map_open(visitor: Visitor):
    page = visitor.page(width=360, height=740, is_mobile=True, has_touch=True)
    page.goto("/find/?q=61265")
    page.get_by_role("button", name="Show map").click()
    wait_for_map(page)
    assert axe_violations(page) == []


# --- Screenshots: each screen as a visitor first sees it, saved to test-artifacts/screenshots/ to look at ------------

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
# The smallest text a visitor is asked to read; the map's scale bar and credits (Leaflet's own) are smaller by design.
SMALLEST_TEXT_PX = 12


def visible_text_sizes(page: Page) -> list[dict]:
    """Every piece of visible text on the page outside the map's own controls, with its font size."""
    return page.evaluate(
        """() => {
            const found = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const text = walker.currentNode.textContent.trim();
                const element = walker.currentNode.parentElement;
                if (!text || element.closest(".leaflet-control-container")) continue;
                if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
                const rect = element.getBoundingClientRect();
                if (rect.width === 0 || rect.height === 0) continue;  // e.g. the skip link, off screen until focused
                found.push({text: text.slice(0, 40), size: parseFloat(getComputedStyle(element).fontSize)});
            }
            return found;
        }"""
    )


def assert_reads_well(page: Page) -> None:
    """No sideways scrolling, and no text too small to read."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    too_small = [t for t in visible_text_sizes(page) if t["size"] < SMALLEST_TEXT_PX]
    assert too_small == []


def assert_map_is_drawn(page: Page, *, tiles: bool = True) -> None:
    """One numbered marker for each clinic in the list, all inside the map, over its background tiles."""
    wait_for_map(page)
    assert marker_slugs(page) == list_slugs(page)
    map_box = page.locator("#results-map").bounding_box()
    for marker in page.locator(".rv-pin").all():
        box = marker.bounding_box()
        assert map_box["x"] <= box["x"] and box["x"] + box["width"] <= map_box["x"] + map_box["width"]
        assert map_box["y"] <= box["y"] and box["y"] + box["height"] <= map_box["y"] + map_box["height"]
    if tiles:
        expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
        expect(page.locator(".map-notice")).to_have_count(0)
    else:
        expect(page.locator(".map-notice")).to_be_in_viewport()


def home_in_view(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a Rock Valley physical therapist near you")
    for control in (
        page.get_by_label("ZIP code, city or address"),
        page.get_by_role("button", name="Find clinics"),
        page.get_by_role("button", name="Use my location"),
    ):
        expect(control).to_be_in_viewport()


def results_in_view(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    expect(page.locator("#results-summary")).to_be_in_viewport()
    first = page.locator("[data-result-list] > li").first
    expect(first.get_by_role("heading", level=2)).to_be_in_viewport()
    expect(first.get_by_role("link", name=re.compile("^Schedule"))).to_be_in_viewport()


def results_with_map_in_view(page: Page, *, tiles: bool = True) -> None:
    results_in_view(page)
    assert_map_is_drawn(page, tiles=tiles)
    expect(page.locator("#results-map")).to_be_in_viewport()


def none_nearby_in_view(page: Page) -> None:
    results_with_map_in_view(page)
    expect(page.get_by_text("Rock Valley's clinics are in Illinois, Iowa and Nebraska.")).to_be_in_viewport()
    expect(page.get_by_role("link", name=re.compile(r"^Call .*, "))).to_be_in_viewport()


def clinic_in_view(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Cedar Rapids – PCI Vestibular Clinic")
    expect(page.get_by_role("link", name="Schedule a visit")).to_be_in_viewport()
    expect(page.get_by_text("Open now")).to_be_in_viewport()
    expect(page.locator(".hours__today")).to_be_in_viewport()
    expect(page.locator(".rv-pin")).to_be_visible()


def clinic_list_in_view(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("All clinics")
    expect(page.get_by_role("heading", name="Illinois")).to_be_in_viewport()
    expect(page.locator(".clinic-card").first).to_be_in_viewport()


def phone_results_in_view(page: Page) -> None:
    results_in_view(page)
    expect(page.get_by_role("button", name="Show map")).to_be_in_viewport()
    expect(page.locator("#map-panel")).to_be_hidden()


def phone_map_in_view(page: Page) -> None:
    page.get_by_role("button", name="Show map").click()
    assert_map_is_drawn(page)
    page.locator("#map-panel").evaluate("panel => panel.scrollIntoView()")
    expect(page.locator("#results-map")).to_be_in_viewport(ratio=0.9)
    for marker in page.locator(".rv-pin").all():
        expect(marker).to_be_in_viewport()


SCREENS = {
    # name: (address, screen, tiles load, full page, what the visitor sees first)
    "home-desktop": ("/", DESKTOP, True, True, home_in_view),
    "results-desktop": ("/find/?q=61265", DESKTOP, True, False, results_with_map_in_view),
    "results-none-nearby-desktop": ("/find/?q=90210", DESKTOP, True, False, none_nearby_in_view),
    "clinic-desktop": ("/clinics/cedar-rapids-pci-vestibular-clinic/", DESKTOP, True, True, clinic_in_view),
    "clinics-list-desktop": ("/clinics/", DESKTOP, True, False, clinic_list_in_view),
    "results-desktop-no-tiles": (
        "/find/?q=61265",
        DESKTOP,
        False,
        False,
        lambda page: results_with_map_in_view(page, tiles=False),
    ),
    "results-mobile": ("/find/?q=61265", PHONE, True, False, phone_results_in_view),
    "results-mobile-map": ("/find/?q=61265", PHONE, True, False, phone_map_in_view),
    "home-mobile": ("/", PHONE, True, False, home_in_view),
}


@pytest.mark.parametrize("name", SCREENS)
def test_each_screen_shows_its_content_in_view_legibly_and_without_sideways_scrolling(
    visitor: Visitor, screenshots: Path, name: str
):
    url, screen, tiles, full_page, in_view = SCREENS[name]
    # A Monday morning in the Quad Cities, so the pictures show open clinics and the same hours every run; tiles
    # "load" as blank images (there is no network here), and one screen shows the no-tiles notice.
    with time_machine.travel("2026-11-30 15:30:00+00:00", tick=True):
        page = visitor.page(tiles=tiles, **screen)
        page.goto(url)
        in_view(page)
        assert_reads_well(page)
        page.screenshot(path=screenshots / f"{name}.png", full_page=full_page)


# --- The clinic list of a big directory: an index of states, each state's clinics in pages ----------------------


def clinic_index_in_view(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("All clinics")
    expect(page.get_by_role("heading", name="Clinics by state")).to_be_in_viewport()
    iowa = page.get_by_role("link", name="Iowa 9 clinics")
    expect(iowa).to_be_in_viewport()
    expect(iowa).to_have_attribute("href", "/clinics/?state=IA")


def clinic_state_page_in_view(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics in Iowa")
    expect(page.get_by_text("page 2 of 3")).to_be_in_viewport()
    expect(page.locator(".clinic-card").first).to_be_in_viewport()
    pages = page.get_by_role("navigation", name="Pages of clinics in Iowa")
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    pages.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"/clinics/\?state=IA&page=3$"))
    expect(page.locator(".clinic-card")).to_have_count(1)
    page.go_back()


BIG_DIRECTORY_SCREENS = {
    "clinics-index-desktop": ("/clinics/", DESKTOP, clinic_index_in_view),
    "clinics-state-desktop": ("/clinics/?state=IA&page=2", DESKTOP, clinic_state_page_in_view),
    "clinics-state-mobile": ("/clinics/?state=IA&page=2", PHONE, clinic_state_page_in_view),
    "clinics-bad-state-desktop": (
        "/clinics/?state=ZZ",
        DESKTOP,
        lambda page: expect(page.get_by_role("alert")).to_be_in_viewport(),
    ),
}


@pytest.mark.parametrize("name", BIG_DIRECTORY_SCREENS)
def test_a_big_directorys_list_screens_read_well_and_pass_axe(visitor: Visitor, screenshots: Path, settings, name: str):
    # The demo's 13 clinics stand for a big directory: listed by state, 4 to a page (Iowa's 9 fill 3 pages).
    settings.CLINIC_LIST_ALL_MAX = 5
    settings.CLINIC_LIST_PAGE_SIZE = 4
    url, screen, in_view = BIG_DIRECTORY_SCREENS[name]
    page = visitor.page(**screen)
    page.goto(url)
    in_view(page)
    assert_reads_well(page)
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)
    assert axe_violations(page) == []


@pytest.mark.parametrize(("width", "height"), [(1280, 860), (390, 844)])
def test_the_first_schedule_link_is_a_few_tab_presses_away(visitor: Visitor, width: int, height: int):
    page = visitor.page(width=width, height=height)
    page.goto("/find/?q=61265")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    presses = 3
    while not page.evaluate("document.activeElement.textContent.trim().startsWith('Schedule')"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 8, page.evaluate("document.activeElement.outerHTML")
    expect(page.locator(":focus")).to_be_in_viewport()
    assert presses <= 6


def test_on_a_phone_the_results_page_opens_on_the_results(visitor: Visitor, screenshots: Path):
    page = visitor.page(width=390, height=844, is_mobile=True, has_touch=True)
    page.goto("/find/?q=61265&radius=25")
    summary = page.locator("[data-search-summary]")
    expect(summary).to_contain_text("61265 · 25 mi · Any service")
    expect(page.get_by_role("combobox", name="ZIP code, city or address")).to_be_hidden()
    expect(page.locator("[data-result-list] > li").first).to_be_in_viewport()
    page.screenshot(path=screenshots / "results-phone-summary.png")
    assert axe_violations(page) == []
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Change your search").tap()
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    expect(box).to_be_focused()
    expect(box).to_have_value("61265")
    expect(page.get_by_role("button", name="Change your search")).to_have_attribute("aria-expanded", "true")


def test_on_a_desktop_the_search_form_stays_open_above_the_results(visitor: Visitor):
    page = visitor.page()
    page.goto("/find/?q=61265")
    expect(page.locator("[data-search-summary]")).to_be_hidden()
    expect(page.get_by_role("combobox", name="ZIP code, city or address")).to_be_visible()


def test_on_a_phone_a_tapped_marker_opens_its_popup_in_view_with_schedule_and_call(visitor: Visitor, screenshots: Path):
    page = visitor.page(width=390, height=844, is_mobile=True, has_touch=True, tiles=True)
    page.goto("/find/?q=61265")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Show map").tap()
    wait_for_map(page)
    page.locator(".leaflet-marker-icon.rv-pin[data-rank='2']").tap()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_in_viewport()
    expect(popup.get_by_role("link", name=re.compile("^Schedule"))).to_be_in_viewport()
    call = popup.get_by_role("link", name=re.compile("^Call"))
    expect(call).to_be_in_viewport()
    assert (call.get_attribute("href") or "").startswith("tel:+1")
    page.screenshot(path=screenshots / "results-phone-popup.png")
