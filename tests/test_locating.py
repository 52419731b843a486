"""Clinics are located when admins save them (and in bulk), never when visitors search."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from geopy import exc as geopy_exc

from clinics.locating import Outcome, locate_clinic, needs_locating
from clinics.models import Clinic
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db

MOLINE_DOOR = (41.4627, -90.5142, "850, 43rd Avenue, Moline, Illinois, 61265, United States")


def unlocated(name="Moline – Valley View", **fields):
    fields = {"street": "850 43rd Avenue", "timezone": "", **fields}
    return ClinicFactory(name=name, latitude=None, longitude=None, **fields)


def test_street_address_is_located_through_the_configured_geocoder(fake_geocoder):
    fake_geocoder.answers["850 43rd Avenue, Moline, IL 61265"] = MOLINE_DOOR
    clinic = unlocated()
    assert locate_clinic(clinic).outcome == Outcome.LOCATED
    assert (float(clinic.latitude), float(clinic.longitude)) == (41.4627, -90.5142)
    assert clinic.location_source == "address"
    assert clinic.timezone == "America/Chicago"


def test_without_a_geocoder_the_zip_centre_is_used_and_recorded():
    clinic = unlocated()
    result = locate_clinic(clinic)
    assert result.outcome == Outcome.APPROXIMATE
    assert clinic.location_source == "zip"
    assert float(clinic.latitude) == pytest.approx(41.4906, abs=1e-4)


def test_without_a_zip_the_city_centre_is_used_and_recorded():
    clinic = unlocated(street="", zip_code="", city="West Branch", state="IA")
    assert locate_clinic(clinic).outcome == Outcome.APPROXIMATE
    assert clinic.location_source == "city"
    assert clinic.timezone == "America/Chicago"


def test_when_the_geocoder_fails_the_zip_centre_is_used(fake_geocoder):
    fake_geocoder.fault = geopy_exc.GeocoderTimedOut("slow")
    clinic = unlocated()
    result = locate_clinic(clinic)
    assert result.outcome == Outcome.APPROXIMATE
    assert clinic.location_source == "zip"
    assert "taking too long" in result.message


def test_a_clinic_nowhere_fails_clearly_and_keeps_its_data():
    clinic = unlocated(street="", zip_code="", city="Atlantis", state="IA")
    result = locate_clinic(clinic)
    assert result.outcome == Outcome.FAILED
    assert "No location found" in result.message
    assert clinic.latitude is None and clinic.city == "Atlantis"


@pytest.mark.parametrize(
    ("source", "located", "address_changed", "pin_moved", "expected"),
    [
        ("", False, False, False, True),  # never located
        ("zip", True, True, False, True),  # address changed
        ("address", True, False, False, False),  # nothing changed
        ("manual", True, True, False, False),  # placed by hand wins over a new address
        ("zip", True, True, True, False),  # the admin moved the pin in the same edit
    ],
)
def test_when_a_clinic_needs_locating(source, located, address_changed, pin_moved, expected):
    clinic = Clinic(location_source=source, latitude=41 if located else None, longitude=-90 if located else None)
    assert needs_locating(clinic, address_changed=address_changed, pin_moved=pin_moved) is expected


def test_bulk_command_locates_and_summarises(fake_geocoder, capsys):
    fake_geocoder.answers["850 43rd Avenue, Moline, IL 61265"] = MOLINE_DOOR
    unlocated()
    unlocated("West Branch", street="", zip_code="", city="West Branch", state="IA")
    unlocated("Nowhere", street="", zip_code="", city="Atlantis", state="IA")
    ClinicFactory(name="By hand", latitude=41.0, longitude=-90.0)
    call_command("geocode_clinics", "--no-progress")
    out, err = capsys.readouterr()
    assert "Located 1 by street address, 1 approximately (ZIP or city centre), 1 failed" in out
    assert "failed: Nowhere" in err
    assert Clinic.objects.get(name="By hand").location_source == "manual"
    assert Clinic.objects.get(name="Nowhere").latitude is None


def test_bulk_command_can_refine_approximate_locations(fake_geocoder, capsys):
    clinic = ClinicFactory(
        name="Moline", latitude=41.4906, longitude=-90.498, street="850 43rd Avenue", location_source="zip"
    )
    ClinicFactory(name="By hand", latitude=41.0, longitude=-90.0, street="1 Elsewhere Road")
    fake_geocoder.answers["850 43rd Avenue, Moline, IL 61265"] = MOLINE_DOOR
    call_command("geocode_clinics", "--approximate", "--no-progress")
    assert fake_geocoder.calls == ["850 43rd Avenue, Moline, IL 61265"]
    clinic.refresh_from_db()
    assert clinic.location_source == "address"
    assert "Located 1 by street address" in capsys.readouterr().out


def test_admin_action_locates_selected_clinics(client, fake_geocoder):
    fake_geocoder.answers["850 43rd Avenue, Moline, IL 61265"] = MOLINE_DOOR
    clinic = unlocated()
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    response = client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "locate_selected", "_selected_action": [str(clinic.pk)]},
        follow=True,
    )
    assert "Located 1 by street address, 0 approximately" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.location_source == "address"


def test_changing_the_address_in_the_admin_relocates_the_clinic(client, fake_geocoder):
    fake_geocoder.answers["850 43rd Avenue, Moline, IL 61265"] = MOLINE_DOOR
    fake_geocoder.answers["3180 Agency Street, Burlington, IA 52601"] = (40.81, -91.14, "3180 Agency St, Burlington")
    clinic = unlocated()
    locate_clinic(clinic)
    clinic.save()
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    data = {
        "name": clinic.name,
        "slug": clinic.slug,
        "status": "draft",  # neither services nor hours are posted
        "street": "3180 Agency Street",
        "city": "Burlington",
        "state": "IA",
        "zip_code": "52601",
        "latitude": str(clinic.latitude),
        "longitude": str(clinic.longitude),
        "location_source": clinic.location_source,
        "timezone": clinic.timezone,
        "schedule_url": clinic.schedule_url,
        "hours-TOTAL_FORMS": "0",
        "hours-INITIAL_FORMS": "0",
        "special_hours-TOTAL_FORMS": "0",
        "special_hours-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), data)
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (float(clinic.latitude), float(clinic.longitude)) == (40.81, -91.14)
    assert clinic.location_source == "address"


def test_staff_list_shows_clinics_that_are_not_located(client):
    unlocated(street="", zip_code="", city="Atlantis", state="IA")
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    page = client.get(reverse("admin:clinics_clinic_changelist")).content.decode()
    assert "Not located" in page
    filtered = client.get(reverse("admin:clinics_clinic_changelist"), {"location": "missing"}).content.decode()
    assert "Moline – Valley View" in filtered


def test_reloading_demo_data_keeps_a_refined_location(demo_data, fake_geocoder, settings):
    from clinics.demo_data import load_demo_data

    clinic = Clinic.objects.get(slug="burlington")
    clinic.latitude, clinic.longitude, clinic.location_source = 40.8111, -91.1222, "address"
    clinic.phone = "319-555-0199"  # a change that is not to the address
    clinic.save()
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": ""}
    load_demo_data()
    clinic.refresh_from_db()
    assert (float(clinic.latitude), float(clinic.longitude), clinic.location_source) == (40.8111, -91.1222, "address")
    assert clinic.phone == "319-555-0104"
