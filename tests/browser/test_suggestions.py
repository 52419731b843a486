"""Suggestions under the search box, as a visitor uses them with a keyboard, a mouse and a screen reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Visitor, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def options(page: Page) -> list[str]:
    return page.locator("#id_q-suggestions [role=option] .suggestions__label").all_inner_texts()


def type_into_search(page: Page, text: str) -> None:
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    box.click()
    box.press_sequentially(text, delay=40)
    expect(page.locator("#id_q-suggestions")).to_be_visible()


def test_typing_a_town_suggests_home_state_places_and_arrows_enter_take_one(visitor: Visitor, screenshots: Path):
    page = visitor.page()
    page.goto("/")
    type_into_search(page, "mol")
    assert options(page)[0] == "Moline, IL"
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="suggestions")).to_contain_text("8 suggestions")
    page.screenshot(path=screenshots / "suggestions-open-desktop.png")
    box.press("ArrowDown")
    first = page.locator("#id_q-suggestions [role=option]").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    box.press("Enter")
    expect(box).to_have_value("Moline, IL")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")  # the second Enter searches
    expect(page).to_have_url("/find/?q=Moline%2C+IL&service=&radius=25")
    expect(page.locator("[data-result-list] > li").first).to_be_visible()


def test_escape_closes_the_list_then_clears_the_box(visitor: Visitor):
    page = visitor.page()
    page.goto("/")
    type_into_search(page, "6126")
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    box.press("Escape")
    expect(page.locator("#id_q-suggestions")).to_be_hidden()
    expect(box).to_have_value("6126")
    box.press("Escape")
    expect(box).to_have_value("")


def test_choosing_a_condition_asks_for_the_place_next(visitor: Visitor):
    page = visitor.page()
    page.goto("/")
    type_into_search(page, "pinch")
    assert options(page)[0] == "Pinched nerve"
    page.locator("#id_q-suggestions [role=option]").first.click()
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    expect(box).to_have_value("Pinched nerve near ")
    expect(box).to_be_focused()


def test_suggestions_on_a_phone_fit_the_screen_and_take_a_tap(visitor: Visitor, screenshots: Path):
    page = visitor.page(width=390, height=844, is_mobile=True, has_touch=True)
    page.goto("/")
    type_into_search(page, "612")
    listbox = page.locator("#id_q-suggestions").bounding_box()
    assert listbox is not None and listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= 390
    page.screenshot(path=screenshots / "suggestions-open-phone.png")
    page.locator("#id_q-suggestions [role=option]").nth(1).tap()
    expect(page.get_by_role("combobox", name="ZIP code, city or address")).to_have_value("61204")


def test_axe_finds_no_violations_with_the_suggestions_open(visitor: Visitor):
    page = visitor.page()
    page.goto("/")
    type_into_search(page, "cedar r")
    page.get_by_role("combobox", name="ZIP code, city or address").press("ArrowDown")
    assert axe_violations(page) == []


def test_without_javascript_the_box_is_a_plain_text_box(visitor: Visitor):
    page = visitor.page(java_script_enabled=False)
    page.goto("/")
    box = page.locator("#id_q")
    assert box.get_attribute("role") is None
    box.fill("61265")
    box.press("Enter")
    expect(page.locator("[data-result-list] > li").first).to_be_visible()
