"""What holds on every visitor page: retired clinics stay hidden, names are text, only web links link."""

from __future__ import annotations

import pytest

from tests.factories import ClinicFactory
from tests.pages.reading import XSS_NAME, html, jsonld

pytestmark = pytest.mark.django_db


def test_inactive_clinics_never_appear(client, demo_data):
    hidden = ClinicFactory(
        name="Closed For Good",
        latitude=41.4906,
        longitude=-90.498,
        status="retired",
        internal_notes="staff only secret",
    )
    for url in ("/find/?q=61265", "/clinics/", "/sitemap.xml", "/"):
        page = html(client.get(url))
        assert hidden.slug not in page and "Closed For Good" not in page, url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_script_named_clinic_is_escaped_everywhere(client):
    clinic = ClinicFactory(name=XSS_NAME, latitude=41.49, longitude=-90.50, notice="<script>alert(2)</script>")
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    for url in ("/find/?q=61265", "/clinics/", clinic.get_absolute_url()):
        page = html(client.get(url))
        assert XSS_NAME not in page, url
        assert "<script>alert(2)" not in page, url
        assert escaped in page, url
    detail = html(client.get(clinic.get_absolute_url()))
    assert "\\u003Cimg src=x onerror=alert(1)\\u003E" in detail  # JSON-LD cannot close its <script>
    assert jsonld(detail)["name"] == XSS_NAME


def test_links_other_than_http_never_become_links(client):
    clinic = ClinicFactory(
        name="Odd Links",
        latitude=41.49,
        longitude=-90.50,
        schedule_url="javascript:alert(1)",
        website_url="javascript:alert(2)",
    )
    for url in ("/find/?q=61265", "/clinics/", clinic.get_absolute_url()):
        page = html(client.get(url))
        assert "javascript:" not in page, url
        assert "Odd Links" in page, url
