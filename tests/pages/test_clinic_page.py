"""A clinic's own page: contact, hours, services, buttons and its JSON-LD."""

from __future__ import annotations

import re
from datetime import time
from html import unescape

import pytest
import time_machine

from clinics.models import Clinic
from tests.factories import ClinicFactory
from tests.pages.reading import html, jsonld, text_of

pytestmark = pytest.mark.django_db


def test_clinic_page_has_contact_hours_services_and_buttons(client, demo_data):
    clinic = Clinic.objects.get(slug="cedar-rapids-pci-vestibular-clinic")
    with time_machine.travel("2026-12-01 03:30:00+00:00", tick=False):  # Monday 21:30 in Iowa, Tuesday in UTC
        response = client.get(clinic.get_absolute_url())
    page = html(response)
    readable = text_of(page)
    assert response.status_code == 200
    assert f"<title>{clinic.name} – Cedar Rapids, IA | Rock Valley Physical Therapy</title>" in unescape(page)
    assert '<meta name="description" content="Rock Valley Physical Therapy in Cedar Rapids, Iowa' in page
    assert "202 10th Street SE Suite 210 Cedar Rapids, IA 52403" in readable
    assert 'href="tel:+13192473425"' in page
    # Through our counting redirect, on to the stored schedule URL (tests/test_schedule_redirect.py).
    assert f'href="/go/schedule/{clinic.slug}/" rel="nofollow">Schedule a visit</a>' in page
    assert 'href="https://www.google.com/maps/dir/?api=1&amp;destination=' in page
    assert re.search(r'<tr class="hours__today" aria-current="date">\s*<th scope="row">Monday', page)
    assert "Times are Central Time (CST)" in readable
    assert "Vestibular rehabilitation" in readable
    assert "Closed now" in readable
    assert clinic.internal_notes and clinic.internal_notes.splitlines()[0] not in page
    assert f'<link rel="canonical" href="http://testserver{clinic.get_absolute_url()}">' in page


def test_clinic_page_json_ld_describes_the_clinic(client, settings, demo_data):
    settings.SITE_URL = "https://clinics.example.org"
    clinic = ClinicFactory(
        name="Exact Place",
        latitude=41.5,
        longitude=-90.5,
        street="1 Main St",
        address_line2="Suite 2",
        phone="309-555-0199",
        email="exact@example.com",
        website_url="https://www.rockvalleypt.com/locations/exact/",
        hours=[(0, time(7), time(19)), (1, time(7), time(19)), (4, time(7), time(12))],
    )
    data = jsonld(html(client.get(clinic.get_absolute_url())))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == ["MedicalClinic", "Physiotherapy"]
    assert data["name"] == "Exact Place"
    assert data["url"] == f"https://clinics.example.org/clinics/{clinic.slug}/"
    assert data["telephone"] == "+13095550199"
    assert data["email"] == "exact@example.com"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1 Main St, Suite 2",
        "addressLocality": "Moline",
        "addressRegion": "IL",
        "postalCode": "61265",
        "addressCountry": "US",
    }
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 41.5, "longitude": -90.5}
    assert data["openingHoursSpecification"] == [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Monday", "Tuesday"], "opens": "07:00", "closes": "19:00"},
        {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Friday"], "opens": "07:00", "closes": "12:00"},
    ]
    assert data["sameAs"] == ["https://www.rockvalleypt.com/locations/exact/"]


def test_json_ld_leaves_out_an_approximate_position(client, demo_data):
    clinic = Clinic.objects.get(slug="silvis")
    assert clinic.location_is_approximate
    data = jsonld(html(client.get(clinic.get_absolute_url())))
    assert "geo" not in data
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Silvis",
        "addressRegion": "IL",
        "addressCountry": "US",
    }


def test_clinic_without_hours_says_so_instead_of_closed_all_week(client):
    clinic = ClinicFactory(name="No Hours", latitude=41.5, longitude=-90.5, hours=[])
    page = html(client.get(clinic.get_absolute_url()))
    assert "Hours aren't listed for this clinic yet." in unescape(page)
    assert "Closed now" not in page
