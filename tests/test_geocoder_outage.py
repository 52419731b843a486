"""A slow or failing street-address geocoder never stalls anyone else.

The service here is geopy's real Nominatim client pointed at a local port that accepts connections and
never answers (tests/network.py), so every lookup meets a genuine socket timeout.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from clinics.geocoding import FailureCode, GeocodeFailure, Place, geocode
from tests.network import silent_port

TIMEOUT = 1.0  # the service's timeout in these tests (2 s in production): long enough to tell waiting apart
ADDRESS = "850 43rd Avenue, Moline, IL 61265"
FALLBACK_NOTE = "We can't look up street addresses right now, so we're showing clinics near 61265."


@pytest.fixture
def hung_geocoder(settings):
    with silent_port() as port:
        settings.GEOCODER = {
            **settings.GEOCODER,
            "SERVICE": "nominatim",
            "OPTIONS": {"user_agent": "locator-tests", "domain": f"127.0.0.1:{port}", "scheme": "http"},
            "TIMEOUT": TIMEOUT,
            "MIN_DELAY_SECONDS": 0,
            "MAX_CONCURRENT": 2,
            "FAILURES_TO_PAUSE": 3,
            "PAUSE_SECONDS": 60,
        }
        yield


def timed_geocode(text: str) -> tuple[Place | GeocodeFailure, float]:
    started = time.monotonic()
    result = geocode(text)
    return result, time.monotonic() - started


def test_an_address_waits_at_most_the_timeout_then_uses_the_zip_in_it(hung_geocoder):
    result, seconds = timed_geocode(ADDRESS)
    assert isinstance(result, Place)
    assert result.label == "Moline, IL 61265"
    assert result.note == FALLBACK_NOTE
    assert TIMEOUT * 0.9 <= seconds < TIMEOUT + 0.5


def test_ten_visitors_at_once_only_two_wait_and_the_rest_fall_back_at_once(hung_geocoder):
    addresses = [f"{n} Main Street, Moline, IL 61265" for n in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(timed_geocode, addresses))
    assert all(isinstance(result, Place) and "61265" in result.note for result, _ in answers)
    waits = sorted(seconds for _, seconds in answers)
    assert waits[-1] < TIMEOUT + 0.5  # nobody waits for anyone else's lookup
    assert sum(seconds > TIMEOUT / 2 for seconds in waits) == 2  # the cap: two lookups at a time
    assert waits[7] < TIMEOUT / 2  # the other eight were answered without waiting for any lookup


def test_after_repeated_timeouts_the_geocoder_is_paused_and_nobody_waits(hung_geocoder, caplog):
    for n in range(3):
        assert timed_geocode(f"{n} Oak Street, Moline, IL 61265")[1] >= TIMEOUT * 0.9
    assert "geocoder paused for 60 s after 3 failures" in caplog.text
    result, seconds = timed_geocode("9 Elm Street, Moline, IL 61265")
    assert isinstance(result, Place) and result.note == FALLBACK_NOTE
    assert seconds < 0.3


def test_the_paused_geocoder_is_asked_again_after_the_pause(hung_geocoder, settings):
    settings.GEOCODER = {**settings.GEOCODER, "PAUSE_SECONDS": 1, "FAILURES_TO_PAUSE": 1}
    assert timed_geocode("1 Oak Street, Moline, IL 61265")[1] >= TIMEOUT * 0.9
    assert timed_geocode("2 Oak Street, Moline, IL 61265")[1] < 0.3  # paused
    time.sleep(1.2)
    assert timed_geocode("3 Oak Street, Moline, IL 61265")[1] >= TIMEOUT * 0.9  # tried again


def test_zip_searches_and_pages_answer_at_once_while_lookups_hang(hung_geocoder, client, db):
    hanging = [threading.Thread(target=geocode, args=(f"{n} Pine Street, Moline, IL 61265",)) for n in range(2)]
    for thread in hanging:
        thread.start()
    time.sleep(0.1)  # both lookups are now waiting on the silent service
    result, seconds = timed_geocode("61265")
    assert isinstance(result, Place) and result.note == ""
    assert seconds < 0.1
    started = time.monotonic()
    assert client.get("/").status_code == 200
    assert time.monotonic() - started < 0.5
    for thread in hanging:
        thread.join()


def test_without_a_zip_or_city_to_fall_back_on_the_visitor_is_told_plainly(hung_geocoder):
    result, seconds = timed_geocode("850 43rd Avenue")
    assert isinstance(result, GeocodeFailure)
    assert result.code == FailureCode.TIMEOUT
    assert result.message == "Address lookup is taking too long right now. Try a ZIP code or city instead."
    assert seconds < TIMEOUT + 0.5


def test_a_lookup_too_soon_after_another_is_not_delayed_but_falls_back(fake_geocoder, settings):
    settings.GEOCODER = {**settings.GEOCODER, "MIN_DELAY_SECONDS": 1.0}
    fake_geocoder.answers["1 Main Street, Moline, IL 61265"] = (41.5, -90.5, "1 Main Street, Moline, IL 61265")
    fake_geocoder.answers["2 Main Street, Moline, IL 61265"] = (41.5, -90.5, "2 Main Street, Moline, IL 61265")
    assert geocode("1 Main Street, Moline, IL 61265").note == ""
    second, seconds = timed_geocode("2 Main Street, Moline, IL 61265")
    assert isinstance(second, Place) and second.note == FALLBACK_NOTE
    assert seconds < 0.1
    time.sleep(1.05)
    assert geocode("2 Main Street, Moline, IL 61265").note == ""
    assert len(fake_geocoder.calls) == 2


def test_a_management_command_waits_its_turn_instead_of_falling_back(fake_geocoder, settings):
    from clinics.geocoding import patient_lookups

    settings.GEOCODER = {**settings.GEOCODER, "MIN_DELAY_SECONDS": 0.3}
    for n in range(3):
        fake_geocoder.answers[f"{n} Main Street, Moline, IL 61265"] = (41.5, -90.5, f"{n} Main Street, Moline")
    started = time.monotonic()
    with patient_lookups():
        results = [geocode(f"{n} Main Street, Moline, IL 61265") for n in range(3)]
    assert [result.note for result in results] == ["", "", ""]  # every one asked of the service
    assert len(fake_geocoder.calls) == 3
    assert time.monotonic() - started >= 0.55  # spaced 0.3 s apart, as the service asks
