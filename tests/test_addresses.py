"""Addresses that agree with themselves: city and state from the ZIP, refused when they are another place's,
and pins far from their ZIP confirmed by a person, in the admin, the import and the commands alike."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from clinics.addresses import address_errors, fill_from_zip, pin_warning, zip_info
from clinics.editing import clinic_create, clinic_save
from clinics.importing import ClinicResource, error_lines
from clinics.models import Clinic
from clinics.search.geometry import haversine_miles
from tests.test_admin import clinic_form

# Known answers, from the USPS city list as the zipcodes package holds it (checked by hand):
# 61265 is Moline, IL (centre 41.4906, -90.4980); 63301 is St. Charles, MO, spelled "Saint Charles" there.
pytestmark = pytest.mark.django_db

MOLINE_CENTRE = (41.4906, -90.4980)
OMAHA = (41.2565, -95.9345)


# --- The rule, as plain functions ---


def test_the_issues_case_moline_zip_with_omaha_iowa_is_refused_naming_moline():
    errors = address_errors(city="Omaha", state="IA", zip_code="61265")
    assert errors["city"] == "ZIP code 61265 belongs to Moline, IL, not “Omaha”. Check the ZIP code or the city."
    assert errors["state"].startswith("ZIP code 61265 is in Illinois (Moline, IL), not Iowa.")


@pytest.mark.parametrize(
    ("city", "state", "zip_code"),
    [
        ("Moline", "IL", "61265"),
        ("MOLINE", "IL", "61265-1234"),
        ("moline", "IL", "61265"),
        ("St. Charles", "MO", "63301"),
        ("Saint Charles", "MO", "63301"),
        ("st charles", "MO", "63301"),
    ],
)
def test_a_city_written_any_way_that_belongs_to_the_zip_is_accepted(city, state, zip_code):
    assert address_errors(city=city, state=state, zip_code=zip_code) == {}


def test_the_zips_other_recognised_city_names_are_accepted():
    # Find a ZIP with another recognised name in the data itself, and check both names pass and a third fails.
    info = next(zip_info(code) for code in ("52722", "52807", "50265", "61244", "68022") if zip_info(code).other_cities)
    assert address_errors(city=info.other_cities[0], state=info.state, zip_code=info.zip_code) == {}
    assert address_errors(city=info.city, state=info.state, zip_code=info.zip_code) == {}
    message = address_errors(city="Springfield", state=info.state, zip_code=info.zip_code)["city"]
    assert f"also known as {info.other_cities[0]}" in message


def test_an_unknown_zip_is_not_an_address_error_but_fills_nothing():
    assert zip_info("00000") is None
    assert address_errors(city="Moline", state="IL", zip_code="00000") == {}
    assert fill_from_zip(city="", state="", zip_code="00000") == ("", "")


def test_blank_city_and_state_come_from_the_zip_and_typed_ones_are_kept():
    assert fill_from_zip(city="", state="", zip_code="61265") == ("Moline", "IL")
    assert fill_from_zip(city="East Moline", state="", zip_code="61265") == ("East Moline", "IL")


def test_a_pin_near_its_zip_needs_no_confirmation():
    assert pin_warning(latitude=41.5067, longitude=-90.5151, state="IL", zip_code="61265") is None


def test_a_pin_far_from_its_zip_says_how_far():
    expected = haversine_miles(*OMAHA, *MOLINE_CENTRE)
    warning = pin_warning(latitude=OMAHA[0], longitude=OMAHA[1], state="IL", zip_code="61265")
    assert warning is not None
    assert warning.miles_from_zip == pytest.approx(expected)
    assert f"The pin is {expected:,.0f} miles from the centre of ZIP code 61265 (Moline, IL)" in warning.message


def test_the_distance_that_asks_is_a_setting(settings):
    # About 13 miles from Moline's centre (Eldridge, IA), in Iowa: asked about only when the limit is lower.
    settings.PIN_MAX_MILES_FROM_ZIP = 5
    warning = pin_warning(latitude=41.6581, longitude=-90.5846, state="IA", zip_code="61265")
    assert warning is not None and "miles from the centre" in warning.message


def test_a_pin_in_another_state_without_a_zip_asks_for_confirmation():
    warning = pin_warning(latitude=OMAHA[0], longitude=OMAHA[1], state="IL", zip_code="")
    assert warning is not None
    assert warning.message.startswith("The pin seems to be in Nebraska, not Illinois.")


# --- Every way a clinic is written ---


def test_saving_refuses_a_city_and_state_that_are_not_the_zips_and_writes_nothing():
    with pytest.raises(ValidationError) as caught:
        clinic_create(name="Wrong town", city="Omaha", state="IA", zip_code="61265")
    assert "belongs to Moline, IL" in caught.value.message_dict["city"][0]
    assert not Clinic.objects.exists()


def test_saving_fills_a_blank_city_and_state_from_the_zip():
    clinic = clinic_create(name="Only a ZIP", city="", state="", zip_code="61265")
    clinic.refresh_from_db()
    assert (clinic.city, clinic.state, clinic.location_source) == ("Moline", "IL", "zip")


def test_a_pin_placed_far_away_by_code_is_refused_unless_confirmed():
    far = {"latitude": Decimal(str(OMAHA[0])), "longitude": Decimal(str(OMAHA[1]))}
    with pytest.raises(ValidationError) as caught:
        clinic_create(name="Far pin", city="Moline", state="IL", zip_code="61265", **far)
    assert "miles from the centre of ZIP code 61265" in caught.value.message_dict["latitude"][0]
    assert not Clinic.objects.exists()
    confirmed = Clinic(name="Far pin", city="Moline", state="IL", zip_code="61265", **far)
    confirmed.pin_confirmed = True
    clinic_save(clinic=confirmed)
    assert Clinic.objects.get(name="Far pin").location_source == "manual"


def test_moving_the_zip_away_from_a_pin_placed_by_hand_asks_again():
    clinic = clinic_create(
        name="Hand pin",
        city="Moline",
        state="IL",
        zip_code="61265",
        latitude=Decimal("41.5"),
        longitude=Decimal("-90.5"),
    )
    assert clinic.location_source == "manual"
    clinic = Clinic.objects.get(pk=clinic.pk)
    clinic.zip_code, clinic.city, clinic.state = "68102", "Omaha", "NE"
    with pytest.raises(ValidationError) as caught:
        clinic.full_clean()
    assert "miles from the centre of ZIP code 68102 (Omaha, NE)" in caught.value.message_dict["latitude"][0]


# --- The admin form ---


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123"))
    return client


def test_admin_refuses_moline_zip_with_omaha_iowa_and_says_what_the_zip_is(staff_client):
    response = staff_client.post(
        reverse("admin:clinics_clinic_add"), clinic_form(city="Omaha", state="IA", zip_code="61265")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "ZIP code 61265 belongs to Moline, IL, not “Omaha”" in page
    assert "ZIP code 61265 is in Illinois (Moline, IL), not Iowa" in page
    assert not Clinic.objects.exists()


def test_admin_fills_blank_city_and_state_from_the_zip_on_save(staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_add"), clinic_form(city="", state="", zip_code="61265"))
    assert response.status_code == 302
    clinic = Clinic.objects.get(slug="rock-island-test")
    assert (clinic.city, clinic.state) == ("Moline", "IL")


def test_admin_asks_for_a_city_when_neither_it_nor_the_zip_gives_one(staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_add"), clinic_form(city="", state="", zip_code=""))
    page = response.content.decode()
    assert "Enter the city, or a ZIP code we know to fill it in." in page
    assert "Enter the state, or a ZIP code we know to fill it in." in page
    assert not Clinic.objects.exists()


def test_unknown_zip_gets_a_clear_warning_not_a_red_error(staff_client):
    """Saved as a draft (a ZIP with no location cannot be published: tests/test_publishing.py)."""
    response = staff_client.post(
        reverse("admin:clinics_clinic_add"),
        clinic_form(zip_code="00000", city="Nowhere Town", status="draft"),
        follow=True,
    )
    page = response.content.decode()
    assert "Rock Island – Test has no location. ZIP code 00000 is not in our ZIP code data" in page
    assert "could not be located" not in page
    assert Clinic.objects.get(slug="rock-island-test").latitude is None


def test_unknown_zip_is_warned_about_even_when_the_city_gives_a_location(staff_client):
    response = staff_client.post(
        reverse("admin:clinics_clinic_add"), clinic_form(zip_code="00000", status="draft"), follow=True
    )
    page = response.content.decode()
    assert "ZIP code 00000 is not in our ZIP code data" in page
    assert "placed at its city centre" in page


def test_admin_refuses_a_pin_far_from_the_zip_until_staff_confirm_it(staff_client):
    far = clinic_form(latitude=str(OMAHA[0]), longitude=str(OMAHA[1]))
    response = staff_client.post(reverse("admin:clinics_clinic_add"), far)
    assert response.status_code == 200
    page = response.content.decode()
    assert "miles from the centre of ZIP code 61201 (Rock Island, IL)" in page
    assert "Yes, the pin is right" in page
    assert not Clinic.objects.exists()

    response = staff_client.post(reverse("admin:clinics_clinic_add"), {**far, "pin_confirmed": "on"})
    assert response.status_code == 302
    clinic = Clinic.objects.get(slug="rock-island-test")
    assert (clinic.latitude, clinic.longitude) == (Decimal("41.256500"), Decimal("-95.934500"))


def test_editing_other_fields_of_a_confirmed_far_pin_does_not_ask_again(staff_client):
    far = clinic_form(latitude=str(OMAHA[0]), longitude=str(OMAHA[1]), pin_confirmed="on")
    staff_client.post(reverse("admin:clinics_clinic_add"), far)
    clinic = Clinic.objects.get(slug="rock-island-test")
    edited = {**far, "phone": "309-555-0199", "latitude": "41.256500", "longitude": "-95.934500"}
    del edited["pin_confirmed"]
    response = staff_client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), edited)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Clinic.objects.get(pk=clinic.pk).phone == "309-555-0199"


def test_zip_lookup_gives_the_form_city_state_and_centre(staff_client):
    answer = staff_client.get(reverse("admin:clinics_clinic_zip", args=["61265"])).json()
    assert answer["city"] == "Moline" and answer["state"] == "IL" and answer["state_name"] == "Illinois"
    assert (answer["latitude"], answer["longitude"]) == MOLINE_CENTRE
    assert answer["max_pin_miles"] == 25


@pytest.mark.parametrize("zip_code", ["00000", "abcde", "6126"])
def test_zip_lookup_of_an_unknown_zip_is_a_clear_404(staff_client, zip_code):
    response = staff_client.get(reverse("admin:clinics_clinic_zip", args=[zip_code]))
    assert response.status_code == 404
    assert f"ZIP code {zip_code} is not in our ZIP code data" in response.json()["error"]


def test_zip_lookup_is_for_staff_only(client):
    response = client.get(reverse("admin:clinics_clinic_zip", args=["61265"]))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# --- Import and management commands ---

HEADERS = ["slug", "name", "city", "state", "zip_code", "phone", "latitude", "longitude"]


def test_import_fills_a_blank_city_and_state_from_the_zip():
    rows = tablib.Dataset(["moline-a", "Moline A", "", "", "61265", "309-555-0101", "", ""], headers=HEADERS)
    result = ClinicResource().import_data(rows, dry_run=False)
    assert not result.has_validation_errors(), error_lines(result)
    assert Clinic.objects.values_list("city", "state").get(slug="moline-a") == ("Moline", "IL")


def test_import_reports_wrong_towns_and_far_pins_by_row_and_writes_nothing():
    rows = tablib.Dataset(
        ["good", "Good", "Moline", "IL", "61265", "", "", ""],
        ["wrong-town", "Wrong town", "Omaha", "IA", "61265", "", "", ""],
        ["far-pin", "Far pin", "Moline", "IL", "61265", "", str(OMAHA[0]), str(OMAHA[1])],
        headers=HEADERS,
    )
    result = ClinicResource().import_data(rows, dry_run=False)
    lines = error_lines(result)
    assert "Row 3: city: ZIP code 61265 belongs to Moline, IL, not “Omaha”. Check the ZIP code or the city." in lines
    assert any(line.startswith("Row 3: state: ZIP code 61265 is in Illinois") for line in lines)
    assert any(line.startswith("Row 4: latitude: The pin is ") for line in lines)
    assert not Clinic.objects.exists()


def test_import_keeps_a_far_pin_with_a_pin_confirmed_column():
    rows = tablib.Dataset(
        ["far-pin", "Far pin", "Moline", "IL", "61265", "", str(OMAHA[0]), str(OMAHA[1]), "yes"],
        headers=[*HEADERS, "pin_confirmed"],
    )
    result = ClinicResource().import_data(rows, dry_run=False)
    assert not result.has_validation_errors(), error_lines(result)
    assert Clinic.objects.get(slug="far-pin").location_source == "manual"


def test_import_command_refuses_a_wrong_town_with_the_row_and_reason(tmp_path):
    sheet = tmp_path / "clinics.csv"
    sheet.write_text("slug,name,city,state,zip_code\nwrong-town,Wrong town,Omaha,IA,61265\n")
    with pytest.raises(CommandError):
        call_command("import_clinics", str(sheet), "--no-progress", stderr=(err := _Buffer()), stdout=_Buffer())
    assert "Row 2: city: ZIP code 61265 belongs to Moline, IL" in err.text
    assert not Clinic.objects.exists()


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_pin_distance_that_is_not_positive_refuses_to_start(value):
    from tests.test_settings import start_django

    result = start_django(PIN_MAX_MILES_FROM_ZIP=value, ENV_FILE=os.devnull)
    assert result.returncode != 0
    assert "PIN_MAX_MILES_FROM_ZIP must be more than 0" in result.stderr
