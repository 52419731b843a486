"""Staff in Chromium at 1366 px: a service's and a condition's English and Spanish texts side by side.

Screenshots go to test-artifacts/screenshots/ to be looked at.
"""

from __future__ import annotations

from pathlib import Path

from clinics.models import Condition, Service
from tests.browser.conftest import Visitor, axe_violations
from tests.browser.test_admin_services_and_import import page_scrolls_sideways, signed_in


def form_violations(visitor: Visitor, page) -> list[dict]:
    """axe-core's findings on the page, but for Django's own breadcrumbs (links told from their text by colour
    alone, on every admin page: the stock admin's, not these forms')."""
    errors_before_axe = len(visitor.errors)
    found = [
        violation
        for violation in axe_violations(page)
        if not (
            violation["id"] == "link-in-text-block"
            and all("breadcrumbs" in str(node) or "href$=" in str(node) for node in violation["nodes"])
        )
    ]
    del visitor.errors[errors_before_axe:]  # axe sets inline styles as it inspects, which the policy refuses
    return found


def test_staff_see_a_services_english_and_spanish_side_by_side(visitor: Visitor, screenshots: Path):
    service = Service.objects.get(slug="vestibular-rehabilitation")
    page = signed_in(visitor)
    page.goto(f"/admin/clinics/service/{service.pk}/change/")
    english, spanish = page.get_by_label("Name (English)"), page.get_by_label("Name (Español)")
    assert english.input_value() == "Vestibular rehabilitation"
    assert spanish.input_value() == "Rehabilitación vestibular"
    assert spanish.get_attribute("lang") == "es"
    # Side by side: the Spanish box starts to the right of the English one, on the same line.
    left, right = english.bounding_box(), spanish.bounding_box()
    assert left and right and right["x"] > left["x"] + left["width"] and abs(right["y"] - left["y"]) < 40
    assert not page_scrolls_sideways(page), "the form runs off the screen at 1366 px"
    page.screenshot(path=screenshots / "admin-service-english-spanish-1366.png", full_page=True)
    assert form_violations(visitor, page) == []


def test_staff_see_a_conditions_texts_in_both_languages_and_which_lack_spanish(visitor: Visitor, screenshots: Path):
    condition = Condition.objects.get(slug="sciatica")
    page = signed_in(visitor)
    page.goto(f"/admin/clinics/condition/{condition.pk}/change/")
    assert page.get_by_label("Synonyms (Español)").input_value().splitlines()[0] == "dolor ciático"
    assert page.get_by_label("Phrase (Español)").input_value() == "la ciática"
    assert not page_scrolls_sideways(page), "the form runs off the screen at 1366 px"
    page.screenshot(path=screenshots / "admin-condition-english-spanish-1366.png", full_page=True)
    assert form_violations(visitor, page) == []
    # A condition staff have not translated yet is listed as such.
    Condition.objects.filter(slug="neck-pain").update(description_es="", synonyms_es="")
    page.goto("/admin/clinics/condition/?spanish=missing")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Missing: description, synonyms" in rows.first.inner_text()
    page.screenshot(path=screenshots / "admin-conditions-missing-spanish-1366.png", full_page=True)
