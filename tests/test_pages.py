"""The visitor pages through Django's test client: fast, no browser, no network."""

from __future__ import annotations

import json
import re
from datetime import time
from html import unescape

import pytest
import time_machine
from django.test import RequestFactory
from geopy import exc as geopy_exc

from clinics import views
from clinics.models import Clinic
from clinics.nearby import SearchParams, find_near
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db

XSS_NAME = "<img src=x onerror=alert(1)>"


def html(response) -> str:
    return response.content.decode()


def result_slugs(page: str) -> list[str]:
    return re.findall(r'<li class="result[^"]*"[^>]*data-slug="([^"]+)"', page)


def text_of(page: str) -> str:
    """The page as a visitor reads it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def jsonld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match[1])


# --- Home -----------------------------------------------------------------------------------


def test_home_renders_the_search_form(client, demo_data):
    response = client.get("/")
    page = html(response)
    assert response.status_code == 200
    assert "<title>Find a Rock Valley physical therapist near you" in page
    assert '<meta name="description" content="Find the nearest Rock Valley' in page
    assert '<form class="search-form search-form--hero" action="/find/" method="get" role="search"' in page
    assert '<label class="field__label" for="id_q">ZIP code, city or address</label>' in page
    assert 'name="q"' in page and 'name="service"' in page and 'name="radius"' in page
    assert '<option value="aquatic-therapy">Aquatic therapy</option>' in page
    assert '<option value="25" selected>25 miles</option>' in page
    assert "data-geolocate" in page and "Use my location" in page
    assert '<a class="skip-link" href="#main">' in page
    assert "<header" in page and '<main id="main"' in page and "<footer" in page
    assert "sample values" in text_of(page)
    # No inline script anywhere: every script is a static file (or inert JSON).
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", page)


# --- Results ---------------------------------------------------------------------------------


def test_zip_search_lists_clinics_nearest_first_with_call_and_schedule_links(client, demo_data):
    response = client.get("/find/?q=61265")
    page = html(response)
    assert response.status_code == 200
    expected = find_near(SearchParams("61265", None, None, 25, [], False, 10))
    assert result_slugs(page) == [m.clinic.slug for m in expected.result.matches]
    assert len(expected.result.matches) >= 5
    for match in expected.result.matches:
        clinic = match.clinic
        assert f'href="tel:{clinic.phone_tel}"' in page
        assert f'href="{clinic.schedule_url}" data-schedule>Schedule' in page
        assert f'href="{clinic.get_absolute_url()}"' in page
    distances = [float(d) for d in re.findall(r'data-distance="[^"]*?([\d.]+) mi"', page)]
    assert distances == sorted(distances)
    assert 'Clinics near <span class="results-title__place">Moline, IL 61265</span>' in page
    assert 'role="status" aria-live="polite" data-announce>' in page
    assert f"{len(expected.result.matches)} clinics within 25 miles, nearest first." in page
    assert f"<title>{len(expected.result.matches)} clinics near Moline, IL 61265" in page
    assert 'value="61265"' in page  # the search box keeps the query
    assert 'id="leaflet-options"' in page and "clinics/map.js" in page
    assert '<meta name="robots" content="noindex, follow">' in page


def test_results_show_hours_services_notice_and_directions(client):
    ClinicFactory(
        name="Moline Test",
        latitude=41.49,
        longitude=-90.50,
        services=("physical-therapy", "dry-needling"),
        hours=[(0, time(7), time(19))],
        notice="Parking lot closed Fridays",
        street="1 Main St",
        phone="309-555-0100",
        timezone="America/Chicago",
    )
    with time_machine.travel("2026-11-30 15:00:00+00:00", tick=False):  # Monday 9:00 in Moline
        page = html(client.get("/find/?q=61265"))
    readable = text_of(page)
    assert "Open now · Today: 7 AM–7 PM" in readable
    assert "Physical Therapy" in readable and "Dry Needling" in readable
    assert "Notice: Parking lot closed Fridays" in readable
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=1+Main+St" in page
    assert 'href="tel:+13095550100"' in page


def test_unknown_zip_gets_a_clear_message_not_an_error(client, demo_data):
    response = client.get("/find/?q=00000")
    assert response.status_code == 200
    assert "00000 isn't a US ZIP code we know. Check the number and try again." in unescape(html(response))
    assert result_slugs(html(response)) == []


def test_unknown_place_gets_a_clear_message(client, demo_data):
    response = client.get("/find/?q=Atlantis, IA")
    assert response.status_code == 200
    assert "We couldn't find a city called “Atlantis” in Iowa" in unescape(html(response))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=61265&radius=abc", "Choose a distance from the list (up to 250 miles)."),
        ("q=61265&radius=-5", "Choose a distance from the list (up to 250 miles)."),
        ("q=61265&radius=9999", "Choose a distance from the list (up to 250 miles)."),
        ("q=61265&service=underwater-basket-weaving", "We don't offer a service called “underwater-basket-weaving”."),
        ("q=61265&limit=0", "We can show between 1 and 50 clinics at a time."),
        ("q=61265&limit=51", "We can show between 1 and 50 clinics at a time."),
        ("q=61265&limit=ten", "We can show between 1 and 50 clinics at a time."),
        ("q=" + "x%3Cscript%3E" * 50, "That is too long for a ZIP code, city or address."),
        ("lat=41.5", "Your location was incomplete."),
        ("lng=-90.5", "Your location was incomplete."),
        ("lat=abc&lng=-90.5", "Your location didn't come through correctly."),
        ("lat=91&lng=-90.5", "Your location didn't come through correctly."),
        ("lat=nan&lng=inf", "Your location didn't come through correctly."),
        ("q=", "Enter a ZIP code, a city and state, or an address."),
        ("q=%20%20&radius=10", "Enter a ZIP code, a city and state, or an address."),
    ],
)
def test_invalid_parameters_get_a_clear_message(client, demo_data, query, message):
    response = client.get(f"/find/?{query}")
    page = html(response)
    assert response.status_code == 400
    assert message in unescape(page)
    assert "There is a problem with this search" in page
    assert 'role="alert"' in page
    assert result_slugs(page) == []
    assert "<script>" not in page


def test_garbage_text_that_is_not_too_long_gets_the_geocoder_message(client, demo_data):
    response = client.get("/find/?q=%21%21%21%24%25")
    assert response.status_code == 200
    assert "That doesn't look like a place." in unescape(html(response))


def test_an_invalid_field_is_marked_and_linked_from_the_summary(client, demo_data):
    page = html(client.get("/find/?q=61265&radius=abc"))
    assert '<a href="#id_radius">Choose a distance' in page
    assert 'id="id_radius" name="radius" aria-invalid="true" aria-describedby="radius-error"' in page
    assert 'value="61265"' in page


def test_find_without_parameters_invites_a_search(client, demo_data):
    response = client.get("/find/?utm_source=newsletter")
    assert response.status_code == 200
    assert "Find a clinic near you" in html(response)
    assert "There is a problem" not in html(response)


def test_address_without_a_geocoder_falls_back_to_its_zip_and_says_so(client, demo_data):
    page = html(client.get("/find/?q=850 43rd Avenue, Moline, IL 61265"))
    assert "We can't look up street addresses right now, so we're showing clinics near 61265." in unescape(page)
    assert result_slugs(page)[0] == "moline-valley-view"
    assert 'value="850 43rd Avenue, Moline, IL 61265"' in page


def test_geocoder_outage_gets_a_clear_message(client, demo_data, fake_geocoder):
    fake_geocoder.fault = geopy_exc.GeocoderUnavailable("down")
    response = client.get("/find/?q=850 43rd Avenue")
    assert response.status_code == 200
    assert "Address lookup is unavailable right now. Try a ZIP code or city instead." in html(response)


def test_no_clinic_in_the_radius_shows_the_nearest_and_says_how_far(client, demo_data):
    page = unescape(html(client.get("/find/?q=90210")))
    assert "No clinic is within 25 miles of Beverly Hills, CA 90210. The nearest are shown below, from" in page
    assert len(result_slugs(page)) == 3
    assert "3 nearest clinics, all farther than 25 miles." in page


def test_filters_that_match_nothing_say_so(client):
    ClinicFactory(name="Only PT", latitude=41.49, longitude=-90.50, services=("physical-therapy",))
    ClinicFactory(name="Elsewhere", latitude=45.0, longitude=-100.0, services=("aquatic-therapy",))
    ClinicFactory(name="Hands", latitude=45.1, longitude=-100.1, services=("hand-therapy",))
    page = html(client.get("/find/?q=61265&service=aquatic-therapy&service=hand-therapy"))
    assert "No clinic matches those filters yet." in page
    # Both services are kept for the next search: the select shows one, the other rides along hidden.
    assert '<option value="aquatic-therapy" selected>' in page
    assert '<input type="hidden" name="service" value="hand-therapy">' in page


def test_coordinates_search_and_custom_radius(client, demo_data):
    page = html(client.get("/find/?lat=41.5067&lng=-90.5151&radius=30"))
    assert 'Clinics near <span class="results-title__place">Your location</span>' in page
    assert '<option value="30" selected>30 miles</option>' in page
    assert result_slugs(page)


def test_a_full_page_offers_more_results(client, demo_data):
    page = html(client.get("/find/?q=61265&limit=2"))
    assert len(result_slugs(page)) == 2
    assert re.search(r'href="/find/\?q=61265&amp;limit=12"', page)


def test_inactive_clinics_never_appear(client, demo_data):
    hidden = ClinicFactory(
        name="Closed For Good", latitude=41.4906, longitude=-90.498, is_active=False, internal_notes="staff only secret"
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


# --- Clinic pages ------------------------------------------------------------------------------


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
    assert f'href="{clinic.schedule_url}">Schedule a visit</a>' in page
    assert 'href="https://www.google.com/maps/dir/?api=1&amp;destination=' in page
    assert re.search(r'<tr class="hours__today" aria-current="date">\s*<th scope="row">Monday', page)
    assert "Times are Central Time (CST)" in readable
    assert "Vestibular rehabilitation" in readable
    assert "Closed now" in readable
    assert clinic.internal_notes and clinic.internal_notes.splitlines()[0] not in page
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{clinic.get_absolute_url()}">' in page


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


def test_clinic_list_groups_active_clinics_by_full_state_name(client, demo_data):
    response = client.get("/clinics/")
    page = html(response)
    assert response.status_code == 200
    headings = re.findall(r'<h2 class="state-group__title" id="state-[a-z-]+" tabindex="-1">([^<]+)</h2>', page)
    assert headings == ["Illinois", "Iowa", "Nebraska"]
    assert page.count('class="clinic-card"') == Clinic.objects.active().count() == 13
    assert "<title>All clinics | Rock Valley Physical Therapy</title>" in page


def test_unknown_clinic_gets_the_friendly_404_page(client, demo_data):
    response = client.get("/clinics/no-such-clinic/")
    assert response.status_code == 404
    page = html(response)
    assert "We can't find that page" in unescape(page)
    assert 'action="/find/"' in page


def test_server_error_page_needs_no_database():
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# --- Sitemap and robots -------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("miles", "approximate", "shown", "spoken"),
    [
        (3.24, False, "3.2 mi", "3.2 miles away"),
        (0.04, False, "< 0.1 mi", "less than 0.1 miles away"),
        (0.0, True, "≈ under 1 mi", "about a mile away or less"),
        (12.4, True, "≈ 12.4 mi", "about 12.4 miles away"),
        (1305.0, True, "≈ 1,305 mi", "about 1,305 miles away"),
    ],
)
def test_distance_words(miles, approximate, shown, spoken):
    assert views.distance_words(miles, approximate) == (shown, spoken)


def test_clinic_list_names_its_states_in_words(client, demo_data):
    page = html(client.get("/clinics/"))
    assert "13 Rock Valley Physical Therapy clinics in Illinois, Iowa and Nebraska." in text_of(page)


@pytest.mark.parametrize(
    ("value", "checked"), [("true", True), ("1", True), ("on", True), ("0", False), ("false", False)]
)
def test_open_now_reads_like_the_api(client, demo_data, value, checked):
    page = html(client.get(f"/find/?q=61265&open_now={value}"))
    assert ('name="open_now" value="true" checked' in page) is checked


def test_map_options_come_from_settings(client, demo_data, settings):
    page = html(client.get("/find/?q=61265"))
    options = json.loads(re.search(r'<script id="leaflet-options" type="application/json">(.*?)</script>', page)[1])
    [(_label, url, layer)] = options["layers"]
    assert url == settings.MAP_TILES_URL
    assert layer["attribution"] == settings.MAP_TILES_ATTRIBUTION
    assert options["scale"] == "imperial"
    assert options["center"] == list(settings.LEAFLET_CONFIG["DEFAULT_CENTER"])


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
def test_web_url_keeps_only_http_links(url, shown):
    assert views.web_url(url) == shown


def test_searching_too_often_from_the_page_gets_a_clear_message(demo_data, client, monkeypatch):
    from clinics.throttling import SearchThrottle

    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    statuses = [client.get("/find/", {"q": "61265"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    page = client.get("/find/", {"q": "61265"}).content.decode()
    assert "You have searched many times in a short while" in page
    # The page and the API share one count per visitor.
    assert client.get("/api/v1/clinics/nearest/", {"q": "61265"}).status_code == 429


@pytest.mark.parametrize("service", ["pt\x00", "<script>", "x" * 300])
def test_a_malformed_service_in_a_link_gets_a_message_not_a_500(demo_data, client, service):
    response = client.get("/find/", {"q": "61265", "service": service})
    assert response.status_code == 400
    assert "We don't offer a service called" in text_of(html(response))


@pytest.mark.parametrize(
    ("word", "status", "checked"),
    [
        ("1", 200, True),
        ("on", 200, True),
        ("t", 200, True),
        ("0", 200, False),
        ("f", 200, False),
        ("maybe", 400, False),
    ],
)
def test_open_now_in_a_link_reads_as_in_the_api(demo_data, client, word, status, checked):
    page = client.get("/find/", {"q": "61265", "open_now": word})
    api = client.get("/api/v1/clinics/nearest/", {"q": "61265", "open_now": word})
    assert page.status_code == status
    assert api.status_code == status
    box = re.search(r'<input[^>]*name="open_now"[^>]*>', page.content.decode())[0]
    assert ("checked" in box) is checked
