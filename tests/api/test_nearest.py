"""GET /api/v1/clinics/nearest/: known answers, filters and every invalid parameter."""

import math

import pytest
from geopy import exc as geopy_exc

from clinics.conditions import catalogue
from clinics.models import PUBLIC_STATUSES, Clinic
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/clinics/nearest/"
MEAN_EARTH_RADIUS_KM = 6371.0088


def independent_miles(lat1, lon1, lat2, lon2):
    """Haversine written out again here, in kilometres, converted at the end."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * MEAN_EARTH_RADIUS_KM * math.asin(math.sqrt(h)) / 1.609344


def brute_force(origin_lat, origin_lng, radius, limit):
    """Every active clinic, ranked by distance; the nearest three if none is within the radius."""
    ranked = sorted(
        (independent_miles(origin_lat, origin_lng, float(c.latitude), float(c.longitude)), c.name, c.slug)
        for c in Clinic.objects.filter(status__in=PUBLIC_STATUSES)
    )
    inside = [row for row in ranked if row[0] <= radius]
    return [(slug, round(d, 1)) for d, _, slug in (inside[:limit] if inside else ranked[:3])], bool(inside)


@pytest.mark.parametrize(
    "zip_code",
    [
        "61265",  # Moline, IL
        "61602",  # Peoria, IL
        "61201",  # Rock Island, IL
        "52403",  # Cedar Rapids, IA
        "52601",  # Burlington, IA
        "52101",  # Decorah, IA
        "50309",  # Des Moines, IA: nothing within 25 miles
        "68022",  # Elkhorn, NE
        "68102",  # Omaha, NE
        "32801",  # Orlando, FL: far from every clinic
    ],
)
@pytest.mark.parametrize(("radius", "limit"), [(25, 10), (250, 50), (100, 3)])
def test_known_answers_equal_a_brute_force_ranking(demo_data, client, zip_code, radius, limit):
    response = client.get(URL, {"q": zip_code, "radius": radius, "limit": limit})
    assert response.status_code == 200
    body = response.json()
    origin = body["origin"]
    expected, any_inside = brute_force(origin["latitude"], origin["longitude"], radius, limit)
    assert [(r["slug"], r["distance_miles"]) for r in body["results"]] == expected
    assert body["any_within_radius"] is any_inside
    assert all(r["within_radius"] is any_inside for r in body["results"])
    assert body["count"] == len(expected)


def test_answer_has_origin_and_everything_a_result_card_needs(demo_data, client):
    body = client.get(URL, {"q": "61265"}).json()
    assert body["origin"] == {
        "label": "Moline, IL 61265",
        "latitude": 41.4906,
        "longitude": -90.498,
        "precision": "zip",
        "note": "",
    }
    first = body["results"][0]
    assert first["slug"] == "moline-valley-view"
    assert first["distance_miles"] == 0.0
    for key in (
        "name street address_line2 city state zip_code phone latitude longitude distance_miles within_radius "
        "open_now hours_today services schedule_url directions_url url"
    ).split():
        assert key in first, key
    assert first["url"] == "http://testserver/clinics/moline-valley-view/"
    assert first["directions_url"].startswith("https://www.google.com/maps/dir/?api=1&destination=850+43rd+Avenue")
    assert {"slug": "aquatic-therapy", "name": "Aquatic therapy"} in first["services"]


def test_far_away_origin_gets_the_nearest_with_a_message(demo_data, client):
    body = client.get(URL, {"q": "62701"}).json()  # Springfield, IL: the nearest clinic is Peoria's, 60-odd miles
    assert len(body["results"]) == 3
    assert body["any_within_radius"] is False
    assert body["outside_service_area"] is False
    assert body["message"].startswith("No clinic is within 25 miles of Springfield, IL 62701.")


def test_coordinates_instead_of_text(demo_data, client):
    body = client.get(URL, {"lat": "41.5", "lng": "-90.5"}).json()
    assert body["origin"]["label"] == "Your location"
    assert body["origin"]["precision"] == "point"
    assert body["results"][0]["city"] in {"Moline", "Davenport", "Silvis"}


def test_service_filter_is_repeatable_and_all_must_match(demo_data, client):
    pools = client.get(URL, {"q": "61265", "service": "aquatic-therapy", "radius": 250}).json()["results"]
    assert {r["slug"] for r in pools} == {"moline-valley-view", "davenport-northwest"}
    both = client.get(URL + "?q=52761&radius=250&service=occupational-therapy&service=sports-injury-prevention").json()[
        "results"
    ]
    assert [r["slug"] for r in both] == ["muscatine-cedarwood"]
    comma = client.get(URL + "?q=52761&radius=250&service=occupational-therapy,sports-injury-prevention").json()
    assert [r["slug"] for r in comma["results"]] == ["muscatine-cedarwood"]


@pytest.mark.parametrize("service", ["", " , ", "aquatic-therapy, ", " aquatic-therapy"])
def test_blank_services_mean_any_and_spacing_around_a_slug_is_trimmed(demo_data, client, service):
    assert client.get(URL, {"q": "61265", "service": service}).status_code == 200


def test_open_now_filter(demo_data, client):
    import time_machine

    # Saturday: every demo clinic is closed (sample hours are Monday to Friday).
    with time_machine.travel("2026-11-28 15:00:00+00:00", tick=False):
        body = client.get(URL, {"q": "61265", "open_now": "true"}).json()
    assert body["results"] == []
    assert "No clinic matches those filters" in body["message"]
    with time_machine.travel("2026-11-30 15:00:00+00:00", tick=False):  # Monday 9:00 in Iowa
        body = client.get(URL, {"q": "61265", "open_now": "true"}).json()
    assert body["results"] and all(r["open_now"] and r["hours_today"] == "7 AM–7 PM" for r in body["results"])


def test_retired_clinics_never_appear(demo_data, client):
    Clinic.objects.filter(slug="moline-valley-view").update(status="retired")
    slugs = [r["slug"] for r in client.get(URL, {"q": "61265", "radius": 250, "limit": 50}).json()["results"]]
    assert "moline-valley-view" not in slugs


def error_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({}, "q", "Enter a ZIP code, a city and state, or an address."),
        ({"q": ""}, "q", "Enter a ZIP code, a city and state, or an address."),
        ({"q": "61265", "radius": "abc"}, "radius", "Choose a distance from 0.1 to 250 miles."),
        ({"q": "61265", "radius": "0"}, "radius", "Choose a distance from 0.1 to 250 miles."),
        ({"q": "61265", "radius": "251"}, "radius", "Choose a distance from 0.1 to 250 miles."),
        ({"q": "61265", "radius": "-5"}, "radius", "Choose a distance from 0.1 to 250 miles."),
        ({"q": "61265", "limit": "0"}, "limit", "We can show between 1 and 50 clinics at a time."),
        ({"q": "61265", "limit": "51"}, "limit", "We can show between 1 and 50 clinics at a time."),
        ({"q": "61265", "limit": "ten"}, "limit", "We can show between 1 and 50 clinics at a time."),
        ({"q": "61265", "open_now": "perhaps"}, "open_now", "must be on or off (true or false)"),
        ({"q": "61265", "open_now": "\xa0true"}, "open_now", "must be on or off (true or false)"),
        ({"lat": "41.5"}, "lng", "give both lat and lng"),
        ({"lng": "-90"}, "lat", "give both lat and lng"),
        ({"lat": "91", "lng": "-90"}, "lat", "lat must be a number from -90 to 90"),
        ({"lat": "41", "lng": "-181"}, "lng", "lng must be a number from -180 to 180"),
        ({"lat": "north", "lng": "-90"}, "lat", "lat must be a number from -90 to 90"),
        ({"lat": "nan", "lng": "-90"}, "lat", "lat must be a number from -90 to 90"),
    ],
)
def test_every_invalid_parameter_gets_a_400_naming_it(demo_data, client, params, field, words):
    error = error_of(client.get(URL, params), 400)
    assert error["code"] == "invalid_parameters"
    assert any(words in message for message in error["fields"][field]), error


@pytest.mark.parametrize(
    ("q", "code", "words"),
    [
        ("x" * 500, "query_too_long", "too long"),
        ("\x1b[31mMoline", "invalid_query", "doesn't look like a place"),
        ("61265\x00", "invalid_query", "doesn't look like a place"),
        ("?!", "invalid_query", "doesn't look like a place"),
    ],
)
def test_text_that_cannot_name_a_place_gets_a_400_with_a_code(demo_data, client, q, code, words):
    error = error_of(client.get(URL, {"q": q}), 400)
    assert error["code"] == code
    assert words in error["message"]
    assert error["fields"]["q"] == [error["message"]]


@pytest.mark.parametrize(
    ("q", "code", "words"),
    [
        ("00000", "not_found", "00000 isn't a US ZIP code we know"),
        ("Springfeld, IL", "not_found", "Springfeld"),
        ("zzz", "not_found", "couldn't find that place"),
        ("850 43rd Ave", "address_lookup_unavailable", "can't look up street addresses"),
    ],
)
def test_a_place_that_cannot_be_found_gets_a_404_with_a_code(demo_data, client, q, code, words):
    error = error_of(client.get(URL, {"q": q}), 404)
    assert error["code"] == code
    assert words in error["message"]
    assert error["fields"]["q"] == [error["message"]]


@pytest.mark.parametrize(("q", "code"), [("", "empty_query"), ("?!", "invalid_query"), ("61265\x00", "invalid_query")])
def test_text_beside_coordinates_is_still_checked(demo_data, client, q, code):
    error = error_of(client.get(URL, {"q": q, "lat": "41.5", "lng": "-90.5"}), 400)
    assert error["code"] == code


def test_coordinates_win_over_a_place_beside_them(demo_data, client):
    body = client.get(URL, {"q": "32801", "lat": "41.5", "lng": "-90.5"}).json()
    assert body["origin"]["label"] == "Your location"


def test_geocoder_down_is_a_503_with_a_code(demo_data, client, fake_geocoder):
    fake_geocoder.fault = geopy_exc.GeocoderUnavailable("down")
    error = error_of(client.get(URL, {"q": "1 Main Street, Anytown"}), 503)
    assert error["code"] == "geocoder_unavailable"


def test_geocoder_quota_is_a_503_with_a_code(demo_data, client, fake_geocoder):
    fake_geocoder.fault = geopy_exc.GeocoderQuotaExceeded("quota")
    assert error_of(client.get(URL, {"q": "1 Main Street, Anytown"}), 503)["code"] == "geocoder_quota_exceeded"


def test_street_address_with_geocoder(demo_data, client, fake_geocoder):
    fake_geocoder.answers["850 43rd Ave, Moline IL"] = (41.4627, -90.5142, "850 43rd Ave, Moline, IL 61265, USA")
    body = client.get(URL, {"q": "850 43rd Ave, Moline IL"}).json()
    assert body["origin"]["precision"] == "address"
    assert body["results"][0]["slug"] == "moline-valley-view"


def test_cors_allows_listed_origins_only(demo_data, client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.rockvalleypt.com"]
    allowed = client.get(URL, {"q": "61265"}, HTTP_ORIGIN="https://www.rockvalleypt.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.rockvalleypt.com"
    other = client.get(URL, {"q": "61265"}, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def test_one_search_makes_a_bounded_number_of_queries(demo_data, client, django_assert_max_num_queries):
    ClinicFactory(name="Extra", latitude=41.49, longitude=-90.49)
    catalogue.get()  # the conditions are read once per process every few seconds, not per search
    # The box, then for the cards not yet cached: clinics, their services, hours and special hours.
    with django_assert_max_num_queries(6):
        client.get(URL, {"q": "61265", "radius": 250, "limit": 50})


@pytest.mark.parametrize("param", ["radius", "limit", "lat"])
def test_an_empty_number_is_an_error_not_a_default(demo_data, client, param):
    params = {"q": "61265", param: ""}
    error = client.get(URL, params).json()["error"]
    assert param in error["fields"]
