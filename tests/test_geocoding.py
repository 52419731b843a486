"""Geocoding: offline ZIPs and cities, the online geopy path behind a cache, and failures as values."""

import re
import time

import pytest
import zipcodes
from geopy import exc as geopy_exc
from hypothesis import given
from hypothesis import strategies as st

from clinics.geocoding import (
    MAX_QUERY_LENGTH,
    QUERY_PATTERN,
    FailureCode,
    GeocodeFailure,
    Place,
    Precision,
    geocode,
    validate_query,
)
from clinics.geocoding.online import geocoder_service, query_options
from clinics.geocoding.parsing import split_city_state


def place(text: str) -> Place:
    result = geocode(text)
    assert isinstance(result, Place), result
    return result


def failure(text) -> GeocodeFailure:
    result = geocode(text)
    assert isinstance(result, GeocodeFailure), result
    return result


# Real ZIPs in the three states, with their cities (the ZIP's label) and rough centres.
REAL_ZIPS = [
    ("61265", "Moline, IL 61265", 41.49, -90.50),
    ("52403", "Cedar Rapids, IA 52403", 41.97, -91.63),
    ("52806", "Davenport, IA 52806", 41.58, -90.60),
    ("52601", "Burlington, IA 52601", 40.81, -91.13),
    ("68022", "Elkhorn, NE 68022", 41.28, -96.24),
    ("61602", "Peoria, IL 61602", 40.69, -89.59),
    ("68102", "Omaha, NE 68102", 41.26, -95.93),
]


@pytest.mark.parametrize(("zip_code", "label", "lat", "lng"), REAL_ZIPS)
def test_real_zip_codes_are_found_offline(zip_code, label, lat, lng):
    result = place(zip_code)
    assert result.label == label
    assert result.precision == Precision.ZIP
    assert result.latitude == pytest.approx(lat, abs=0.1)
    assert result.longitude == pytest.approx(lng, abs=0.1)
    assert result.timezone == "America/Chicago"


@pytest.mark.parametrize("typed", ["61265-1234", "61265 1234", "  61265 ", "612651234"])
def test_zip_plus_four_forms_find_the_zip(typed):
    assert place(typed).label == "Moline, IL 61265"


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Moline, IL", "Moline, IL"),
        ("moline il", "Moline, IL"),
        ("  MOLINE ,   il  ", "Moline, IL"),
        ("Cedar Rapids, Iowa", "Cedar Rapids, IA"),
        ("cedar rapids iowa", "Cedar Rapids, IA"),
        ("Elkhorn, Nebraska", "Elkhorn, NE"),
        ("Omaha NE", "Omaha, NE"),
        ("Peoria, Illinois", "Peoria, IL"),
        ("DeWitt, IA", "De Witt, IA"),
        ("West Branch IA", "West Branch, IA"),
        ("Saint Louis, MO", "Saint Louis, MO"),
        ("St. Louis, Missouri", "Saint Louis, MO"),
        ("Sioux City, Iowa", "Sioux City, IA"),
    ],
)
def test_city_and_state_are_found_offline(typed, label):
    result = place(typed)
    assert result.label == label
    assert result.precision == Precision.CITY
    assert result.timezone == "America/Chicago"


def test_city_centre_lies_among_its_zip_codes():
    davenport = place("Davenport, IA")
    assert 41.50 < davenport.latitude < 41.62
    assert -90.68 < davenport.longitude < -90.50
    zips = [z for z in zipcodes.list_all() if z["state"] == "IA" and z["city"] == "Davenport"]
    assert len(zips) > 3
    assert min(float(z["lat"]) for z in zips) <= davenport.latitude <= max(float(z["lat"]) for z in zips)
    assert min(float(z["long"]) for z in zips) <= davenport.longitude <= max(float(z["long"]) for z in zips)


def test_a_city_without_state_is_taken_from_our_home_states_and_said_so():
    davenport = place("Davenport")
    assert davenport.label == "Davenport, IA"
    assert davenport.precision == Precision.CITY
    assert davenport.note == "Showing clinics near Davenport, IA. Add the state if you meant another Davenport."


def test_a_city_in_many_states_but_none_of_ours_asks_for_the_state():
    result = failure("Arlington")
    assert result.code == FailureCode.NOT_FOUND
    assert "more than one Arlington" in result.message
    assert "Add the state, like “Arlington, " in result.message


def test_timezone_comes_from_the_zip():
    assert place("32801").timezone == "America/New_York"  # Orlando
    assert place("85001").timezone == "America/Phoenix"


@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("", FailureCode.EMPTY, "Enter a ZIP code"),
        ("   ", FailureCode.EMPTY, "Enter a ZIP code"),
        (None, FailureCode.EMPTY, "Enter a ZIP code"),
        ("00000", FailureCode.NOT_FOUND, "00000 isn't a US ZIP code we know"),
        ("99999", FailureCode.NOT_FOUND, "99999 isn't a US ZIP code we know"),
        ("Springfeld, IL", FailureCode.NOT_FOUND, "couldn't find a city called “Springfeld” in Illinois"),
        ("Atlantis, Iowa", FailureCode.NOT_FOUND, "couldn't find a city called “Atlantis” in Iowa"),
        ("x" * 500, FailureCode.TOO_LONG, "too long"),
        ("61265\x00", FailureCode.INVALID, "doesn't look like a place"),
        ("\x1b[31mMoline", FailureCode.INVALID, "doesn't look like a place"),
        ("?!?!", FailureCode.INVALID, "doesn't look like a place"),
        ("qwertyuiop", FailureCode.NOT_FOUND, "couldn't find that place"),
        ("850 43rd Ave", FailureCode.ADDRESS_UNSUPPORTED, "can't look up street addresses"),
    ],
)
def test_bad_input_gets_a_clear_message(typed, code, words):
    result = failure(typed)
    assert result.code == code
    assert words in result.message
    assert not result.is_service_failure


# Control characters, spacing, punctuation, ASCII and other letters and digits; long enough to pass the limit.
QUERY_TEXT = st.text(
    alphabet=st.sampled_from("\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x85 ,.-#?!aZ09\u00e9\u0663\u4e2d\U0001f600")
    | st.characters(),
    max_size=MAX_QUERY_LENGTH + 5,
)


@given(QUERY_TEXT)
def test_the_query_pattern_accepts_exactly_what_validate_query_accepts(text):
    """The API documents q with QUERY_PATTERN; spelled out again here, character by character."""
    control = {*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F}
    well_formed = not any(ord(char) in control for char in text) and any(
        char.isascii() and char.isalnum() for char in text
    )
    assert (re.search(QUERY_PATTERN, text) is not None) is well_formed
    assert (validate_query(text) is None) is (well_formed and len(text) <= MAX_QUERY_LENGTH)


def test_garbage_never_raises():
    import random

    rng = random.Random(7)
    alphabet = "abc XYZ 0123456789,.-#/\\'\"<>&;\t\n\u00e9\u4e2d\U0001f600"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 220)))
        result = geocode(text)
        assert isinstance(result, Place | GeocodeFailure)
        # Whatever was typed, the visitor is shown a place or told in words what went wrong.
        assert result.label if isinstance(result, Place) else result.message


def test_without_a_street_geocoder_the_zip_in_an_address_is_used_and_said():
    result = place("850 43rd Avenue, Moline, IL 61265")
    assert result.label == "Moline, IL 61265"
    assert result.note == "We can't look up street addresses right now, so we're showing clinics near 61265."


def test_without_a_street_geocoder_the_city_in_an_address_is_used_and_said():
    result = place("850 43rd Ave, Moline IL")
    assert result.label == "Moline, IL"
    assert result.precision == Precision.CITY
    assert result.note == "We can't look up street addresses right now, so we're showing clinics near Moline, IL."


# Written out here, not read from clinics.states, so that a wrong or missing entry there shows.
STATES = [
    ("Alabama", "AL"), ("Alaska", "AK"), ("Arizona", "AZ"), ("Arkansas", "AR"), ("California", "CA"),
    ("Colorado", "CO"), ("Connecticut", "CT"), ("Delaware", "DE"), ("District of Columbia", "DC"),
    ("Florida", "FL"), ("Georgia", "GA"), ("Hawaii", "HI"), ("Idaho", "ID"), ("Illinois", "IL"),
    ("Indiana", "IN"), ("Iowa", "IA"), ("Kansas", "KS"), ("Kentucky", "KY"), ("Louisiana", "LA"),
    ("Maine", "ME"), ("Maryland", "MD"), ("Massachusetts", "MA"), ("Michigan", "MI"), ("Minnesota", "MN"),
    ("Mississippi", "MS"), ("Missouri", "MO"), ("Montana", "MT"), ("Nebraska", "NE"), ("Nevada", "NV"),
    ("New Hampshire", "NH"), ("New Jersey", "NJ"), ("New Mexico", "NM"), ("New York", "NY"),
    ("North Carolina", "NC"), ("North Dakota", "ND"), ("Ohio", "OH"), ("Oklahoma", "OK"), ("Oregon", "OR"),
    ("Pennsylvania", "PA"), ("Rhode Island", "RI"), ("South Carolina", "SC"), ("South Dakota", "SD"),
    ("Tennessee", "TN"), ("Texas", "TX"), ("Utah", "UT"), ("Vermont", "VT"), ("Virginia", "VA"),
    ("Washington", "WA"), ("West Virginia", "WV"), ("Wisconsin", "WI"), ("Wyoming", "WY"),
    ("American Samoa", "AS"), ("Guam", "GU"), ("Northern Mariana Islands", "MP"), ("Puerto Rico", "PR"),
    ("U.S. Virgin Islands", "VI"), ("Virgin Islands", "VI"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "code"), STATES)
def test_every_state_name_is_understood(name, code):
    assert split_city_state(f"Springfield, {name}") == ("Springfield", code)
    assert split_city_state(f"springfield {name.lower()}") == ("springfield", code)
    assert split_city_state(f"Sioux Falls {code}") == ("Sioux Falls", code)


# --- The online path, with a fake geopy geocoder injected through settings -----------------

ADDRESS = "850 43rd Ave, Moline IL"
ANSWER = (41.4627, -90.5142, "850, 43rd Avenue, Moline, Rock Island County, Illinois, 61265, United States")


def test_street_address_goes_to_the_configured_geocoder(fake_geocoder):
    fake_geocoder.answers[ADDRESS] = ANSWER
    result = place(ADDRESS)
    assert (result.latitude, result.longitude) == (41.4627, -90.5142)
    assert result.precision == Precision.ADDRESS
    assert result.label == "850, 43rd Avenue, Moline, Rock Island County, Illinois, 61265"
    assert result.zip_code == "61265"
    assert fake_geocoder.options["user_agent"] == "rock-valley-clinic-locator"
    assert fake_geocoder.options["timeout"] == 2.0


def test_one_address_is_asked_for_once(fake_geocoder):
    fake_geocoder.answers[ADDRESS] = ANSWER
    first = place(ADDRESS)
    second = place("  850 43RD AVE,   moline il ")
    assert second == first
    assert fake_geocoder.calls == [ADDRESS]


def test_not_found_is_cached_too(fake_geocoder):
    assert failure("1 Nowhere Road, Moline IL").code == FailureCode.NOT_FOUND
    again = failure("1 Nowhere Road, Moline IL")
    assert again.code == FailureCode.NOT_FOUND
    assert "couldn't find “1 Nowhere Road, Moline IL”" in again.message
    assert fake_geocoder.calls == ["1 Nowhere Road, Moline IL"]


def test_zip_and_city_searches_never_call_the_online_geocoder(fake_geocoder):
    assert place("61265").label == "Moline, IL 61265"
    assert place("Moline, IL").label == "Moline, IL"
    assert fake_geocoder.calls == []


@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        (geopy_exc.GeocoderTimedOut("slow"), FailureCode.TIMEOUT, "taking too long"),
        (geopy_exc.GeocoderServiceError("boom"), FailureCode.UNAVAILABLE, "unavailable right now"),
        (geopy_exc.GeocoderUnavailable("down"), FailureCode.UNAVAILABLE, "unavailable right now"),
        (geopy_exc.GeocoderQuotaExceeded("429"), FailureCode.QUOTA, "busy right now"),
        (geopy_exc.GeocoderRateLimited("429"), FailureCode.QUOTA, "busy right now"),
        (ConnectionResetError("reset"), FailureCode.UNAVAILABLE, "unavailable right now"),
    ],
)
def test_geocoder_faults_become_clear_service_failures(fake_geocoder, fault, code, words):
    fake_geocoder.fault = fault
    result = failure("1 Main Street, Anytown")
    assert result.code == code
    assert words in result.message
    assert result.is_service_failure


def test_a_timeout_is_remembered_briefly_so_the_same_address_waits_no_more(fake_geocoder, settings):
    settings.GEOCODER = {**settings.GEOCODER, "FAILURE_TTL": 1, "FAILURES_TO_PAUSE": 0}
    fake_geocoder.fault = geopy_exc.GeocoderTimedOut("slow")
    assert failure("1 Main Street, Anytown").code == FailureCode.TIMEOUT
    fake_geocoder.fault = None
    fake_geocoder.answers["1 Main Street, Anytown"] = (41.0, -90.0, "1 Main Street, Anytown, Iowa")
    assert failure("1 Main Street, Anytown").code == FailureCode.TIMEOUT  # remembered: the service is not asked
    assert len(fake_geocoder.calls) == 1
    time.sleep(1.1)  # real time: the cache may be Redis, which keeps its own clock
    assert place("1 Main Street, Anytown").latitude == 41.0  # asked again once it is forgotten
    assert len(fake_geocoder.calls) == 2


def test_when_the_geocoder_is_down_the_zip_in_the_address_is_used(fake_geocoder):
    fake_geocoder.fault = geopy_exc.GeocoderUnavailable("down")
    result = place("850 43rd Avenue, Moline, IL 61265")
    assert result.label == "Moline, IL 61265"
    assert "showing clinics near 61265" in result.note


def test_geocoder_is_built_from_a_geopy_service_name(settings):
    from geopy.geocoders import Nominatim

    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": "nominatim"}
    service = geocoder_service()

    assert isinstance(service, Nominatim)
    assert service.timeout == 2.0


def test_changing_the_geocoder_setting_builds_the_new_service(settings):
    from geopy.geocoders import ArcGIS, Nominatim

    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": "nominatim"}
    assert isinstance(geocoder_service(), Nominatim)
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": "arcgis", "TIMEOUT": 7.0}
    arcgis = geocoder_service()
    assert isinstance(arcgis, ArcGIS)
    assert arcgis.timeout == 7.0


def test_only_nominatim_gets_the_us_restriction_by_default():
    assert query_options({"SERVICE": "nominatim", "QUERY_OPTIONS": {}}) == {"country_codes": "us"}
    assert query_options({"SERVICE": "arcgis", "QUERY_OPTIONS": {}}) == {}
    assert query_options({"SERVICE": "arcgis", "QUERY_OPTIONS": {"out_fields": "*"}}) == {"out_fields": "*"}


def test_a_service_that_rejects_our_options_is_a_clear_failure_not_a_crash(fake_geocoder, settings):
    settings.GEOCODER = {**settings.GEOCODER, "QUERY_OPTIONS": {"not_an_option": 1}}
    result = failure("1 Main Street, Anytown")
    assert result.code == FailureCode.UNAVAILABLE
    assert result.is_service_failure


def test_the_whole_site_stays_inside_the_geocoders_quota(fake_geocoder, settings):
    settings.GEOCODER = {**settings.GEOCODER, "MAX_PER_MINUTE": 2}
    fake_geocoder.answers.update({f"{n} Main Street, Anytown": (41.0, -90.0, "x") for n in range(5)})
    results = [geocode(f"{n} Main Street, Anytown") for n in range(3)]
    assert [type(r).__name__ for r in results] == ["Place", "Place", "GeocodeFailure"]
    assert results[2].code == FailureCode.QUOTA
    assert len(fake_geocoder.calls) == 2
    # A cached answer costs nothing from the budget.
    assert isinstance(geocode("0 Main Street, Anytown"), Place)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1234", "“1234” has 4 digits, but a ZIP code has 5, like 61265."),
        ("612655", "“612655” has 6 digits, but a ZIP code has 5, like 61265."),
        ("61265-12", "“61265-12” isn't a ZIP+4 code. Enter the 5-digit ZIP code, like 61265, or all 9"),
        ("6126a", "“6126a” isn't a ZIP code. A ZIP code has 5 digits, like 61265."),
    ],
)
def test_text_meant_as_a_zip_gets_the_zip_message_not_the_address_one(text, message):
    found = geocode(text)
    assert isinstance(found, GeocodeFailure)
    assert found.code == FailureCode.NOT_FOUND
    assert found.message.startswith(message)
    assert "street address" not in found.message


@pytest.mark.django_db
def test_results_page_tells_a_four_digit_zip_what_is_wrong(client):
    page = client.get("/find/", {"q": "1234"}).content.decode()
    assert "has 4 digits, but a ZIP code has 5, like 61265." in page
    assert "street addresses" not in page


@pytest.mark.parametrize(
    ("text", "label"),
    [("Moline, Ill.", "Moline, IL"), ("Omaha, Neb.", "Omaha, NE"), ("Davenport Iowa", "Davenport, IA")],
)
def test_newspaper_state_abbreviations_are_understood(text, label):
    found = geocode(text)
    assert not isinstance(found, GeocodeFailure), found
    assert found.label == label
