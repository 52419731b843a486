"""The patient's journey, at a desktop width and on a phone: what a visitor types or taps, and what they then see.

Each test here is one of the dead ends found trying the site as a patient: a malformed ZIP answered as an address,
a far ZIP offered clinics 1,305 miles away without a word, "Clinics near Your location", the map opening below the
fold on a phone. The keyboard path and the kept location are in test_visitor_pages.py, at both widths too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Visitor, axe_violations
from tests.test_service_area import nearest_miles_from_zip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
MOLINE = {"latitude": 41.5067, "longitude": -90.5151}


def open_page(visitor: Visitor, width: int, **options) -> Page:
    if width < 640:
        return visitor.page(width=width, height=844, is_mobile=True, has_touch=True, **options)
    return visitor.page(width=width, height=860, **options)


def search_from_home(page: Page, text: str) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    box.fill(text)
    page.get_by_role("button", name="Find clinics").click()


@WIDTHS
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234", "“1234” has 4 digits, but a ZIP code has 5, like 61265."),
        ("612655", "“612655” has 6 digits, but a ZIP code has 5, like 61265."),
    ],
)
def test_a_mistyped_zip_is_told_what_a_zip_looks_like(
    visitor: Visitor, screenshots: Path, width: int, typed: str, message: str
):
    page = open_page(visitor, width)
    search_from_home(page, typed)
    shown = page.get_by_text(message)
    expect(shown).to_be_visible()
    expect(shown).to_be_in_viewport()
    expect(page.get_by_text("street addresses")).to_have_count(0)
    expect(page.get_by_role("combobox", name="ZIP code, city or address")).to_have_value(typed)
    page.screenshot(path=screenshots / f"journey-bad-zip-{typed}-{width}.png")


@WIDTHS
def test_a_far_zip_is_told_where_the_clinics_are_with_the_nearest_to_call(
    visitor: Visitor, screenshots: Path, width: int
):
    page = open_page(visitor, width)
    search_from_home(page, "90210")
    miles = f"{nearest_miles_from_zip('90210'):,.0f}"
    notice = page.get_by_text("Rock Valley's clinics are in Illinois, Iowa and Nebraska.")
    expect(notice).to_be_visible()
    expect(notice).to_be_in_viewport()
    expect(page.get_by_text(f"The nearest is {miles} miles from Beverly Hills, CA 90210")).to_be_visible()
    call = page.locator("main a[href^='tel:']").first
    expect(call).to_be_visible()
    assert re.match(r"tel:\+1\d{10}$", call.get_attribute("href") or "")
    first_card = page.locator("[data-result-list] > li").first
    expect(first_card).to_contain_text(f"{miles} mi")
    assert miles.replace(",", "") + " " not in page.locator("main").inner_text()  # never "1305 miles"
    page.screenshot(path=screenshots / f"journey-far-zip-{width}.png", full_page=True)
    assert axe_violations(page) == []


@WIDTHS
def test_use_my_location_says_clinics_near_you(visitor: Visitor, width: int):
    page = open_page(visitor, width, geolocation=MOLINE, permissions=["geolocation"])
    page.goto("/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near you")
    expect(page).to_have_title(re.compile(r"^\d+ clinics near you \| Rock Valley Physical Therapy$"))
    expect(page.get_by_text(re.compile("your location", re.IGNORECASE))).to_have_count(0)


def test_on_a_phone_show_map_puts_the_map_in_view(visitor: Visitor, screenshots: Path):
    page = open_page(visitor, 390, tiles=True)
    page.goto("/find/?q=61265")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Show map").tap()
    expect(page.locator(".leaflet-marker-icon.rv-pin").first).to_be_visible()
    expect(page.locator("#results-map")).to_be_in_viewport(ratio=0.95)
    expect(page.get_by_role("button", name="Hide map")).to_be_in_viewport()
    page.screenshot(path=screenshots / "journey-phone-map-shown.png")
    page.get_by_role("button", name="Hide map").tap()
    expect(page.locator("#map-panel")).to_be_hidden()
    expect(page.locator("[data-result-list] > li").first).to_be_in_viewport()


def test_on_a_desktop_the_map_is_beside_the_list_in_view(visitor: Visitor):
    page = open_page(visitor, 1280)
    page.goto("/find/?q=61265")
    expect(page.locator(".leaflet-marker-icon.rv-pin").first).to_be_visible()
    expect(page.locator("#results-map")).to_be_in_viewport(ratio=0.95)
    expect(page.locator("[data-result-list] > li").first).to_be_in_viewport()


def test_a_phone_gets_the_list_without_leaflet_and_loads_it_only_for_the_map(visitor: Visitor):
    page = open_page(visitor, 390)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("/find/?q=61265")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-result-list] > li").first).to_be_in_viewport()
    assert not [url for url in fetched if "/leaflet/" in url]
    page.get_by_role("button", name="Show map").tap()
    expect(page.locator(".leaflet-marker-icon.rv-pin").first).to_be_visible()
    assert [url for url in fetched if "/leaflet/leaflet." in url and url.endswith(".js")]


CEDAR_RAPIDS = {"latitude": 41.9779, "longitude": -91.6656}


@WIDTHS
def test_use_my_location_keeps_a_condition_typed_in_the_box(visitor: Visitor, width: int):
    page = open_page(visitor, width, geolocation=CEDAR_RAPIDS, permissions=["geolocation"])
    page.goto("/")
    page.get_by_role("combobox", name="ZIP code, city or address").fill("vertigo")
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics that treat vertigo and dizziness near you")
    expect(page.locator("[data-result-list] > li").first).to_have_attribute(
        "data-slug", "cedar-rapids-pci-vestibular-clinic"
    )


@WIDTHS
def test_a_condition_from_its_page_can_be_unticked_or_replaced(visitor: Visitor, width: int):
    page = open_page(visitor, width)
    page.goto("/conditions/pinched-nerve/")
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    box.fill("61265")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinics that treat a pinched nerve near")
    if width < 640:
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Change your search").click()
    page.get_by_role("checkbox", name="Only clinics that treat a pinched nerve").uncheck()
    page.get_by_role("button", name="Find clinics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near Moline, IL 61265")
    assert "condition=" not in page.url
