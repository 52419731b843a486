"""The Content-Security-Policy refuses nothing our own pages need: the API docs and the admin's map, in Chromium.

The visitor fixture fails a test on any Content-Security-Policy violation Chromium reports.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User

from tests.browser.conftest import Visitor, wait_until


def test_the_api_docs_render_under_their_policy(visitor: Visitor, screenshots: Path):
    page = visitor.page()
    response = page.goto("/api/docs/")
    assert "style-src 'self' 'unsafe-inline'" in response.headers["content-security-policy"]
    assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
    page.get_by_text("/api/v1/clinics/nearest/").first.wait_for()
    page.screenshot(path=screenshots / "api-docs.png")


def test_the_admin_location_picker_works_under_the_policy(visitor: Visitor, screenshots: Path):
    User.objects.create_superuser("csp-staff", "csp@example.com", "pw-csp-staff-1234")
    page = visitor.page(tiles=True)
    page.goto("/admin/login/?next=/admin/clinics/clinic/")
    page.fill("#id_username", "csp-staff")
    page.fill("#id_password", "pw-csp-staff-1234")
    page.click("input[type=submit]")
    page.get_by_role("link", name="Moline").first.click()
    page.locator("#location-picker .leaflet-marker-icon").wait_for()
    wait_until(page, "document.querySelectorAll('#location-picker .leaflet-tile-loaded').length > 0")
    page.screenshot(path=screenshots / "admin-clinic-change.png", full_page=True)
