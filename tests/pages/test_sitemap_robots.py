"""sitemap.xml and robots.txt, for search engines."""

from __future__ import annotations

import re

import pytest

from clinics.models import Clinic
from tests.factories import ClinicFactory
from tests.pages.reading import html

pytestmark = pytest.mark.django_db


def test_sitemap_lists_home_clinic_list_and_every_active_clinic(client, settings, demo_data):
    settings.SITE_URL = "https://clinics.example.org"
    ClinicFactory(name="Hidden", latitude=41.5, longitude=-90.5, is_active=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", html(response))
    expected = {"https://clinics.example.org/", "https://clinics.example.org/clinics/"} | {
        f"https://clinics.example.org/clinics/{slug}/"
        for slug in Clinic.objects.active().values_list("slug", flat=True)
    }
    assert set(locations) == expected
    assert len(locations) == 2 + 13


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(client, settings):
    settings.SITE_URL = "https://clinics.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert "Sitemap: https://clinics.example.org/sitemap.xml" in body
