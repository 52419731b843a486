"""sitemap.xml and robots.txt, for search engines."""

from __future__ import annotations

import re
from html import unescape

import pytest

from clinics.models import Clinic, Condition
from clinics.sitemaps import ClinicSitemap
from tests.factories import ClinicFactory
from tests.pages.reading import html

pytestmark = pytest.mark.django_db


def sitemap_locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return re.findall(r"<loc>([^<]+)</loc>", html(response))


def every_sitemap_location(client) -> list[str]:
    """The addresses in every section the index lists (each section page read as a crawler would)."""
    sections = sitemap_locations(client, "/sitemap.xml")
    found = []
    for section in sections:
        assert section.startswith("https://clinics.example.org/sitemap-"), section
        found += sitemap_locations(client, unescape(section).removeprefix("https://clinics.example.org"))
    return found


def test_sitemap_lists_home_clinic_list_and_every_active_clinic(client, settings, demo_data):
    settings.SITE_URL = "https://clinics.example.org"
    ClinicFactory(name="Hidden", latitude=41.5, longitude=-90.5, status="retired")
    assert sitemap_locations(client, "/sitemap.xml") == [
        "https://clinics.example.org/sitemap-pages.xml",
        "https://clinics.example.org/sitemap-conditions.xml",
        "https://clinics.example.org/sitemap-clinics.xml",
    ]
    locations = every_sitemap_location(client)
    site = "https://clinics.example.org"
    expected = {f"{site}/", f"{site}/clinics/", f"{site}/conditions/"} | {
        f"{site}/clinics/{slug}/" for slug in Clinic.objects.active().values_list("slug", flat=True)
    }
    expected |= {f"{site}/conditions/{slug}/" for slug in Condition.objects.values_list("slug", flat=True)}
    # Every page in English and in Spanish (/es/...).
    expected |= {location.replace(site, f"{site}/es", 1) for location in expected}
    assert set(locations) == expected
    assert len(locations) == 2 * (3 + 13 + Condition.objects.count())


def test_a_big_directorys_sitemap_lists_every_page_of_every_state_in_bounded_sections(
    client, settings, monkeypatch, demo_data
):
    settings.SITE_URL = "https://clinics.example.org"
    settings.CLINIC_LIST_ALL_MAX = 5  # listed by state, 4 clinics to a page: Iowa 3 pages, Illinois and Nebraska 1
    settings.CLINIC_LIST_PAGE_SIZE = 4
    # 13 clinics in two languages: sections of at most 10 addresses, in 3 pages
    monkeypatch.setattr(ClinicSitemap, "limit", 10)
    index = sitemap_locations(client, "/sitemap.xml")
    assert index == [
        "https://clinics.example.org/sitemap-pages.xml",
        "https://clinics.example.org/sitemap-conditions.xml",
        "https://clinics.example.org/sitemap-clinics.xml",
        "https://clinics.example.org/sitemap-clinics.xml?p=2",
        "https://clinics.example.org/sitemap-clinics.xml?p=3",
    ]
    assert [len(sitemap_locations(client, f"/sitemap-clinics.xml?p={p}")) for p in (1, 2, 3)] == [10, 10, 6]
    site = "https://clinics.example.org"
    states = [f"{site}/clinics/?state=IA", f"{site}/clinics/?state=IA&page=2", f"{site}/clinics/?state=IA&page=3"]
    states += [f"{site}/clinics/?state=IL", f"{site}/clinics/?state=NE"]
    locations = [unescape(location) for location in every_sitemap_location(client)]
    conditions = {f"{site}/conditions/{slug}/" for slug in Condition.objects.values_list("slug", flat=True)}
    english = (
        {f"{site}/", f"{site}/clinics/", f"{site}/conditions/", *states}
        | conditions
        | {f"{site}/clinics/{slug}/" for slug in Clinic.objects.active().values_list("slug", flat=True)}
    )
    assert set(locations) == english | {location.replace(site, f"{site}/es", 1) for location in english}
    assert len(locations) == 2 * (3 + 5 + 13 + len(conditions))
    for url in states:  # each one a page that exists, in both languages
        assert client.get(url.removeprefix(site)).status_code == 200, url
        assert client.get("/es" + url.removeprefix(site)).status_code == 200, url


def test_a_sitemap_page_past_the_end_is_a_404(client, demo_data):
    assert client.get("/sitemap-clinics.xml", {"p": "2"}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(client, settings):
    settings.SITE_URL = "https://clinics.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert "Sitemap: https://clinics.example.org/sitemap.xml" in body
