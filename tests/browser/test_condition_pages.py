"""A condition's page, as a patient arriving from an article sees it, and searching from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Visitor, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(1280, 860), (390, 844)])
def test_condition_page_reads_well_and_its_search_finds_clinics_that_treat_it(
    visitor: Visitor, screenshots: Path, width: int, height: int
):
    page = visitor.page(width=width, height=height)
    page.goto("/conditions/vertigo-and-dizziness/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vertigo and dizziness")
    page.screenshot(path=screenshots / f"condition-page-{width}.png", full_page=True)
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    box.fill("61265")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinics that treat vertigo and dizziness near")
    expect(page.locator("[data-result-list] > li")).to_have_count(1)
    page.screenshot(path=screenshots / f"condition-results-{width}.png")


def test_typing_a_condition_and_a_town_searches_for_both(visitor: Visitor):
    page = visitor.page()
    page.goto("/")
    box = page.get_by_role("combobox", name="ZIP code, city or address")
    box.fill("Parkinson's near Cedar Rapids, IA")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinics that treat Parkinson’s disease near")
    assert axe_violations(page) == []


@pytest.mark.parametrize(("width", "height"), [(1280, 860), (390, 844)])
def test_the_conditions_index_lists_each_condition_and_passes_axe(
    visitor: Visitor, screenshots: Path, width: int, height: int
):
    page = visitor.page(width=width, height=height)
    page.goto("/conditions/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Pinched nerve", exact=True).click()
    expect(page).to_have_url(re.compile(r"/conditions/pinched-nerve/$"))
    page.go_back()
    page.screenshot(path=screenshots / f"condition-index-{width}.png", full_page=True)
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
