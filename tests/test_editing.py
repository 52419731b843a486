"""The one write service: every way a clinic, its hours or its services change shows in searches at once.

Searches cache each clinic's card under its version (updated_at), so each writer is tested by
what a visitor would notice: the next search shows the change.
"""

from datetime import UTC, datetime, time

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from clinics import editing
from clinics.importing import ClinicResource
from clinics.models import Clinic, Service
from clinics.search.ranking import SearchQuery, nearest_clinics
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db
MONDAY_3PM = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # 3 PM in Chicago


def card():
    """The first result of a search at the clinic, as a visitor sees it (cached between searches)."""
    matches = nearest_clinics(SearchQuery(41.0, -90.0, at=MONDAY_3PM)).matches
    return matches[0] if matches else None


def service_names(match):
    return [service.name for service in match.clinic.services.all()]


@pytest.fixture
def clinic():
    made = ClinicFactory(name="Cached", latitude=41.0, longitude=-90.0, hours=[(0, time(8), time(17))])
    assert card().hours_today == "8 AM–5 PM"  # now cached
    return made


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123"))
    return client


def test_an_update_gives_the_clinic_a_new_version(clinic):
    before = clinic.updated_at
    editing.clinic_update(clinic=clinic, phone="309-555-0199")
    clinic.refresh_from_db()
    assert clinic.updated_at > before
    assert card().clinic.phone == "309-555-0199"


def test_writing_the_same_hours_or_services_again_keeps_the_version(clinic):
    before = Clinic.objects.get(pk=clinic.pk).updated_at
    assert editing.replace_hours(clinic=clinic, intervals=[(0, time(8), time(17))]) is False
    assert editing.set_services(clinic=clinic, services=list(clinic.services.all())) is False
    assert Clinic.objects.get(pk=clinic.pk).updated_at == before


def test_an_invalid_update_is_refused_and_changes_nothing(clinic):
    with pytest.raises(ValidationError) as caught:
        editing.clinic_update(clinic=clinic, zip_code="1234")
    assert "zip_code" in caught.value.message_dict
    assert Clinic.objects.get(pk=clinic.pk).zip_code == "61265"
    assert card().clinic.zip_code == "61265"


def test_hours_edited_in_the_admin_show_at_once(clinic, staff_client):
    url = reverse("admin:clinics_clinic_change", args=[clinic.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "services"}
    interval = clinic.hours.get()
    data.update(
        {
            "services": [str(pk) for pk in clinic.services.values_list("pk", flat=True)],
            "status": "published",
            "hours-TOTAL_FORMS": "1",
            "hours-INITIAL_FORMS": "1",
            "hours-MIN_NUM_FORMS": "0",
            "hours-MAX_NUM_FORMS": "1000",
            "special_hours-TOTAL_FORMS": "0",
            "special_hours-INITIAL_FORMS": "0",
            "hours-0-id": str(interval.pk),
            "hours-0-clinic": str(clinic.pk),
            "hours-0-weekday": "0",
            "hours-0-opens": "08:00",
            "hours-0-closes": "12:00",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert card().hours_today == "8 AM–12 PM"


def test_a_service_renamed_or_retired_in_the_admin_shows_at_once(clinic, staff_client):
    service = clinic.services.get()
    response = staff_client.post(
        reverse("admin:clinics_service_change", args=[service.pk]),
        {"name": "Physical therapy (outpatient)", "slug": service.slug, "description": ""},
    )
    assert response.status_code == 302
    assert service_names(card()) == ["Physical therapy (outpatient)"]
    response = staff_client.post(
        reverse("admin:clinics_service_changelist"),
        {"action": "retire_selected", "_selected_action": [str(service.pk)]},
    )
    assert response.status_code == 302
    assert service_names(card()) == []
    assert clinic.services.get() == service  # kept for the record


def test_clinics_retired_in_the_admin_disappear_at_once(clinic, staff_client):
    response = staff_client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "retire_selected", "_selected_action": [str(clinic.pk)]},
    )
    assert response.status_code == 302
    assert card() is None


def test_services_and_hours_changed_by_an_import_show_at_once(clinic):
    Service.objects.create(slug="dry-needling", name="Dry needling")
    row = [clinic.slug, clinic.name, clinic.city, clinic.state, clinic.zip_code, "dry-needling", "Mon 07:00-11:00"]
    data = tablib.Dataset(row, headers=["slug", "name", "city", "state", "zip_code", "services", "hours"])
    result = ClinicResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    shown = card()
    assert service_names(shown) == ["Dry needling"]
    assert shown.hours_today == "7 AM–11 AM"


def test_a_clinic_relocated_by_the_command_shows_its_new_place(fake_geocoder):
    ClinicFactory(name="Cached", latitude=41.0, longitude=-90.0, street="1 Main Street", location_source="zip")
    assert card().clinic.location_is_approximate
    fake_geocoder.answers["1 Main Street, Moline, IL 61265"] = (41.0015, -90.0, "1 Main Street, Moline, IL 61265")
    call_command("geocode_clinics", "--approximate", "--no-progress")
    shown = card()
    assert not shown.clinic.location_is_approximate
    assert shown.distance_miles == 0.1


def test_bulk_relocating_reports_a_clinic_that_fails_validation_instead_of_stopping():
    good = ClinicFactory(name="Good", latitude=None, longitude=None, location_source="")
    bad = ClinicFactory(
        name="Bad", latitude=None, longitude=None, location_source="", phone="12"
    )  # stored before the rule existed
    report = editing.clinics_relocate(Clinic.objects.filter(pk__in=[good.pk, bad.pk]).order_by("pk"))
    assert report.counts[editing.Outcome.APPROXIMATE] == 1
    assert report.counts[editing.Outcome.FAILED] == 1
    assert report.failures[0].startswith("Bad: ")
    assert Clinic.objects.get(pk=good.pk).is_located
    assert not Clinic.objects.get(pk=bad.pk).is_located


def test_a_clinic_deleted_in_the_admin_disappears_at_once(clinic, staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_delete", args=[clinic.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert card() is None
    assert not Clinic.objects.filter(pk=clinic.pk).exists()
