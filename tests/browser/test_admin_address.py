"""The clinic admin in Chromium: the ZIP fills in city and state as staff type, a far pin asks for confirmation,
and the clinic list is readable at 1366 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from clinics.models import Clinic
from tests.browser.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OMAHA = ("41.256500", "-95.934500")


def signed_in(visitor: Visitor, **options) -> Page:
    User.objects.create_superuser("ops", "ops@example.com", "pw-ops-staff-1234")
    page = visitor.page(tiles=True, **options)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "ops")
    page.fill("#id_password", "pw-ops-staff-1234")
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Clinics, services and hours")).to_be_visible()
    return page


def test_typing_a_zip_fills_city_and_state_and_says_what_it_is(visitor: Visitor, screenshots: Path):
    page = signed_in(visitor)
    page.goto("/admin/clinics/clinic/add/")
    zip_status = page.locator(".zip-status")

    page.fill("#id_zip_code", "61265")
    expect(page.locator("#id_city")).to_have_value("Moline")
    expect(page.locator("#id_state")).to_have_value("IL")
    expect(zip_status).to_have_text("ZIP code 61265: Moline, Illinois.")

    # A ZIP typed again replaces what the ZIP filled in before.
    page.fill("#id_zip_code", "68102")
    expect(page.locator("#id_city")).to_have_value("Omaha")
    expect(page.locator("#id_state")).to_have_value("NE")

    # A city staff typed themselves is kept, and the line says it is not the ZIP's.
    page.fill("#id_city", "Council Bluffs")
    expect(zip_status).to_contain_text("It is not “Council Bluffs”: check the ZIP code, the city and the state.")
    expect(zip_status).to_have_class("zip-status address-warning")
    page.locator("#id_zip_code").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "admin-zip-mismatch.png")

    page.fill("#id_zip_code", "00000")
    expect(zip_status).to_contain_text("ZIP code 00000 is not in our ZIP code data")
    expect(page.locator("#id_city")).to_have_value("Council Bluffs")


def test_a_pin_far_from_the_zip_is_saved_only_once_staff_confirm_it(visitor: Visitor, screenshots: Path):
    page = signed_in(visitor)
    page.goto("/admin/clinics/clinic/add/")
    page.fill("#id_name", "Moline – Far Pin")
    page.fill("#id_zip_code", "61265")
    expect(page.locator("#id_city")).to_have_value("Moline")
    # A pin dropped on the map near Moline: the line says how far, without alarm.
    page.locator("#location-picker").click()
    expect(page.locator(".pin-distance")).to_contain_text("miles from the centre of ZIP code 61265 (Moline, IL).")
    expect(page.locator(".pin-distance")).to_have_class("pin-distance")
    page.fill("#id_latitude", OMAHA[0])
    page.fill("#id_longitude", OMAHA[1])
    page.locator("#id_longitude").dispatch_event("change")
    expect(page.locator(".pin-distance")).to_contain_text(
        "The pin is 282 miles from the centre of ZIP code 61265 (Moline, IL). More than 25 miles: is the pin right?"
    )
    expect(page.locator(".pin-distance")).to_have_class("pin-distance address-warning")
    page.get_by_role("button", name="Save", exact=True).click()

    error = page.locator(".errorlist").filter(has_text="miles from the centre of ZIP code 61265")
    expect(error).to_contain_text("The pin is 282 miles from the centre of ZIP code 61265 (Moline, IL).")
    assert not Clinic.objects.filter(name="Moline – Far Pin").exists()
    error.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "admin-pin-confirmation.png")

    page.get_by_label("Yes, the pin is right").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    clinic = Clinic.objects.get(name="Moline – Far Pin")
    assert (str(clinic.latitude), str(clinic.longitude)) == OMAHA


def test_the_clinic_list_fits_1366_pixels_with_phone_numbers_on_one_line(visitor: Visitor, screenshots: Path):
    page = signed_in(visitor, width=1366, height=768)
    page.goto("/admin/clinics/clinic/")
    expect(page.locator("#result_list")).to_be_visible()
    page.screenshot(path=screenshots / "admin-clinic-list-1366.png")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    hidden = page.evaluate(
        "(() => { const r = document.querySelector('.results'); return r.scrollWidth - r.clientWidth; })()"
    )
    assert hidden <= 0, f"the list's last {hidden} px are cut off"
    phone_lines = page.locator("#result_list td.field-phone").evaluate_all(
        "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);"
        " return r.getClientRects().length; })"
    )
    assert all(count == 1 for count in phone_lines), phone_lines
