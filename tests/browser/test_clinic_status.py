"""Clinic status in Chromium: a temporarily closed clinic on the results and clinic pages, and the admin's
publishing checklist. Screenshots go to test-artifacts/screenshots/ to look at."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from clinics import editing
from clinics.models import Clinic
from tests.browser.conftest import Visitor, axe_violations
from tests.browser.test_visitor_pages import DESKTOP, PHONE, assert_reads_well

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "moline-valley-view"
MONDAY_MORNING = "2026-11-30 15:30:00+00:00"  # 9:30 in the Quad Cities: the other clinics are open


@pytest.fixture
def renovating(site: str) -> Clinic:
    report = editing.clinics_set_status(
        clinics=Clinic.objects.filter(slug=SLUG),
        status="temporarily_closed",
        closure_reason="Closed for renovation of the pool",
        reopens_on=date(2027, 1, 4),
    )
    assert not report.refused
    return report.changed[0]


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_temporarily_closed_clinic_on_the_results_page(visitor: Visitor, screenshots: Path, renovating, screen):
    with time_machine.travel(MONDAY_MORNING, tick=True):
        page = visitor.page(tiles=True, **(DESKTOP if screen == "desktop" else PHONE))
        page.goto("/find/?q=61265")
        item = page.locator(f'[data-result-list] > li[data-slug="{SLUG}"]')
        expect(item).to_contain_text("Temporarily closed · Reopens Mon, Jan 4")
        expect(item).to_contain_text("Closed for renovation of the pool")
        expect(item).not_to_contain_text("Open now")
        expect(item.get_by_role("link", name=re.compile("^Schedule"))).to_have_count(0)
        expect(page.locator("[data-result-list] > li").filter(has_text="Open now").first).to_be_visible()
        item.scroll_into_view_if_needed()
        assert_reads_well(page)
        page.screenshot(path=screenshots / f"status-closed-results-{screen}.png", full_page=False)
        assert axe_violations(page) == []
        if screen == "desktop":
            rank = item.get_attribute("data-rank")
            page.locator(f'.rv-pin[data-rank="{rank}"]').focus()
            page.keyboard.press("Enter")
            popup = page.locator(".leaflet-popup-content")
            expect(popup).to_contain_text("Temporarily closed · reopens Jan 4")
            expect(popup.get_by_role("link", name=re.compile("^Schedule"))).to_have_count(0)
            page.screenshot(path=screenshots / "status-closed-popup-desktop.png")


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_temporarily_closed_clinic_page(visitor: Visitor, screenshots: Path, renovating, screen):
    with time_machine.travel(MONDAY_MORNING, tick=True):
        page = visitor.page(tiles=True, **(DESKTOP if screen == "desktop" else PHONE))
        page.goto(f"/clinics/{SLUG}/")
        expect(page.locator(".status--paused")).to_contain_text("Temporarily closed · Reopens Monday, January 4")
        expect(page.locator(".callout--closed")).to_contain_text(
            "This clinic is temporarily closed: Closed for renovation of the pool. It expects to reopen on Monday, "
            "January 4, 2027."
        )
        expect(page.get_by_role("link", name="Schedule a visit")).to_have_count(0)
        expect(page.get_by_text("Open now")).to_have_count(0)
        assert_reads_well(page)
        page.screenshot(path=screenshots / f"status-closed-clinic-{screen}.png", full_page=True)
        assert axe_violations(page) == []


def sign_in(page: Page) -> None:
    User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("ops")
    page.get_by_label("Password").fill("pw-ops-1234")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Clinics, services and hours")).to_be_visible()


def test_admin_publish_checklist_refuses_an_incomplete_clinic(visitor: Visitor, screenshots: Path):
    page = visitor.page(width=1366, height=900)
    sign_in(page)
    page.goto("/admin/clinics/clinic/add/")
    page.get_by_label("Name:").fill("Rock Island – Downtown")
    page.get_by_label("City:").fill("Rock Island")
    page.get_by_label("State:").select_option("IL")
    page.get_by_label("ZIP code:").fill("61201")
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()

    refusal = (
        "This clinic can't be shown to visitors yet: add a phone number, add its opening hours, add a schedule link "
        "and choose at least one service. Until then, keep it as a draft."
    )
    expect(page.locator(".field-status .errorlist")).to_have_text(refusal)
    checklist = page.locator(".publish-checklist")
    expect(checklist).to_contain_text("A phone number: add a phone number")
    assert not Clinic.objects.filter(name="Rock Island – Downtown").exists()
    page.locator(".field-status").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "status-admin-refused.png")

    # Kept as a draft instead: saved, with its preview link, and the checklist says what is left.
    page.get_by_label("Status:").select_option("draft")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".publish-checklist__item--met")).to_contain_text(["A location on the map"])
    expect(page.locator(".publish-checklist__item--missing")).to_have_count(4)
    expect(page.get_by_role("link", name="Preview its page")).to_be_visible()
    page.locator(".field-publish_checklist").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "status-admin-checklist.png")

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview its page").click()
    preview = opened.value
    expect(preview.locator(".preview-banner")).to_contain_text("Preview — not public.")
    preview.screenshot(path=screenshots / "status-preview-draft.png")


def test_upcoming_special_hours_on_the_clinic_page(visitor: Visitor, screenshots: Path, site: str):
    from datetime import time

    clinics = Clinic.objects.filter(slug__in=[SLUG, "silvis"])
    editing.special_hours_set(clinics=clinics, day=date(2026, 11, 26), label="Thanksgiving")
    editing.special_hours_set(
        clinics=clinics, day=date(2026, 12, 24), label="Christmas Eve", opens=time(7), closes=time(12)
    )
    with time_machine.travel("2026-11-23 15:30:00+00:00", tick=True):  # the Monday before Thanksgiving
        page = visitor.page(tiles=True, **PHONE)
        page.goto(f"/clinics/{SLUG}/")
        specials = page.locator(".special-hours li")
        expect(specials).to_have_text(["Thu Nov 26 — Thanksgiving — closed", "Thu Dec 24 — Christmas Eve — 7 AM–12 PM"])
        specials.first.scroll_into_view_if_needed()
        assert_reads_well(page)
        page.screenshot(path=screenshots / "status-special-hours-phone.png")
        assert axe_violations(page) == []


def test_admin_adds_a_holiday_to_many_clinics_at_once(visitor: Visitor, screenshots: Path):
    page = visitor.page(width=1366, height=900)
    sign_in(page)
    page.goto("/admin/clinics/clinic/?state__exact=IL")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("special_hours_selected")
    page.get_by_role("button", name="Go").first.click()
    expect(page.get_by_text("For these 3 clinics:")).to_be_visible()
    page.get_by_label("Date:").fill("2026-11-26")
    page.get_by_label("Label:").fill("Thanksgiving")
    page.screenshot(path=screenshots / "status-admin-special-hours-form.png")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".messagelist")).to_contain_text("Thanksgiving (Thu Nov 26, 2026): closed at 3 clinic(s).")
    il = Clinic.objects.filter(state="IL")
    assert sorted(il.values_list("special_hours__label", flat=True)) == ["Thanksgiving"] * 3
