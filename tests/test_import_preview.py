"""The admin import's preview: every row's every problem at once, beside the row, and nothing written.

One file holds every kind of bad row (hours, fields, services, ZIP and phone, a repeated slug, a row wrong
in several ways at once) beside good ones: one upload shows them all, no confirm is offered, and the
directory is exactly as it was.
"""

from __future__ import annotations

import csv
import io
from html import unescape
from typing import Any

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from clinics.editing import services_set_retired
from clinics.importing import IMPORT_COLUMNS, ClinicResource, error_lines
from clinics.models import Clinic, OpeningHours, Service
from tests.pages.reading import text_of

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:clinics_clinic_import"
HEADERS = ["slug", "name", "street", "city", "state", "zip_code", "phone", "schedule_url", "services", "hours"]
GOOD = {
    "slug": "rock-island",
    "name": "Rock Island – Sample",
    "street": "100 Sample Street",
    "city": "Rock Island",
    "state": "IL",
    "zip_code": "61201",
    "phone": "(309) 555-0177",
    "schedule_url": "https://schedule.example.com/rock-valley/rock-island",
    "services": "physical-therapy",
    "hours": "Mon 08:00-12:00; Wed 08:00-17:00",
}


def row(**changes: str) -> dict[str, str]:
    return {**GOOD, **changes}


# Spreadsheet row number (the column names are row 1) -> the row, and every message it must get.
EVERY_KIND_OF_BAD_ROW: list[tuple[dict[str, str], list[str]]] = [
    (row(slug="good-one", name="Good one"), []),
    (row(slug="bad-hours", hours="Mon 9-5"), ["hours: Can't read hours “Mon 9-5”"]),
    (row(slug="late-hours", hours="Mon 17:00-08:00"), ["hours: In “Mon 17:00-08:00”, closing time must be after"]),
    (
        row(slug="overlap", hours="Mon 08:00-12:00; Mon 11:00-13:00"),
        ["hours: “Mon 11:00-13:00” overlaps other hours on the same day."],
    ),
    (row(slug="no-name", name=""), ["name: This field cannot be blank."]),
    (row(slug="bad-state", state="ZZ"), ["state: Value 'ZZ' is not a valid choice."]),
    (row(slug="unknown-service", services="physical-therapy;reiki"), ["services: Unknown service: reiki."]),
    (
        row(slug="retired-service", services="aquatic-therapy"),
        ["services: Retired service: Aquatic therapy. Restore it under Services first"],
    ),
    (row(slug="bad-zip", zip_code="6126"), ["zip_code: Enter a ZIP code of 5 digits"]),
    (row(slug="bad-phone", phone="12345"), ["phone: "]),
    (row(slug="bad-link", schedule_url="ftp://example.com/x"), ["schedule_url: Enter a web address starting with"]),
    (row(slug="good-one", name="Good one again"), ["slug: Rows 2 and 13 both have the slug “good-one”"]),
    (
        row(slug="all-wrong", name="", zip_code="ABCDE", services="reiki", hours="Tuesday at noon"),
        [
            "name: This field cannot be blank.",
            "zip_code: Enter a ZIP code of 5 digits",
            "services: Unknown service: reiki.",
            "hours: Can't read hours “Tuesday at noon”",
        ],
    ),
    (row(slug="good-two", name="Good two"), []),
]


def as_csv(rows: list[dict[str, str]], headers: list[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def snapshot() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    fields = [f.name for f in Clinic._meta.concrete_fields]
    return (
        sorted(Clinic.objects.values_list(*fields)),
        sorted(OpeningHours.objects.values_list("clinic__slug", "weekday", "opens", "closes")),
        sorted(Clinic.services.through.objects.values_list("clinic__slug", "service__slug")),
        sorted(Service.objects.values_list("slug", "name", "is_retired")),
    )


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    return client


def upload(client: Client, content: bytes) -> Any:
    return client.post(
        reverse(IMPORT_URL),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("clinics.csv", content, "text/csv")},
    )


def problems_by_row(page: str) -> dict[int, str]:
    """Each problem row's number and the text of its problems cell, as staff read the preview table."""
    found = {}
    body = page[page.index('<table class="import-preview import-problems">') :]
    body = body[: body.index("</table>")]
    for chunk in body.split('<th scope="row" class="import-problems__row">')[1:]:
        number, rest = chunk.split("</th>", 1)
        cell = rest[: rest.index("</td>")]
        found[int(number)] = text_of(cell)
    return found


def test_one_file_with_every_kind_of_bad_row_shows_every_error_in_one_preview_and_writes_nothing(
    demo_data, staff_client
):
    services_set_retired(services=Service.objects.filter(slug="aquatic-therapy"), retired=True)
    before = snapshot()
    response = upload(staff_client, as_csv([data for data, _ in EVERY_KIND_OF_BAD_ROW]))
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    expected_bad = {number: messages for number, (_, messages) in enumerate(EVERY_KIND_OF_BAD_ROW, 2) if messages}
    assert f"Nothing was imported: {len(expected_bad)} rows have problems" in text_of(page)
    shown = problems_by_row(page)
    assert set(shown) == set(expected_bad)  # every bad row, and only those
    for number, messages in expected_bad.items():
        for message in messages:
            assert message in shown[number], (number, message, shown[number])
    # The row's own cells sit beside its problems, the ones at fault marked.
    assert '<td class="import-problems__bad">Tuesday at noon</td>' in page
    assert '<td class="import-problems__bad">ABCDE</td>' in page
    assert "validation-error-count" not in page  # no count badge hiding the details
    assert snapshot() == before
    assert not Clinic.objects.filter(slug__in=["good-one", "good-two"]).exists()


def test_a_row_wrong_in_four_ways_gets_all_four_errors_in_one_pass_for_the_command_too(demo_data):
    """import_clinics runs the same checks and prints every line (clinics.importing.error_lines)."""
    bad = row(name="", zip_code="ABCDE", services="reiki", hours="x")
    result = ClinicResource().import_data(tablib.Dataset([bad[h] for h in HEADERS], headers=HEADERS), dry_run=True)
    lines = error_lines(result)
    assert len(lines) == 4
    assert all(line.startswith("Row 2: ") for line in lines)
    assert sorted(line.split(":")[1].strip() for line in lines) == ["hours", "name", "services", "zip_code"]


def test_the_preview_shows_the_hours_that_will_be_imported(demo_data, staff_client):
    response = upload(staff_client, as_csv([GOOD]))
    assert response.context["confirm_form"]
    preview = response.context["result"]
    (new,) = preview.valid_rows()
    hours = preview.diff_headers.index("hours")
    assert "Mon 08:00-12:00; Wed 08:00-17:00" in text_of(str(new.diff[hours]))
    assert '<div class="import-table-box"' in response.content.decode()


def test_an_unreadable_file_still_lists_the_columns_the_import_reads(db, staff_client):
    response = upload(staff_client, b"\x89PNG\r\n\x1a\n\x00\x00garbage")
    page = text_of(response.content.decode())
    assert "This is not a text file" in page
    assert "This importer will import the following fields: " + ", ".join(IMPORT_COLUMNS) in page


def test_the_import_page_lists_the_columns_the_import_reads(db, staff_client):
    page = text_of(staff_client.get(reverse(IMPORT_URL)).content.decode())
    assert "This importer will import the following fields: " + ", ".join(IMPORT_COLUMNS) in page
