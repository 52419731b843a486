"""Spreadsheet import and export of clinics: round trips, new clinics located, bad rows change nothing."""

from datetime import time

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinics.hours import hours_from_text, hours_to_text
from clinics.importing import ClinicResource
from clinics.models import Clinic, OpeningHours

pytestmark = pytest.mark.django_db

HEADERS = ["slug", "name", "street", "city", "state", "zip_code", "phone", "schedule_url", "services", "hours"]
NEW_ROW = [
    "rock-island",
    "Rock Island – Sample",
    "100 Sample Street",
    "Rock Island",
    "IL",
    "61201",
    "(309) 555-0177",
    "https://schedule.example.com/rock-valley/rock-island",
    "physical-therapy;dry-needling",
    "Mon 08:00-12:00; Mon 13:00-17:00; Wed 08:00-17:00",
]


def dataset(*rows, headers=HEADERS):
    return tablib.Dataset(*rows, headers=headers)


def snapshot():
    return (
        sorted(Clinic.objects.values_list("slug", "name", "phone", "zip_code", "latitude", "updated_at")),
        sorted(OpeningHours.objects.values_list("clinic__slug", "weekday", "opens", "closes")),
    )


def test_export_then_import_changes_nothing(demo_data):
    before = snapshot()
    exported = ClinicResource().export()
    assert len(exported) == 13
    burlington = next(row for row in exported.dict if row["slug"] == "burlington")
    assert burlington["services"] == "physical-therapy"
    assert burlington["hours"].startswith("Mon 07:00-19:00; Tue 07:00-19:00")
    result = ClinicResource().import_data(exported, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 13
    assert snapshot() == before


def test_importing_a_new_clinic_validates_locates_and_sets_hours_and_services(demo_data):
    result = ClinicResource().import_data(dataset(NEW_ROW), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    clinic = Clinic.objects.get(slug="rock-island")
    assert clinic.phone == "309-555-0177"
    assert clinic.location_source == "zip"
    assert clinic.timezone == "America/Chicago"
    assert sorted(clinic.services.values_list("slug", flat=True)) == ["dry-needling", "physical-therapy"]
    assert list(clinic.hours.values_list("weekday", "opens", "closes")) == [
        (0, time(8), time(12)),
        (0, time(13), time(17)),
        (2, time(8), time(17)),
    ]


def test_importing_changed_hours_replaces_them(demo_data):
    row = [
        "burlington",
        "Burlington",
        "3180 Agency Street",
        "Burlington",
        "IA",
        "52601",
        "319-555-0104",
        "https://schedule.example.com/rock-valley/burlington",
        "physical-therapy",
        "Sat 09:00-12:00",
    ]
    result = ClinicResource().import_data(dataset(row), dry_run=False)
    assert result.totals["update"] == 1
    burlington = Clinic.objects.get(slug="burlington")
    assert list(burlington.hours.values_list("weekday", "opens", "closes")) == [(5, time(9), time(12))]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("zip_code", "6120", "Enter a ZIP code of 5 digits"),
        ("phone", "555", "Enter a 10-digit US phone number"),
        ("state", "ZZ", "is not a valid choice"),
        ("services", "physical-therapy;reiki", "Unknown service: reiki."),
        ("hours", "Mon 9-5", "Can't read hours “Mon 9-5”"),
        ("hours", "Mon 17:00-08:00", "closing time must be after opening time"),
        ("hours", "Mon 08:00-12:00; Mon 11:00-13:00", "overlaps other hours on the same day"),
    ],
)
def test_a_bad_row_gets_a_clear_message_and_the_file_changes_nothing(demo_data, column, value, message):
    before = snapshot()
    bad = list(NEW_ROW)
    bad[HEADERS.index(column)] = value
    good = ["another", "Another", "", "Moline", "IL", "61265", "", "", "physical-therapy", ""]
    result = ClinicResource().import_data(dataset(good, bad), dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    messages = " ".join(
        str(err) for row in result.invalid_rows for errs in row.error_dict.values() for err in errs
    ) + " ".join(str(e.error) for _, errors in result.row_errors() for e in errors)
    assert message in messages
    assert snapshot() == before
    assert not Clinic.objects.filter(slug="another").exists()


def test_hours_text_round_trips():
    text = "Mon 07:30-12:00; Mon 13:00-17:30; Fri 08:00-12:00"
    intervals = [OpeningHours(weekday=d, opens=o, closes=c) for d, o, c in hours_from_text(text)]
    assert hours_to_text(intervals) == text
    assert hours_from_text("monday 8:00-12:00") == [(0, time(8), time(12))]


def test_staff_imports_a_csv_through_the_admin(demo_data, client):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    csv = dataset(NEW_ROW).export("csv").encode()
    page = client.get(reverse("admin:clinics_clinic_import"))
    assert page.status_code == 200
    preview = client.post(
        reverse("admin:clinics_clinic_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("clinics.csv", csv, "text/csv")},
    )
    assert preview.status_code == 200
    assert "Rock Island – Sample" in preview.content.decode()
    assert not Clinic.objects.filter(slug="rock-island").exists()  # only a preview so far
    form = preview.context["confirm_form"]
    done = client.post(reverse("admin:clinics_clinic_process_import"), form.initial, follow=True)
    assert done.status_code == 200
    assert Clinic.objects.filter(slug="rock-island", location_source="zip").exists()


def test_staff_exports_csv_through_the_admin(demo_data, client):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    response = client.post(
        reverse("admin:clinics_clinic_export"),
        {"format": "0", "resource": "0", "clinicresource_slug": "on", "clinicresource_name": "on"},
    )
    assert response.status_code == 200
    assert "burlington" in response.content.decode()


def test_admin_preview_of_a_bad_file_shows_the_errors_and_offers_no_confirm(demo_data, client):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    bad = list(NEW_ROW)
    bad[HEADERS.index("zip_code")] = "ABCDE"
    csv = dataset(bad).export("csv").encode()
    preview = client.post(
        reverse("admin:clinics_clinic_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("clinics.csv", csv, "text/csv")},
    )
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Enter a ZIP code of 5 digits" in page
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert not Clinic.objects.filter(slug="rock-island").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage", "This is not a text file"),
        (b"name;city\nNo slug column;Moline\n", "The file has no “slug” column."),
        (b"", "The submitted file is empty."),
    ],
)
def test_admin_import_of_a_file_that_is_not_a_clinic_list_gets_a_message_not_a_500(demo_data, client, content, words):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    before = snapshot()
    response = client.post(
        reverse("admin:clinics_clinic_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("clinics.csv", content, "text/csv")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert words in page
    assert "Traceback" not in page
    assert snapshot() == before


def test_imported_coordinates_are_kept_with_their_source(demo_data):
    headers = [*HEADERS, "latitude", "longitude", "location_source"]
    row = [*NEW_ROW, "41.509100", "-90.578300", "address"]
    result = ClinicResource().import_data(dataset(row, headers=headers), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    clinic = Clinic.objects.get(slug="rock-island")
    assert (float(clinic.latitude), float(clinic.longitude), clinic.location_source) == (41.5091, -90.5783, "address")


def test_imported_coordinates_without_a_source_count_as_placed_by_hand(demo_data):
    headers = [*HEADERS, "latitude", "longitude"]
    result = ClinicResource().import_data(dataset([*NEW_ROW, "41.5091", "-90.5783"], headers=headers), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Clinic.objects.get(slug="rock-island").location_source == "manual"


def test_blank_coordinates_on_import_locate_the_clinic_again_instead_of_losing_it(demo_data):
    exported = ClinicResource().export()
    rows = [row for row in exported.dict if row["slug"] == "burlington"]
    rows[0]["latitude"] = rows[0]["longitude"] = ""
    data = tablib.Dataset(headers=list(rows[0]))
    data.append(list(rows[0].values()))
    result = ClinicResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    burlington = Clinic.objects.get(slug="burlington")
    assert burlington.is_located
    assert burlington.location_source == "zip"


def test_an_old_export_never_quietly_undoes_a_newer_edit(demo_data):
    """Exported, then changed in the admin, then the old file imported: that row is refused, nothing written."""
    from clinics.editing import clinic_update
    from clinics.importing import ClinicResource
    from clinics.models import Clinic

    exported = ClinicResource().export()
    clinic = Clinic.objects.get(slug="davenport-northwest")
    row = next(row for row in exported.dict if row["slug"] == clinic.slug)
    assert row["exported_at"] == clinic.updated_at.isoformat()
    clinic_update(clinic=clinic, phone="563-555-0177")  # a colleague's edit in the admin, after the export
    result = ClinicResource().import_data(exported, dry_run=False)
    (invalid,) = result.invalid_rows
    message = " ".join(invalid.error_dict["exported_at"])
    assert "Davenport – Northwest was changed after this file was exported" in message
    clinic.refresh_from_db()
    assert clinic.phone == "563-555-0177"


def test_clearing_exported_at_overwrites_on_purpose(demo_data):
    from clinics.editing import clinic_update
    from clinics.importing import ClinicResource
    from clinics.models import Clinic

    clinic = Clinic.objects.get(slug="peoria")
    exported = ClinicResource().export(queryset=Clinic.objects.filter(pk=clinic.pk))
    old_phone = clinic.phone
    clinic_update(clinic=clinic, phone="309-555-0199")
    exported.dict = [{**exported.dict[0], "exported_at": ""}]
    result = ClinicResource().import_data(exported, dry_run=False)
    assert not result.has_validation_errors() and not result.has_errors()
    clinic.refresh_from_db()
    assert clinic.phone == old_phone
