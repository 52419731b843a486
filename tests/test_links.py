"""Links the site writes to itself: SITE_URL when it is set, else the address the visitor used."""

import re

import pytest

from clinics.links import web_url

pytestmark = pytest.mark.django_db


def self_links(client, **headers):
    """The canonical link, the robots.txt sitemap line, the sitemap index's first section, that section's first
    entry and an API clinic URL."""
    home = client.get("/", **headers).content.decode()
    robots = client.get("/robots.txt", **headers).content.decode()
    sitemap = client.get("/sitemap.xml", **headers).content.decode()
    section = client.get("/sitemap-pages.xml", **headers).content.decode()
    api = client.get("/api/v1/clinics/", **headers).json()
    return [
        re.search(r'<link rel="canonical" href="([^"]+)">', home)[1],
        re.search(r"Sitemap: (\S+)", robots)[1],
        re.search(r"<loc>([^<]+)</loc>", sitemap)[1],
        re.search(r"<loc>([^<]+)</loc>", section)[1],
        api["results"][0]["url"],
    ]


def test_without_site_url_links_use_the_address_the_visitor_used(client, settings, demo_data):
    settings.SITE_URL = ""
    links = self_links(client, HTTP_HOST="localhost:8001")
    assert links[:4] == [
        "http://localhost:8001/",
        "http://localhost:8001/sitemap.xml",
        "http://localhost:8001/sitemap-pages.xml",
        "http://localhost:8001/",
    ]
    assert links[4].startswith("http://localhost:8001/clinics/")


def test_with_site_url_links_use_it_whatever_the_host_header(client, settings, demo_data):
    settings.SITE_URL = "https://clinics.example.org"
    links = self_links(client, HTTP_HOST="localhost:8001")
    assert links[:4] == [
        "https://clinics.example.org/",
        "https://clinics.example.org/sitemap.xml",
        "https://clinics.example.org/sitemap-pages.xml",
        "https://clinics.example.org/",
    ]
    assert links[4].startswith("https://clinics.example.org/clinics/")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://schedule.example.com/a", "https://schedule.example.com/a"),
        ("HTTP://example.com", "HTTP://example.com"),
        (" javascript:alert(1)", ""),
        ("data:text/html,hi", ""),
        ("http://[broken", ""),
        ("", ""),
    ],
)
def test_only_web_addresses_become_outside_links(url, shown):
    assert web_url(url) == shown


@pytest.mark.django_db
def test_api_page_links_use_site_url_not_the_host_header(client, demo_data, settings):
    settings.SITE_URL = "https://locator.example.org"
    settings.ALLOWED_HOSTS = ["locator.example.org", "evil.example"]
    first = client.get("/api/v1/clinics/", {"page_size": 5}, HTTP_HOST="evil.example").json()
    assert first["next"] == "https://locator.example.org/api/v1/clinics/?page=2&page_size=5"
    second = client.get(first["next"].removeprefix("https://locator.example.org"), HTTP_HOST="evil.example").json()
    assert second["previous"] == "https://locator.example.org/api/v1/clinics/?page_size=5"
    assert all(row["url"].startswith("https://locator.example.org/clinics/") for row in second["results"])
