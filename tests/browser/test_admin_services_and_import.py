"""Staff in Chromium at 1366 px: the import preview with every kind of bad row, and a service that is in use.

Screenshots go to test-artifacts/screenshots/ to be looked at.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import Page

from clinics.editing import services_set_retired
from clinics.models import Service
from tests.browser.conftest import Visitor, axe_violations
from tests.test_import_preview import EVERY_KIND_OF_BAD_ROW, as_csv

LAPTOP = {"width": 1366, "height": 768}
PASSWORD = "pw-staff-browser-1"


def signed_in(visitor: Visitor) -> Page:
    User.objects.create_superuser("ops", "ops@example.com", PASSWORD)
    page = visitor.page(**LAPTOP)
    page.goto("/admin/login/")
    page.fill("#id_username", "ops")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def page_scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"))


def test_the_import_preview_shows_every_problem_beside_its_row_within_the_page(
    visitor: Visitor, screenshots: Path, tmp_path: Path
):
    services_set_retired(services=Service.objects.filter(slug="aquatic-therapy"), retired=True)
    upload = tmp_path / "clinics.csv"
    upload.write_bytes(as_csv([data for data, _ in EVERY_KIND_OF_BAD_ROW]))
    page = signed_in(visitor)
    page.goto("/admin/clinics/clinic/import/")
    page.set_input_files("#id_import_file", str(upload))
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    heading = page.locator("#import-problems")
    heading.wait_for()
    bad_rows = [number for number, (_, messages) in enumerate(EVERY_KIND_OF_BAD_ROW, 2) if messages]
    assert heading.inner_text() == f"Nothing was imported: {len(bad_rows)} rows have problems"
    rows = page.locator("table.import-problems tbody tr")
    assert rows.count() == len(bad_rows)
    for index, number in enumerate(bad_rows):
        problems = rows.nth(index).locator(".import-problems__list")
        for message in EVERY_KIND_OF_BAD_ROW[number - 2][1]:
            assert message.split(": ", 1)[1][:30] in problems.inner_text(), (number, message)
        assert problems.is_visible()
    assert page.get_by_role("button", name="Confirm import").count() == 0
    assert not page_scrolls_sideways(page), "the page runs off the screen at 1366 px"
    box = page.locator(".import-table-box")
    assert box.evaluate("box => box.getBoundingClientRect().right") <= LAPTOP["width"]
    page.locator("#import-problems").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "admin-import-every-bad-row-1366.png", full_page=True)
    # Scrolled to the row's last cells (hours), its number and problems stay in view beside them.
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    last_row = rows.nth(len(bad_rows) - 1)
    problems_left = last_row.locator(".import-problems__list").evaluate("cell => cell.getBoundingClientRect().left")
    box_left = box.evaluate("box => box.getBoundingClientRect().left")
    assert problems_left - box_left < 60, "the problems scrolled out of view"
    hours_cell = last_row.get_by_role("cell", name="Tuesday at noon", exact=True)
    problems_right = last_row.locator(".import-problems__list").evaluate("cell => cell.getBoundingClientRect().right")
    hours_left = hours_cell.evaluate("cell => cell.getBoundingClientRect().left")
    box_right = box.evaluate("box => box.getBoundingClientRect().right")
    assert problems_right <= hours_left < box_right, "the hours cell is hidden"
    page.screenshot(path=screenshots / "admin-import-every-bad-row-scrolled-1366.png", full_page=True)
    errors_before_axe = len(visitor.errors)
    assert axe_violations(page) == []
    # axe-core sets inline styles while it inspects the admin's page, which the policy refuses: axe's doing, not ours.
    del visitor.errors[errors_before_axe:]


def test_the_import_preview_of_a_good_file_shows_its_hours_within_the_page(
    visitor: Visitor, screenshots: Path, tmp_path: Path
):
    upload = tmp_path / "clinics.csv"
    upload.write_bytes(as_csv([data for data, messages in EVERY_KIND_OF_BAD_ROW if not messages]))
    page = signed_in(visitor)
    page.goto("/admin/clinics/clinic/import/")
    page.set_input_files("#id_import_file", str(upload))
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    page.get_by_role("button", name="Confirm import").wait_for()
    preview = page.locator("table.import-preview--clinics")
    assert "Mon 08:00-12:00; Wed 08:00-17:00" in preview.inner_text()
    assert not page_scrolls_sideways(page)
    page.screenshot(path=screenshots / "admin-import-preview-1366.png", full_page=True)


def test_deleting_a_service_in_use_names_its_clinics_and_retires_it_instead(visitor: Visitor, screenshots: Path):
    service = Service.objects.get(slug="aquatic-therapy")
    page = signed_in(visitor)
    page.goto(f"/admin/clinics/service/{service.pk}/delete/")
    text = page.locator("#content").inner_text()
    assert "“Aquatic therapy” can't be deleted" in text
    assert "Davenport – Northwest, Moline – Valley View" in text
    page.screenshot(path=screenshots / "admin-service-in-use-delete-1366.png", full_page=True)
    page.get_by_role("button", name="Retire this service").click()
    page.wait_for_url("**/admin/clinics/service/")
    assert "Retired 1 service(s)" in page.locator(".messagelist").inner_text()
    assert Service.objects.get(pk=service.pk).is_retired


def test_an_old_link_to_a_retired_service_still_finds_clinics_with_a_note(visitor: Visitor, screenshots: Path):
    services_set_retired(services=Service.objects.filter(slug="aquatic-therapy"), retired=True)
    page = visitor.page(**LAPTOP)
    page.goto("/find/?q=61265&service=aquatic-therapy")
    note = page.locator("[data-search-note]")
    assert note.inner_text() == "Aquatic therapy is no longer offered; showing all clinics."
    assert note.is_visible()
    assert page.locator("li.result").count() >= 5
    page.screenshot(path=screenshots / "results-retired-service-note-1366.png")
