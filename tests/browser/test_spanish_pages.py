"""The Spanish pages in Chromium: home → search → results at desktop and phone sizes, the scripts' Spanish, the
switch keeping the search, axe-core, and screenshots (test-artifacts/screenshots/es-*.png) to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Visitor, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_spanish_home_search_and_results(visitor: Visitor, screenshots: Path, size: str):
    page = visitor.page(**PHONE) if size == "phone" else visitor.page()
    page.goto("/es/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Encuentre un fisioterapeuta de Rock Valley cerca de usted"
    )
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []
    page.screenshot(path=screenshots / f"es-home-{size}.png", full_page=True)

    page.get_by_label("Código postal, ciudad o dirección").fill("61265")
    page.get_by_role("button", name="Buscar clínicas").click()
    expect(page).to_have_url(re.compile(r"/es/find/\?q=61265&"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clínicas cerca de Moline, IL 61265")
    expect(page.locator("#results-summary")).to_contain_text("clínicas a menos de 25 millas")
    first = page.locator("[data-result-list] > li").first
    expect(first.get_by_role("link", name=re.compile("^Agendar"))).to_be_visible()
    expect(first).to_contain_text(re.compile(r"Hoy: \d{1,2}(:\d\d)? a\.\s?m\.|Abre (mañana |el [^ ]+ )?a las \d"))
    if size == "phone":
        # The script's words are Spanish too: the map button, from the catalogue.
        toggle = page.locator("[data-map-toggle]")
        expect(toggle).to_have_text("Ver mapa")
        toggle.click()
        expect(toggle).to_have_text("Ocultar mapa")
        toggle.click()
    page.screenshot(path=screenshots / f"es-results-{size}.png", full_page=size == "desktop")
    assert axe_violations(page) == []

    # The switch opens the same search in English.
    page.locator("[data-language-switch]").click()
    expect(page).to_have_url(re.compile(r"/find/\?q=61265&"))
    assert "/es/" not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinics near Moline, IL 61265")


def test_spanish_suggestions_and_location_messages(visitor: Visitor, screenshots: Path):
    page = visitor.page()
    page.goto("/es/")
    box = page.get_by_label("Código postal, ciudad o dirección")
    box.fill("6126")
    expect(page.locator(".suggestions")).to_be_visible()
    expect(page.locator(".suggestions__kind").first).to_have_text("Código postal")
    expect(page.locator(".field--suggest [role=status]")).to_contain_text("Use las flechas hacia arriba y hacia abajo")
    page.screenshot(path=screenshots / "es-suggestions.png")
    box.press("Escape")


def test_spanish_clinic_page_and_404_pass_axe(visitor: Visitor, screenshots: Path):
    page = visitor.page()
    page.goto("/es/clinics/")
    page.locator(".clinic-card__name a").first.click()
    expect(page).to_have_url(re.compile(r"/es/clinics/[-a-z0-9]+/$"))
    expect(page.get_by_role("heading", name="Horario")).to_be_visible()
    page.screenshot(path=screenshots / "es-clinic.png", full_page=True)
    assert axe_violations(page) == []
    page.goto("/es/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No encontramos esa página")
    assert axe_violations(page) == []
    page.goto("/es/conditions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Afecciones que tratamos")
    assert axe_violations(page) == []
