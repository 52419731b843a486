"""Clinic history: every change (admin form, hours, services, import, commands, bulk actions) is recorded with
who, when and what, shown on the clinic's History page, and any version can be restored."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clinics import editing, history
from clinics.models import Clinic, Service
from tests.factories import ClinicFactory, ServiceFactory
from tests.test_admin import clinic_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("dana", "dana@example.com", "pw-staff-123", first_name="Dana", last_name="Ops")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def clinic(db) -> Clinic:
    """A clinic created through clinics/editing.py, as staff create them: its first version is 'Created'."""
    ServiceFactory(slug="physical-therapy", name="Physical therapy")
    ServiceFactory(slug="aquatic-therapy", name="Aquatic therapy")
    with history.attributed(reason="setting up"):
        made = editing.clinic_create(
            name="Moline",
            city="Moline",
            state="IL",
            zip_code="61265",
            phone="563-555-0100",
            schedule_url="https://schedule.example.com/moline",
            latitude=Decimal("41.506700"),
            longitude=Decimal("-90.515100"),
            location_source="manual",
            status="published",
        )
        editing.replace_hours(clinic=made, intervals=[(day, time(8), time(17)) for day in range(5)])
        editing.set_services(clinic=made, services=Service.objects.filter(slug="physical-therapy"))
    return made


def versions(clinic: Clinic) -> list:
    return list(history.versions_of(clinic.pk))


def history_page(client, clinic: Clinic) -> str:
    response = client.get(reverse("admin:clinics_clinic_history", args=[clinic.pk]))
    assert response.status_code == 200
    return response.content.decode()


def change_form(clinic: Clinic, **overrides: str | list[str]) -> dict[str, str | list[str]]:
    """The clinic's admin form as the browser would send it unchanged, its hours as the inline's initial forms."""
    clinic.refresh_from_db()
    data: dict[str, str | list[str]] = {
        name: "" if getattr(clinic, name) is None else str(getattr(clinic, name))
        for name in (
            "name",
            "slug",
            "notice",
            "street",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "phone",
            "email",
            "schedule_url",
            "website_url",
            "latitude",
            "longitude",
            "location_source",
            "timezone",
            "internal_notes",
        )
    }
    data["status"] = clinic.status
    data["closure_reason"] = clinic.closure_reason
    data |= {
        "special_hours-TOTAL_FORMS": "0",
        "special_hours-INITIAL_FORMS": "0",
        "special_hours-MIN_NUM_FORMS": "0",
        "special_hours-MAX_NUM_FORMS": "1000",
    }
    data["services"] = [str(pk) for pk in clinic.services.values_list("pk", flat=True)]
    hours = list(clinic.hours.order_by("weekday", "opens"))
    data |= {
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": str(len(hours)),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for i, interval in enumerate(hours):
        data |= {
            f"hours-{i}-id": str(interval.pk),
            f"hours-{i}-clinic": str(clinic.pk),
            f"hours-{i}-weekday": str(interval.weekday),
            f"hours-{i}-opens": f"{interval.opens:%H:%M}",
            f"hours-{i}-closes": f"{interval.closes:%H:%M}",
        }
    data |= overrides
    return data


def save_in_admin(client, clinic: Clinic, **overrides: str | list[str]) -> None:
    response = client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), change_form(clinic, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]


# --- Each kind of change leaves a version with who, when and what ---


def test_creating_a_clinic_is_one_version_with_its_hours_and_services(clinic):
    (created,) = versions(clinic)
    assert created.history_type == "+"
    assert created.history_change_reason == "setting up"
    assert created.phone == "563-555-0100"
    assert created.hours.startswith("Mon 08:00-17:00; Tue 08:00-17:00")
    assert history.service_ids(created) == {Service.objects.get(slug="physical-therapy").pk}


def test_a_clinic_added_in_the_admin_is_one_created_version_by_the_staff_member(staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_add"), clinic_form())
    assert response.status_code == 302
    (created,) = versions(Clinic.objects.get(slug="rock-island-test"))
    assert (created.history_type, created.history_user.username) == ("+", "dana")
    assert created.hours == "Mon 08:00-12:00; Mon 13:00-17:00"
    assert history.service_ids(created) == {Service.objects.get(slug="physical-therapy").pk}


def test_phone_changed_in_the_admin_form_shows_who_when_and_what(clinic, staff_client):
    before = timezone.now()
    save_in_admin(staff_client, clinic, phone="(563) 555-0199")
    latest = versions(clinic)[0]
    assert latest.history_user.username == "dana"
    assert latest.history_date >= before
    page = history_page(staff_client, clinic)
    assert "Dana Ops" in page
    assert "phone: 563-555-0100 → 563-555-0199" in page


def test_hours_changed_in_the_inline_show_on_the_clinics_history(clinic, staff_client):
    save_in_admin(staff_client, clinic, **{"hours-0-closes": "12:00"})
    page = history_page(staff_client, clinic)
    assert "hours: Mon 08:00–17:00 → 08:00–12:00<" in page


def test_services_added_in_the_admin_show_by_name(clinic, staff_client):
    both = [str(pk) for pk in Service.objects.values_list("pk", flat=True)]
    save_in_admin(staff_client, clinic, services=both)
    assert "services: + Aquatic therapy" in history_page(staff_client, clinic)


def test_one_save_of_fields_hours_and_services_is_one_version(clinic, staff_client):
    aquatic = str(Service.objects.get(slug="aquatic-therapy").pk)
    save_in_admin(staff_client, clinic, phone="563-555-0199", services=[aquatic], **{"hours-0-closes": "12:00"})
    latest, first = versions(clinic)
    changes = history.differences(
        first,
        latest,
        dict(Service.objects.values_list("pk", "name")),
        {
            first.history_id: history.service_ids(first),
            latest.history_id: history.service_ids(latest),
        },
    )
    assert [line.split(":")[0] for line in changes] == ["phone", "hours", "services"]
    assert changes[2] == "services: + Aquatic therapy, − Physical therapy"


def test_saving_the_form_unchanged_records_nothing(clinic, staff_client):
    editing.clinic_update(clinic=clinic, internal_notes="Phone is sample.\nHours are sample.")
    save_in_admin(staff_client, clinic, internal_notes="Phone is sample.\r\nHours are sample.")  # as browsers send it
    assert len(versions(clinic)) == 2


def test_a_long_text_change_shows_the_part_that_changed():
    before = (
        "Source: https://example.com/a-long-page-about-the-clinic Notes: ZIP inferred from street. Phone is sample."
    )
    after = before.replace("Phone is sample.", "Phone confirmed by the clinic.")
    assert history.excerpts(before, after) == (
        "… from street. Phone is sample.",
        "… from street. Phone confirmed by the clinic.",
    )


def test_an_hours_change_names_only_the_days_that_changed():
    assert history.hours_change(
        "Mon 07:00-19:00; Tue 07:00-19:00", "Mon 07:00-12:00; Tue 07:00-19:00; Sat 09:00-12:00"
    ) == ("Mon 07:00–19:00 → 07:00–12:00; Sat closed → 09:00–12:00")


def test_retiring_clinics_in_bulk_records_each_one(clinic, staff_client):
    other = editing.clinic_create(name="Davenport", city="Davenport", state="IA", zip_code="52806")
    staff_client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "retire_selected", "_selected_action": [str(clinic.pk), str(other.pk)]},
    )
    for retired in (clinic, other):
        latest = versions(retired)[0]
        assert (latest.status, latest.history_user.username) == ("retired", "dana")
    assert "status: Published → Retired (not public)" in history_page(staff_client, clinic)


def test_deleting_a_clinic_keeps_its_last_version(clinic, staff_client):
    clinic_id = clinic.pk
    staff_client.post(reverse("admin:clinics_clinic_delete", args=[clinic_id]), {"post": "yes"})
    assert not Clinic.objects.filter(pk=clinic_id).exists()
    gone = history.versions_of(clinic_id).first()
    assert (gone.history_type, gone.name, gone.history_user.username) == ("-", "Moline", "dana")
    assert gone.hours.startswith("Mon 08:00-17:00")


def test_a_service_in_use_is_not_deleted_so_no_clinic_loses_it_unrecorded(clinic, staff_client):
    service = Service.objects.get(slug="physical-therapy")
    before = len(versions(clinic))
    staff_client.post(reverse("admin:clinics_service_delete", args=[service.pk]), {"post": "yes"})
    assert Service.objects.filter(pk=service.pk).exists()
    assert len(versions(clinic)) == before


def test_admin_spreadsheet_import_is_recorded_as_the_staff_member(clinic, staff_client):
    csv = (
        tablib.Dataset(
            ["moline", "Moline", "Moline", "IL", "61265", "563-555-0142"],
            headers=["slug", "name", "city", "state", "zip_code", "phone"],
        )
        .export("csv")
        .encode()
    )
    preview = staff_client.post(
        reverse("admin:clinics_clinic_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("clinics.csv", csv, "text/csv")},
    )
    assert len(versions(clinic)) == 1  # the preview records nothing
    staff_client.post(reverse("admin:clinics_clinic_process_import"), preview.context["confirm_form"].initial)
    latest = versions(clinic)[0]
    assert (latest.phone, latest.history_user.username) == ("563-555-0142", "dana")


def write_sheet(tmp_path: Path, *rows: list[str], headers: list[str]) -> Path:
    path = tmp_path / "clinics.csv"
    path.write_text(tablib.Dataset(*rows, headers=headers).export("csv"), encoding="utf-8")
    return path


def test_import_command_is_recorded_as_the_command_with_one_version_per_clinic(clinic, tmp_path, staff_client):
    path = write_sheet(
        tmp_path,
        ["moline", "Moline", "Moline", "IL", "61265", "563-555-0177", "Mon 09:00-15:00", "aquatic-therapy"],
        headers=["slug", "name", "city", "state", "zip_code", "phone", "hours", "services"],
    )
    call_command("import_clinics", str(path), "--no-progress")
    latest, _ = versions(clinic)
    assert latest.history_user is None
    assert latest.history_change_reason == "command: import_clinics"
    page = history_page(staff_client, clinic)
    assert "command: import_clinics" in page
    assert "phone: 563-555-0100 → 563-555-0177" in page
    assert (
        "hours: Mon 08:00–17:00 → 09:00–15:00; Tue 08:00–17:00 → closed; Wed 08:00–17:00 → closed; "
        "Thu 08:00–17:00 → closed; Fri 08:00–17:00 → closed"
    ) in page
    assert "services: + Aquatic therapy, − Physical therapy" in page


def test_import_command_dry_run_records_nothing(clinic, tmp_path):
    path = write_sheet(
        tmp_path,
        ["moline", "Moline", "Moline", "IL", "563-555-0177"],
        headers=["slug", "name", "city", "state", "phone"],
    )
    call_command("import_clinics", str(path), "--dry-run", "--no-progress")
    assert len(versions(clinic)) == 1


def test_load_demo_data_is_recorded_as_the_command_and_records_nothing_the_second_time(db):
    call_command("load_demo_data")
    burlington = Clinic.objects.get(slug="burlington")
    (first,) = versions(burlington)
    assert (first.history_type, first.history_change_reason) == ("+", "command: load_demo_data")
    assert first.hours and history.service_ids(first) == set(burlington.services.values_list("pk", flat=True))
    call_command("load_demo_data")
    assert len(versions(burlington)) == 1


def test_geocode_clinics_is_recorded_as_the_command(db):
    unlocated = ClinicFactory(name="Cedar Rapids", city="Cedar Rapids", state="IA", zip_code="", latitude=None)
    call_command("geocode_clinics", "--no-progress")
    (located,) = versions(unlocated)
    assert (located.history_change_reason, located.history_user) == ("command: geocode_clinics", None)
    assert located.latitude is not None and located.location_source == "city"


def test_every_write_in_editing_leaves_a_version(clinic):
    """No change goes unrecorded, including those written with bulk_create (hours) and QuerySet.update (retire)."""
    aquatic = Service.objects.filter(slug="aquatic-therapy")
    writes = [
        lambda: editing.clinic_update(clinic=clinic, phone="563-555-0111"),
        lambda: editing.replace_hours(clinic=clinic, intervals=[(0, time(9), time(12))]),
        lambda: editing.set_services(clinic=clinic, services=aquatic),
        lambda: editing.clinics_set_status(clinics=Clinic.objects.filter(pk=clinic.pk), status="retired"),
        lambda: editing.clinics_delete(clinics=Clinic.objects.filter(pk=clinic.pk)),
    ]
    for number, write in enumerate(writes, start=2):
        write()
        assert history.versions_of(clinic.pk).count() == number, writes[number - 2]


def test_renaming_a_service_adds_no_clinic_version_and_the_history_shows_the_new_name(clinic, staff_client):
    editing.set_services(clinic=clinic, services=Service.objects.all())
    service = Service.objects.get(slug="aquatic-therapy")
    service.name = "Pool therapy"
    editing.service_save(service=service)
    assert len(versions(clinic)) == 2
    assert "services: + Pool therapy" in history_page(staff_client, clinic)


# --- Restoring a version ---


def test_restoring_a_version_brings_back_fields_hours_and_services_and_searches_see_it(clinic, staff_client, client):
    aquatic = str(Service.objects.get(slug="aquatic-therapy").pk)
    save_in_admin(staff_client, clinic, phone="563-555-0199", services=[aquatic], **{"hours-0-closes": "12:00"})
    assert client.get("/api/v1/clinics/nearest/", {"q": "61265"}).json()["results"][0]["phone"] == "563-555-0199"
    original = versions(clinic)[-1]

    response = staff_client.post(
        reverse("admin:clinics_clinic_restore", args=[clinic.pk, original.history_id]), follow=True
    )
    assert "Moline is back as it was on" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.phone == "563-555-0100"
    assert list(clinic.services.values_list("slug", flat=True)) == ["physical-therapy"]
    assert sorted(clinic.hours.values_list("weekday", "opens", "closes")) == [(d, time(8), time(17)) for d in range(5)]
    nearest = client.get("/api/v1/clinics/nearest/", {"q": "61265"}).json()["results"][0]
    assert nearest["phone"] == "563-555-0100"

    restored = versions(clinic)[0]
    assert restored.history_user.username == "dana"
    assert restored.history_change_reason.startswith("restored the version of")
    page = history_page(staff_client, clinic)
    assert "phone: 563-555-0199 → 563-555-0100" in page


def test_restore_needs_permission_to_change_clinics(clinic, client):
    viewer = User.objects.create_user("viewer", password="pw-viewer-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_clinic"))
    client.force_login(viewer)
    editing.clinic_update(clinic=clinic, phone="563-555-0199")
    original = versions(clinic)[-1]
    page = history_page(client, clinic)
    assert "phone: 563-555-0100 → 563-555-0199" in page
    assert "Restore this version" not in page
    response = client.post(reverse("admin:clinics_clinic_restore", args=[clinic.pk, original.history_id]))
    assert response.status_code == 403
    clinic.refresh_from_db()
    assert clinic.phone == "563-555-0199"


def test_restore_is_a_post_only(clinic, staff_client):
    version = versions(clinic)[0]
    response = staff_client.get(reverse("admin:clinics_clinic_restore", args=[clinic.pk, version.history_id]))
    assert response.status_code == 405


def test_restore_that_no_longer_validates_says_why_and_changes_nothing(clinic, staff_client):
    original = versions(clinic)[0]
    editing.clinic_update(clinic=clinic, slug="moline-old")
    editing.clinic_create(name="New Moline", slug="moline", city="Moline", state="IL", zip_code="61265")
    response = staff_client.post(
        reverse("admin:clinics_clinic_restore", args=[clinic.pk, original.history_id]), follow=True
    )
    assert "Nothing was restored: Clinic with this Slug already exists." in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.slug == "moline-old"


def test_restoring_an_unknown_version_says_so(clinic, staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_restore", args=[clinic.pk, 999999]), follow=True)
    assert "That version of the clinic no longer exists; nothing was restored." in response.content.decode()


# --- Kept out of sight, and not forever ---


def test_versions_are_not_in_the_api_or_an_admin_list_of_their_own(clinic, client):
    detail = client.get(f"/api/v1/clinics/{clinic.slug}/").json()
    assert not {"history", "versions", "history_date"} & set(detail)
    assert Clinic.history.model not in admin.site._registry


def test_purge_deletes_old_versions_but_keeps_each_clinics_newest(clinic, settings):
    settings.CLINIC_HISTORY_DAYS = 30
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        editing.clinic_update(clinic=clinic, phone="563-555-0111")
    with time_machine.travel(timezone.now() + timedelta(days=20)):
        editing.clinic_update(clinic=clinic, phone="563-555-0122")
    with time_machine.travel(timezone.now() + timedelta(days=45)):
        call_command("purge_clinic_history")
    assert [v.phone for v in versions(clinic)] == ["563-555-0122"]  # the two older than 30 days went
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        call_command("purge_clinic_history")
    assert [v.phone for v in versions(clinic)] == ["563-555-0122"]  # the newest stays


def test_clinics_from_before_history_get_a_first_version_and_their_next_change_shows_the_before(clinic, staff_client):
    from importlib import import_module

    from django.apps import apps

    older = ClinicFactory(name="Older", phone="309-555-0101", services=["aquatic-therapy"])  # no version yet
    import_module("clinics.migrations.0010_clinic_versions_baseline").record_baseline(apps, None)
    (first,) = versions(older)
    assert (first.history_change_reason, first.phone) == ("history started", "309-555-0101")
    assert first.hours == "Mon 08:00-17:00; Tue 08:00-17:00; Wed 08:00-17:00; Thu 08:00-17:00; Fri 08:00-17:00"
    assert len(versions(clinic)) == 1  # clinics with a version already are left alone
    older.refresh_from_db()  # coordinates as stored, not the factory's floats
    editing.clinic_update(clinic=older, phone="309-555-0102")
    page = history_page(staff_client, older)
    assert "First version recorded" in page
    assert "phone: 309-555-0101 → 309-555-0102" in page


def test_special_hours_set_for_many_clinics_show_on_each_ones_history(clinic, staff_client):
    from datetime import date

    other = editing.clinic_create(name="Davenport", city="Davenport", state="IA", zip_code="52806")
    with history.attributed(reason="Thanksgiving for the Quad Cities"):
        editing.special_hours_set(clinics=[clinic, other], day=date(2026, 11, 26), label="Thanksgiving")
    page = history_page(staff_client, clinic)
    assert "special hours: + 2026-11-26 Thanksgiving: closed" in page
    assert versions(other)[0].special_hours == "2026-11-26 Thanksgiving: closed"
    editing.special_hours_remove(clinics=[clinic], day=date(2026, 11, 26))
    assert "special hours: − 2026-11-26 Thanksgiving: closed" in history_page(staff_client, clinic)
