"""The results page (/find/): clinics nearest first, and clear messages when a search cannot be answered."""

from __future__ import annotations

import json
import re
from datetime import time
from html import unescape

import pytest
import time_machine
from geopy import exc as geopy_exc

from clinics import views
from clinics.search.nearby import search_nearby
from clinics.search.params import SearchParams
from tests.factories import ClinicFactory
from tests.pages.reading import html, result_slugs, text_of

pytestmark = pytest.mark.django_db


def test_zip_search_lists_clinics_nearest_first_with_call_and_schedule_links(client, demo_data):
    response = client.get("/find/?q=61265")
    page = html(response)
    assert response.status_code == 200
    expected = search_nearby(SearchParams("61265", None, None, 25, [], False, 10))
    assert result_slugs(page) == [m.clinic.slug for m in expected.result.matches]
    assert len(expected.result.matches) >= 5
    for match in expected.result.matches:
        clinic = match.clinic
        assert f'href="tel:{clinic.phone_tel}"' in page
        # Counted under the search it came from, then redirected to the clinic's stored schedule URL.
        assert f'href="/go/schedule/{clinic.slug}/?from=61265" rel="nofollow" data-schedule>Schedule' in page
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
        ("q=61265&radius=abc", "Choose a distance from 0.1 to 250 miles."),
        ("q=61265&radius=-5", "Choose a distance from 0.1 to 250 miles."),
        ("q=61265&radius=9999", "Choose a distance from 0.1 to 250 miles."),
        ("q=61265&limit=0", "We can show between 1 and 50 clinics at a time."),
        ("q=61265&limit=51", "We can show between 1 and 50 clinics at a time."),
        ("q=61265&limit=ten", "We can show between 1 and 50 clinics at a time."),
        ("lat=41.5", "Your location was incomplete (give both lat and lng)."),
        ("lng=-90.5", "Your location was incomplete (give both lat and lng)."),
        ("lat=abc&lng=-90.5", "Your location didn't come through correctly (lat must be a number"),
        ("lat=91&lng=-90.5", "Your location didn't come through correctly (lat must be a number"),
        ("lat=nan&lng=inf", "Your location didn't come through correctly (lat must be a number"),
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


def test_text_too_long_for_a_place_gets_the_geocoders_message(client, demo_data):
    response = client.get("/find/?q=" + "x%3Cscript%3E" * 50)
    page = html(response)
    assert "That is too long to be an address; use at most 200 characters." in unescape(page)
    assert result_slugs(page) == []
    assert "<script>" not in page


def test_an_error_keeps_the_visitors_other_choices(client, demo_data):
    page = html(client.get("/find/?q=61265&radius=10&service=aquatic-therapy&open_now=true&limit=0"))
    assert "We can show between 1 and 50 clinics at a time." in page
    assert '<option value="10" selected>' in page
    assert '<option value="aquatic-therapy" selected>' in page
    assert 'name="open_now" value="true" checked' in page
    assert 'value="61265"' in page


def test_errors_are_listed_in_the_order_of_the_form(client, demo_data):
    page = unescape(html(client.get("/find/?q=61265&limit=0&radius=abc&open_now=maybe")))
    positions = [page.index(words) for words in ("Choose a distance", "must be on or off", "We can show")]
    assert positions == sorted(positions)


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
    page = unescape(html(client.get("/find/?q=62701")))
    assert "No clinic is within 25 miles of Springfield, IL 62701. The nearest are shown below, from" in page
    assert len(result_slugs(page)) == 3
    assert "3 nearest clinics, all farther than 25 miles." in page


def test_a_place_far_from_every_clinic_is_not_called_near_in_the_title(client, demo_data):
    page = unescape(html(client.get("/find/?q=90210")))
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    assert title.startswith("3 nearest clinics to Beverly Hills, CA 90210 |"), title
    spanish = unescape(html(client.get("/es/find/?q=90210")))
    assert re.search(r"<title>(.*?)</title>", spanish, re.S)[1].startswith(
        "3 clínicas más cercanas a Beverly Hills, CA 90210 |"
    )
    assert re.search(r"<title>3 clinics near Moline, IL 61265", unescape(html(client.get("/find/?q=61265&limit=3"))))


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
    assert 'Clinics near <span class="results-title__place">you</span>' in page
    assert '<option value="30" selected>30 miles</option>' in page
    assert result_slugs(page)


def test_a_full_page_offers_more_results(client, demo_data):
    page = html(client.get("/find/?q=61265&limit=2"))
    assert len(result_slugs(page)) == 2
    assert re.search(r'href="/find/\?q=61265&amp;limit=12"', page)


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


def test_searching_too_often_from_the_page_gets_a_clear_message(demo_data, client, monkeypatch):
    from clinics.throttling import SearchThrottle

    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    statuses = [client.get("/find/", {"q": "61265"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    page = client.get("/find/", {"q": "61265"}).content.decode()
    assert "You have searched many times in a short while" in page
    # The page and the API share one count per visitor.
    assert client.get("/api/v1/clinics/nearest/", {"q": "61265"}).status_code == 429


@pytest.mark.parametrize("service", ["pt\x00", "<script>", "x" * 300, "underwater-basket-weaving"])
def test_a_malformed_or_unknown_service_in_a_link_still_searches_with_a_note(demo_data, client, service):
    response = client.get("/find/", {"q": "61265", "service": service})
    page = html(response)
    assert response.status_code == 200
    assert "We don't know the service “" in unescape(page)
    assert "; showing all clinics." in text_of(page)
    assert result_slugs(page) == result_slugs(html(client.get("/find/", {"q": "61265"})))
    assert "<script>" not in page


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


def test_after_use_my_location_the_position_stays_in_the_form_through_filter_changes(client, demo_data):
    page = html(client.get("/find/?lat=41.5067&lng=-90.5151&radius=25"))
    assert '<input type="hidden" name="lat" value="41.5067">' in page
    assert '<input type="hidden" name="lng" value="-90.5151">' in page
    assert "Searching near you." in page
    # Changing the radius submits the form as it is: the position is searched again, not "Enter a ZIP code".
    again = html(client.get("/find/?q=&lat=41.5067&lng=-90.5151&radius=50&service="))
    assert 'Clinics near <span class="results-title__place">you</span>' in again
    assert '<option value="50" selected>50 miles</option>' in again


def test_a_place_typed_after_use_my_location_is_searched_instead(client, demo_data):
    page = html(client.get("/find/?q=52403&lat=41.5067&lng=-90.5151&radius=25"))
    assert 'Clinics near <span class="results-title__place">Cedar Rapids, IA 52403</span>' in page
    assert 'name="lat"' not in page
