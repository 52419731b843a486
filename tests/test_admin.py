"""The admin: only staff get in, and staff can do their whole job through the real forms."""

from datetime import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from clinics.models import Clinic, OpeningHours, Service
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def every_admin_page() -> list[str]:
    """The index, each app index, and every registered model's list, add, change, history and delete pages.

    Add pages only where the admin offers them (django-axes's sign-in records are written by sign-ins alone).
    """
    clinic = ClinicFactory(name="Admin Page Clinic", latitude=41.5, longitude=-90.5)
    service = Service.objects.first()
    user = User.objects.create_user("someone", password="x")
    objects = {Clinic: clinic, Service: service, User: user}
    superuser_request = RequestFactory().get("/admin/")
    superuser_request.user = User(is_staff=True, is_superuser=True, is_active=True)
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls.append(reverse("admin:app_list", args=[meta.app_label]))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if model_admin.has_add_permission(superuser_request):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        obj = objects.get(model) or model.objects.first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk]))
    return sorted(set(urls))


def test_anonymous_visitors_are_sent_to_login(client):
    for url in every_admin_page():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_logged_in_non_staff_users_are_sent_to_login(client):
    client.force_login(User.objects.create_user("patient", password="pw-patient-123"))
    for url in every_admin_page():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_every_admin_page_works_for_staff(staff_client):
    for url in every_admin_page():
        assert staff_client.get(url).status_code == 200, url


def test_clinic_list_shows_every_demo_clinic_with_services(demo_data, staff_client):
    response = staff_client.get(reverse("admin:clinics_clinic_changelist"))
    page = response.content.decode()
    for clinic in Clinic.objects.all():
        assert clinic.name.replace("'", "&#x27;") in page
    assert "Vestibular rehabilitation" in page
    assert "Approximate (ZIP)" in page
    assert "13 clinics" in page


def test_admin_clinic_page_shows_its_hours(demo_data, staff_client):
    clinic = Clinic.objects.get(slug="burlington")
    page = staff_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).content.decode()
    assert 'value="07:00"' in page and 'value="19:00"' in page  # as staff write them, without seconds
    assert 'id="location-picker"' in page
    assert "leaflet/leaflet.js" in page


@pytest.mark.parametrize(("search", "expected"), [("Burlington", "Burlington"), ("52806", "Davenport – Kimberly")])
def test_clinic_list_searches_by_name_city_or_zip(demo_data, staff_client, search, expected):
    page = staff_client.get(reverse("admin:clinics_clinic_changelist"), {"q": search}).content.decode()
    assert expected in page
    assert "1 clinic" in page


def clinic_form(**overrides) -> dict[str, str]:
    service = Service.objects.get_or_create(slug="physical-therapy", defaults={"name": "Physical therapy"})[0]
    data = {
        "name": "Rock Island – Test",
        "slug": "rock-island-test",
        "status": "published",
        "notice": "",
        "street": "100 Main Street",
        "address_line2": "",
        "city": "Rock Island",
        "state": "IL",
        "zip_code": "61201",
        "phone": "(309) 555-0150",
        "email": "",
        "schedule_url": "schedule.example.com/rock-island",
        "website_url": "",
        "latitude": "",
        "longitude": "",
        "location_source": "",
        "timezone": "",
        "services": [str(service.pk)],
        "internal_notes": "",
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "special_hours-TOTAL_FORMS": "0",
        "special_hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "08:00",
        "hours-0-closes": "12:00",
        "hours-1-weekday": "0",
        "hours-1-opens": "13:00",
        "hours-1-closes": "17:00",
    }
    data.update(overrides)
    return data


def test_staff_creates_a_clinic_with_hours_through_the_admin_form(staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_add"), clinic_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    clinic = Clinic.objects.get(slug="rock-island-test")
    assert clinic.phone == "309-555-0150"
    assert clinic.schedule_url == "https://schedule.example.com/rock-island"
    assert list(clinic.hours.values_list("weekday", "opens", "closes")) == [
        (0, time(8), time(12)),
        (0, time(13), time(17)),
    ]
    # Located on save at its ZIP centre (no street geocoder configured), with its time zone.
    assert clinic.location_source == "zip"
    assert float(clinic.latitude) == pytest.approx(41.4923, abs=0.05)
    assert clinic.timezone == "America/Chicago"


def test_overlapping_hours_in_the_form_get_a_clear_message_and_save_nothing(staff_client):
    response = staff_client.post(
        reverse("admin:clinics_clinic_add"), clinic_form(**{"hours-1-opens": "11:00", "hours-1-closes": "15:00"})
    )
    assert response.status_code == 200
    assert "These hours overlap 08:00–12:00 on the same day." in response.content.decode()
    assert not Clinic.objects.exists()


def test_closing_before_opening_in_the_form_gets_a_clear_message(staff_client):
    response = staff_client.post(
        reverse("admin:clinics_clinic_add"), clinic_form(**{"hours-1-opens": "17:00", "hours-1-closes": "13:00"})
    )
    assert "Closing time must be after opening time." in response.content.decode()
    assert not Clinic.objects.exists()


def test_bad_zip_and_phone_in_the_form_get_clear_messages(staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_add"), clinic_form(zip_code="1234", phone="12"))
    page = response.content.decode()
    assert "Enter a ZIP code of 5 digits (61265) or ZIP+4 (61265-1234)." in page
    assert "Enter a 10-digit US phone number, such as 319-247-3425." in page
    assert not Clinic.objects.exists()


def test_rearranging_a_days_hours_is_not_mistaken_for_an_overlap(staff_client):
    clinic = ClinicFactory(
        name="A", latitude=41.5, longitude=-90.5, hours=[(0, time(8), time(12)), (0, time(13), time(17))]
    )
    first, second = clinic.hours.order_by("opens")
    data = clinic_form(
        name="A",
        slug=clinic.slug,
        latitude="41.5",
        longitude="-90.5",
        location_source="manual",
        timezone="America/Chicago",
        **{
            "hours-INITIAL_FORMS": "2",
            "hours-0-id": str(first.pk),
            "hours-0-clinic": str(clinic.pk),
            "hours-0-opens": "08:00",
            "hours-0-closes": "14:00",
            "hours-1-id": str(second.pk),
            "hours-1-clinic": str(clinic.pk),
            "hours-1-opens": "14:00",
            "hours-1-closes": "18:00",
        },
    )
    response = staff_client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(OpeningHours.objects.values_list("opens", "closes")) == [(time(8), time(14)), (time(14), time(18))]


def test_moving_the_pin_marks_the_location_as_placed_by_hand(staff_client):
    staff_client.post(reverse("admin:clinics_clinic_add"), clinic_form())
    clinic = Clinic.objects.get(slug="rock-island-test")
    data = clinic_form(
        latitude="41.500000",
        longitude="-90.570000",
        location_source=clinic.location_source,
        timezone=clinic.timezone,
        status="draft",  # its hours are not posted again, and a clinic without hours cannot be published
        **{"hours-TOTAL_FORMS": "0"},
    )
    response = staff_client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), data)
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.location_source == "manual"
    assert (float(clinic.latitude), float(clinic.longitude)) == (41.5, -90.57)


def test_retire_action_hides_clinics_from_visitors(demo_data, staff_client):
    burlington = Clinic.objects.get(slug="burlington")
    staff_client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "retire_selected", "_selected_action": [str(burlington.pk)]},
    )
    burlington.refresh_from_db()
    assert burlington.status == "retired"
    assert burlington not in Clinic.objects.public()
