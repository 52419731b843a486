"""A clinic's History page in Chromium: staff change a clinic in the admin, read what changed, and restore it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from clinics import editing, history
from clinics.models import Clinic, Service
from tests.browser.conftest import Visitor, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_read_a_clinics_history_and_restore_a_version(visitor: Visitor, screenshots: Path):
    User.objects.create_superuser("dana", "dana@example.com", "pw-dana-staff-1234", first_name="Dana", last_name="Ops")
    burlington = Clinic.objects.get(slug="burlington")
    if not history.versions_of(burlington.pk).exists():  # an earlier transactional test emptied the versions
        with history.attributed(reason="command: load_demo_data"):
            history.record([burlington.pk], created=True)
    with history.attributed(reason="command: import_clinics"):
        editing.set_services(
            clinic=burlington, services=[*burlington.services.all(), Service.objects.get(slug="aquatic-therapy")]
        )
    page = visitor.page(tiles=True, width=1366, height=900)
    page.goto(f"/admin/login/?next=/admin/clinics/clinic/{burlington.pk}/change/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", "pw-dana-staff-1234")
    page.click("input[type=submit]")

    page.fill("#id_phone", "319-555-0199")
    page.fill("#id_hours-0-closes", "12:00")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.get_by_role("link", name="History").click()
    rows = page.locator("tr.clinic-history__version")
    expect(rows).to_have_count(3)
    newest = rows.nth(0)
    expect(newest).to_contain_text("Dana Ops")
    expect(newest).to_contain_text(f"phone: {burlington.phone} → 319-555-0199")
    expect(newest).to_contain_text("hours: Mon 07:00–19:00 → 07:00–12:00")
    expect(newest.locator("li")).to_have_count(2)  # the staff notes went back as CRLF lines: no visible change
    expect(newest).to_contain_text("Current version")
    expect(rows.nth(1)).to_contain_text("command: import_clinics")
    expect(rows.nth(1)).to_contain_text("services: + Aquatic therapy")
    assert axe_violations(page) == []
    page.screenshot(path=screenshots / "admin-clinic-history.png", full_page=True)

    rows.nth(2).get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("Burlington is back as it was on")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Dana Ops (restored the version of")
    expect(rows.nth(0)).to_contain_text(f"phone: 319-555-0199 → {burlington.phone}")
    expect(rows.nth(0)).to_contain_text("services: − Aquatic therapy")
    page.screenshot(path=screenshots / "admin-clinic-history-restored.png", full_page=True)

    burlington.refresh_from_db()
    assert burlington.phone != "319-555-0199"
    assert not burlington.services.filter(slug="aquatic-therapy").exists()
