"""The clinic list in the admin: found by phone in any format and by ZIP, filtered by the states that have clinics."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from clinics.admin import phone_digits_search
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123"))
    return client


@pytest.fixture
def clinics():
    ClinicFactory(name="Bettendorf Spruce Hills", city="Bettendorf", state="IA", zip_code="52722", phone="563-555-0123")
    ClinicFactory(name="Moline Valley View", city="Moline", state="IL", zip_code="61265", phone="309-555-0150")
    ClinicFactory(name="Omaha West", city="Omaha", state="NE", zip_code="68154", phone="402-555-0177")


def names_found(client, search: str) -> list[str]:
    response = client.get(reverse("admin:clinics_clinic_changelist"), {"q": search})
    assert response.status_code == 200
    return [clinic.name for clinic in response.context["cl"].result_list]


@pytest.mark.parametrize(
    "search", ["563-555-0123", "5635550123", "(563) 555-0123", "563.555.0123", "+1 563 555 0123", "555-0123"]
)
def test_staff_find_a_clinic_by_its_phone_typed_any_way(clinics, staff_client, search):
    assert names_found(staff_client, search) == ["Bettendorf Spruce Hills"]


def test_staff_find_a_clinic_by_its_zip(clinics, staff_client):
    assert names_found(staff_client, "61265") == ["Moline Valley View"]


def test_a_name_search_is_not_taken_for_a_phone_number(clinics, staff_client):
    assert names_found(staff_client, "Omaha") == ["Omaha West"]
    assert phone_digits_search("Omaha 402") == ""
    assert phone_digits_search("555") == ""  # too few digits to mean a phone number


def test_the_state_filter_lists_only_states_with_clinics_by_name(clinics, staff_client):
    response = staff_client.get(reverse("admin:clinics_clinic_changelist"))
    state_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "state")
    choices = [choice["display"] for choice in state_filter.choices(response.context["cl"])]
    assert choices == ["All", "Illinois", "Iowa", "Nebraska"]


def test_choosing_a_state_lists_its_clinics(clinics, staff_client):
    response = staff_client.get(reverse("admin:clinics_clinic_changelist"), {"state": "NE"})
    assert [clinic.name for clinic in response.context["cl"].result_list] == ["Omaha West"]


def test_the_search_box_says_what_it_searches(staff_client):
    page = staff_client.get(reverse("admin:clinics_clinic_changelist")).content.decode()
    assert "Name, city, street, ZIP code or phone number (any format)." in page
