"""Far from every clinic: the page and the API say where Rock Valley's clinics are and how far the nearest one is."""

from __future__ import annotations

import math

import pytest
import zipcodes

from clinics.models import Clinic

pytestmark = pytest.mark.django_db


def nearest_miles_from_zip(zip_code: str) -> float:
    """Independently: haversine from the ZIP's centre to the nearest demo clinic."""
    origin = zipcodes.matching(zip_code)[0]
    lat1, lon1 = math.radians(float(origin["lat"])), math.radians(float(origin["long"]))
    best = math.inf
    for lat, lng in Clinic.objects.values_list("latitude", "longitude"):
        lat2, lon2 = math.radians(float(lat)), math.radians(float(lng))
        a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        best = min(best, 3958.8 * 2 * math.asin(math.sqrt(a)))
    return best


def test_a_far_zip_is_told_where_the_clinics_are_and_how_far_the_nearest_is(demo_data, client):
    body = client.get("/api/v1/clinics/nearest/", {"q": "90210"}).json()
    miles = nearest_miles_from_zip("90210")
    assert miles > 1000
    assert body["outside_service_area"] is True
    assert body["message"].startswith(
        f"Rock Valley's clinics are in Illinois, Iowa and Nebraska. The nearest is {miles:,.0f} miles from "
        "Beverly Hills, CA 90210"
    )
    assert body["results"]  # still listed


def test_the_results_page_says_the_same_and_offers_to_call_the_nearest(demo_data, client):
    page = client.get("/find/", {"q": "90210"}).content.decode()
    assert "Rock Valley&#x27;s clinics are in Illinois, Iowa and Nebraska." in page
    assert f"The nearest is {nearest_miles_from_zip('90210'):,.0f} miles from Beverly Hills, CA 90210" in page
    assert 'href="tel:' in page and ">Call " in page


def test_a_nearby_zip_is_inside_the_service_area(demo_data, client):
    body = client.get("/api/v1/clinics/nearest/", {"q": "61265"}).json()
    assert body["outside_service_area"] is False
    assert "Rock Valley's clinics are in" not in body["message"]


def test_the_service_area_is_a_setting(demo_data, client, settings):
    settings.SERVICE_AREA_MILES = 5
    body = client.get("/api/v1/clinics/nearest/", {"q": "52601"}).json()  # Burlington: nearest clinic within 5?
    expected = nearest_miles_from_zip("52601") > 5
    assert body["outside_service_area"] is expected


def test_distances_are_written_one_way_in_the_message_and_the_cards(demo_data, client):
    page = client.get("/find/", {"q": "90210"}).content.decode()
    miles = f"{nearest_miles_from_zip('90210'):,.0f}"
    assert f"{miles} miles from" in page
    assert f"≈ {miles} mi" in page or f"{miles} mi<" in page
    assert f"{miles.replace(',', '')} miles" not in page


def test_searching_from_my_location_says_near_you(demo_data, client):
    page = client.get("/find/", {"lat": "41.5067", "lng": "-90.5151"}).content.decode()
    assert 'Clinics near <span class="results-title__place">you</span>' in page
    assert "clinics near you |" in page.split("</title>")[0]
