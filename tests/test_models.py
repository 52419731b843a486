"""Model validation: every bad value gets a clear message naming the field."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clinics.models import Clinic, OpeningHours
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db


def valid_clinic(**overrides):
    fields = dict(
        name="Moline – Valley View",
        slug="moline-valley-view",
        street="850 43rd Avenue",
        city="Moline",
        state="IL",
        zip_code="61265",
        phone="309-555-0102",
        schedule_url="https://schedule.example.com/rock-valley/moline",
        timezone="America/Chicago",
    )
    fields.update(overrides)
    return Clinic(**fields)


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_a_complete_clinic_is_valid():
    valid_clinic().full_clean()


@pytest.mark.parametrize("zip_code", ["6126", "612655", "61265-12", "ABCDE", "61265-abcd"])
def test_bad_zip_gets_clear_message(zip_code):
    assert errors_of(valid_clinic(zip_code=zip_code)) == {
        "zip_code": ["Enter a ZIP code of 5 digits (61265) or ZIP+4 (61265-1234)."]
    }


@pytest.mark.parametrize(("typed", "stored"), [("61265-1234", "61265-1234"), ("61265 1234", "61265-1234")])
def test_zip_plus_four_is_accepted_in_one_format(typed, stored):
    clinic = valid_clinic(zip_code=typed)
    clinic.full_clean()
    assert clinic.zip_code == stored


@pytest.mark.parametrize("phone", ["555-0102", "123-456-7890", "309-055-0102", "call us", "309-555-01020"])
def test_bad_phone_gets_clear_message(phone):
    assert errors_of(valid_clinic(phone=phone)) == {
        "phone": ["Enter a 10-digit US phone number, such as 319-247-3425."]
    }


@pytest.mark.parametrize("typed", ["(319) 247-3425", "319.247.3425", "+1 319 247 3425", "3192473425"])
def test_phone_is_stored_in_one_format(typed):
    clinic = valid_clinic(phone=typed)
    clinic.full_clean()
    assert clinic.phone == "319-247-3425"
    assert clinic.phone_tel == "+13192473425"


@pytest.mark.parametrize(("field", "value"), [("latitude", "90.5"), ("latitude", "-91"), ("longitude", "180.1")])
def test_coordinates_out_of_range_are_refused(field, value):
    coordinates = {"latitude": Decimal("41.5"), "longitude": Decimal("-90.5"), field: Decimal(value)}
    errors = errors_of(valid_clinic(**coordinates))
    assert field in errors
    assert "less than or equal" in errors[field][0] or "greater than or equal" in errors[field][0]


def test_unknown_state_is_refused():
    assert "state" in errors_of(valid_clinic(state="XX"))


def test_unknown_timezone_is_refused():
    assert errors_of(valid_clinic(timezone="Mars/Olympus")) == {
        "timezone": ["Enter an IANA time zone name, such as America/Chicago."]
    }


def created(**overrides):
    from clinics.editing import clinic_save

    clinic = valid_clinic(**overrides)
    clinic_save(clinic=clinic)
    return clinic


def test_slug_is_made_unique_from_the_name():
    first = created(name="Davenport – Northwest", slug="")
    second = created(name="Davenport – Northwest", slug="")
    assert first.slug == "davenport-northwest"
    assert second.slug == "davenport-northwest-2"


def test_inactive_clinics_are_not_visible():
    ClinicFactory(name="Open", latitude=41.5, longitude=-90.5)
    ClinicFactory(name="Retired", latitude=41.5, longitude=-90.5, status="retired")
    assert [c.name for c in Clinic.objects.active()] == ["Open"]


def test_closing_before_opening_gets_clear_message():
    clinic = ClinicFactory(name="A", latitude=41.5, longitude=-90.5, hours=[])
    hours = OpeningHours(clinic=clinic, weekday=0, opens=time(17), closes=time(8))
    assert errors_of(hours) == {"closes": ["Closing time must be after opening time."]}


def test_overlapping_hours_on_a_day_get_clear_message_and_change_nothing():
    from clinics.editing import replace_hours

    clinic = ClinicFactory(name="A", latitude=41.5, longitude=-90.5, hours=[(0, time(8), time(12))])
    with pytest.raises(ValueError, match=r"“Mon 11:00-15:00” overlaps other hours on the same day\."):
        replace_hours(clinic=clinic, intervals=[(0, time(8), time(12)), (0, time(11), time(15))])
    assert list(clinic.hours.values_list("weekday", "opens", "closes")) == [(0, time(8), time(12))]


def test_split_day_and_other_days_do_not_overlap():
    from clinics.editing import replace_hours

    clinic = ClinicFactory(name="A", latitude=41.5, longitude=-90.5, hours=[(0, time(8), time(12))])
    week = [(0, time(8), time(12)), (0, time(12), time(17)), (1, time(9), time(11))]
    assert replace_hours(clinic=clinic, intervals=week) is True
    assert sorted(clinic.hours.values_list("weekday", "opens", "closes")) == week


def test_directions_link_uses_the_street_address():
    clinic = valid_clinic(address_line2="Suite 210")
    assert clinic.one_line_address == "850 43rd Avenue, Suite 210, Moline, IL 61265"
    assert clinic.directions_url.endswith("destination=850+43rd+Avenue%2C+Suite+210%2C+Moline%2C+IL+61265")


def test_a_slug_that_would_hide_behind_an_api_path_is_refused():
    assert errors_of(valid_clinic(slug="nearest")) == {"slug": ["“nearest” is reserved; choose another slug."]}
    assert created(name="Nearest", slug="").slug == "nearest-clinic"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://schedule.example.com/x", "schedule"])
def test_schedule_links_must_be_web_addresses(url):
    assert "schedule_url" in errors_of(valid_clinic(schedule_url=url))


@pytest.mark.parametrize(("weekday", "opens", "closes"), [(7, time(8), time(17)), (0, time(17), time(8))])
def test_the_database_itself_refuses_impossible_hours(weekday, opens, closes):
    """A bulk load or raw edit skips the form's checks; the table still refuses what no day can hold."""
    from django.db import IntegrityError, transaction

    clinic = ClinicFactory(name="Moline", latitude=41.5, longitude=-90.5, hours=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.bulk_create([OpeningHours(clinic=clinic, weekday=weekday, opens=opens, closes=closes)])
    assert not clinic.hours.exists()


def test_directions_without_a_street_lead_to_the_clinic_by_name_not_the_town_centre():
    clinic = valid_clinic(street="", name="Silvis", city="Silvis", state="IL", zip_code="61282")
    clinic.latitude, clinic.longitude, clinic.location_source = 41.5007, -90.4126, "city"
    assert "41.5007" not in clinic.directions_url
    assert clinic.directions_url.endswith("destination=Rock+Valley+Physical+Therapy+Silvis%2C+Silvis%2C+IL")
