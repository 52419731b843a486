"""Searches recorded as counters per day, area and filter, and nothing about the visitor (demand/recording.py)."""

from __future__ import annotations

import logging
import threading
import time as clock
from datetime import date, time

import pytest
import time_machine
import zipcodes
from django.db import DatabaseError, connections
from django.db.models import QuerySet
from geopy.distance import great_circle

from demand import recording
from demand.models import SearchDemand
from demand.recording import Tallies, Tally, flush
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db

# A Tuesday, 10:00 in Illinois: the day a search counts under is the site's own (America/Chicago).
TUESDAY = "2026-12-01 16:00:00+00:00"
MOLINE = zipcodes.matching("61265")[0]
MOLINE_CENTRE = (float(MOLINE["lat"]), float(MOLINE["long"]))
# Every column a row has: counters and their key, nothing else.
COLUMNS = {"id", "date", "area", "services", "condition", "searches", "schedule_clicks", "nearest_miles"}


@pytest.fixture
def clinics():
    """Two clinics north of Moline's ZIP centre, about 13.8 and 27.6 miles away; only the farther offers aquatic."""
    near = ClinicFactory(name="Near", latitude=MOLINE_CENTRE[0] + 0.2, longitude=MOLINE_CENTRE[1])
    far = ClinicFactory(
        name="Far",
        latitude=MOLINE_CENTRE[0] + 0.4,
        longitude=MOLINE_CENTRE[1],
        services=("physical-therapy", "aquatic-therapy"),
    )
    return near, far


def miles_to(clinic) -> float:
    return great_circle(MOLINE_CENTRE, (clinic.latitude, clinic.longitude)).miles


def rows() -> list[dict]:
    return list(SearchDemand.objects.order_by("area", "services").values())


def test_a_zip_search_is_recorded_with_nothing_beyond_its_counters(client, clinics):
    near, _ = clinics
    with time_machine.travel(TUESDAY, tick=False):
        response = client.get(
            "/find/?q=61265",
            REMOTE_ADDR="203.0.113.9",
            HTTP_USER_AGENT="Mozilla/5.0 (Patient's phone)",
            HTTP_COOKIE="sessionid=abc",
        )
        flush()
    assert response.status_code == 200
    assert {field.attname for field in SearchDemand._meta.concrete_fields} == COLUMNS
    assert rows() == [
        {
            "id": rows()[0]["id"],
            "date": date(2026, 12, 1),
            "area": "61265",
            "services": "",
            "condition": "",
            "searches": 1,
            "schedule_clicks": 0,
            "nearest_miles": round(miles_to(near)),
        }
    ]
    assert round(miles_to(near)) == 14  # the known answer, measured independently with geopy


def test_two_searches_for_the_same_zip_and_day_count_in_one_row(client, clinics):
    with time_machine.travel(TUESDAY, tick=False):
        assert client.get("/find/?q=61265").status_code == 200
        assert client.get("/api/v1/clinics/nearest/?q=61265-1234").status_code == 200
        flush()
        assert client.get("/find/?q=61265&radius=50").status_code == 200
        flush()
    [row] = rows()
    assert (row["area"], row["searches"]) == ("61265", 3)


def test_a_search_on_another_day_gets_a_row_of_its_own(client, clinics):
    with time_machine.travel(TUESDAY, tick=False):
        client.get("/find/?q=61265")
    with time_machine.travel("2026-12-02 16:00:00+00:00", tick=False):
        client.get("/find/?q=61265")
    flush()
    assert [(r["date"], r["searches"]) for r in rows()] == [(date(2026, 12, 1), 1), (date(2026, 12, 2), 1)]


def test_a_service_filter_counts_in_its_own_row_with_the_nearest_clinic_offering_it(client, clinics):
    _, far = clinics
    client.get("/find/?q=61265&service=aquatic-therapy")
    client.get("/find/?q=61265")
    flush()
    by_filter = {r["services"]: (r["searches"], r["nearest_miles"]) for r in rows()}
    assert by_filter == {"": (1, 14), "aquatic-therapy": (1, round(miles_to(far)))}
    assert round(miles_to(far)) == 28


def test_a_city_search_is_recorded_as_the_city_the_index_names(client, clinics):
    client.get("/find/?q=moline%20il")
    client.get("/api/v1/clinics/nearest/?q=Moline,%20Illinois")
    flush()
    assert [(r["area"], r["searches"]) for r in rows()] == [("Moline, IL", 2)]


def test_a_search_from_my_location_records_nothing(client, clinics):
    response = client.get(f"/find/?lat={MOLINE_CENTRE[0]}&lng={MOLINE_CENTRE[1]}")
    assert response.status_code == 200
    flush()
    assert rows() == []


def test_a_street_address_is_recorded_as_its_zip_and_never_the_street(client, clinics, fake_geocoder, settings):
    fake_geocoder.answers["1600 7th Ave, Moline, IL"] = (41.503, -90.51, "1600 7th Ave, Moline, IL 61265, USA")
    assert client.get("/find/?q=1600%207th%20Ave,%20Moline,%20IL").status_code == 200
    # Without a geocoder, the ZIP inside the address is used, and that is what is recorded.
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": ""}
    assert client.get("/find/?q=22%20Elm%20Street%2061265").status_code == 200
    flush()
    assert [(r["area"], r["searches"]) for r in rows()] == [("61265", 2)]
    stored = " ".join(str(value) for row in rows() for value in row.values())
    assert "7th" not in stored and "Elm" not in stored and "41.5" not in stored


def test_a_search_that_finds_no_place_records_nothing(client, clinics):
    assert client.get("/find/?q=00000").status_code == 200
    assert client.get("/api/v1/clinics/nearest/?q=Nowhere,%20ZZ").status_code in (400, 404)
    flush()
    assert rows() == []


def test_open_now_searches_do_not_overwrite_the_distance_to_the_nearest_clinic(client):
    ClinicFactory(latitude=MOLINE_CENTRE[0] + 0.2, longitude=MOLINE_CENTRE[1], hours=[(1, time(8), time(9))])
    ClinicFactory(latitude=MOLINE_CENTRE[0] + 0.4, longitude=MOLINE_CENTRE[1], hours=[(1, time(8), time(17))])
    with time_machine.travel(TUESDAY, tick=False):  # 10:00: only the farther one is open
        client.get("/find/?q=61265")
        client.get("/find/?q=61265&open_now=1")
        flush()
        assert [(r["searches"], r["nearest_miles"]) for r in rows()] == [(2, 14)]
        SearchDemand.objects.all().delete()
        client.get("/find/?q=61265&open_now=1")  # alone, it is the best distance known
        flush()
    assert [(r["searches"], r["nearest_miles"]) for r in rows()] == [(1, 28)]


def test_with_no_interval_each_request_writes_its_count_after_answering(client, clinics, settings):
    settings.SEARCH_DEMAND_FLUSH_SECONDS = 0
    client.get("/find/?q=61265")
    assert [r["searches"] for r in rows()] == [1]


def test_a_due_write_happens_on_the_writer_thread_and_the_visitor_never_waits_for_it(
    client, clinics, settings, monkeypatch
):
    """The write once ran on the request's own thread after its response: the next visitor nginx sent down
    that kept-alive connection waited the whole write (seconds, under load). Now the response's thread is free
    at once, even while a write hangs."""
    settings.SEARCH_DEMAND_FLUSH_SECONDS = 0.001
    writing, release = threading.Event(), threading.Event()
    writers: list[str] = []

    def hanging_flush() -> int:
        writers.append(threading.current_thread().name)
        writing.set()
        release.wait(10)
        return 1

    monkeypatch.setattr(recording.tallies, "flush", hanging_flush)
    clock.sleep(0.01)  # the interval has passed
    began = clock.monotonic()
    response = client.get("/find/?q=61265")
    waited = clock.monotonic() - began
    try:
        assert writing.wait(5), "the write was never started"
        assert response.status_code == 200 and "Near" in response.content.decode()
        assert waited < 5  # a write on this thread would have held it for the 10 s the write hangs
        assert writers == ["search-demand-writer"]
    finally:
        release.set()


def test_a_write_that_fails_part_way_writes_nothing_and_keeps_every_count(monkeypatch):
    tallies = Tallies()
    first, second = (date(2026, 12, 1), "61265", "", ""), (date(2026, 12, 1), "61244", "", "")
    tallies.add(first, Tally(searches=2))
    tallies.add(second, Tally(searches=3))
    write = recording._write

    def second_fails(key, tally):
        if key == second:
            raise DatabaseError("the connection was lost")
        write(key, tally)

    monkeypatch.setattr(recording, "_write", second_fails)
    assert tallies.flush() == 0
    assert rows() == [] and tallies.pending() == 2  # one transaction: the first row was not kept either
    monkeypatch.undo()
    assert tallies.flush() == 2
    assert sorted((r["area"], r["searches"]) for r in SearchDemand.objects.values("area", "searches")) == [
        ("61244", 3),
        ("61265", 2),
    ]


@pytest.mark.django_db(transaction=True)  # the writer thread commits on its own connection
def test_a_process_exiting_waits_for_its_writer_then_writes_what_is_left(monkeypatch):
    """A gunicorn worker told to stop must not lose the counts its writer thread is writing, nor the ones after."""
    early, late = (date(2026, 12, 1), "61265", "", ""), (date(2026, 12, 1), "61244", "", "")
    writing, release = threading.Event(), threading.Event()
    write = recording._write

    def slow_write(key, tally):
        if key == early:
            writing.set()
            release.wait(10)
        write(key, tally)

    monkeypatch.setattr(recording, "_write", slow_write)
    recording.tallies.add(early, Tally(searches=1))

    def writer_thread() -> None:
        try:
            recording.tallies.flush()
        finally:
            connections.close_all()

    writer = threading.Thread(target=writer_thread)
    writer.start()
    assert writing.wait(5)
    recording.tallies.add(late, Tally(searches=2))
    threading.Timer(0.2, release.set).start()  # the writer ends its write while the exit waits
    recording._at_exit()
    writer.join(5)
    assert sorted(SearchDemand.objects.values_list("area", "searches")) == [("61244", 2), ("61265", 1)]


def test_counts_stay_in_memory_until_the_interval_has_passed(client, clinics):
    client.get("/find/?q=61265")
    assert rows() == []
    assert recording.tallies.pending() == 1


def test_recording_can_be_switched_off(client, clinics, settings):
    settings.SEARCH_DEMAND_RECORDING = False
    client.get("/find/?q=61265")
    flush()
    assert rows() == []


def test_a_failure_to_count_never_breaks_the_search(client, clinics, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("bug in counting")

    monkeypatch.setattr(recording.tallies, "add", broken)
    with caplog.at_level(logging.ERROR, logger="demand.recording"):
        page = client.get("/find/?q=61265")
        api = client.get("/api/v1/clinics/nearest/?q=61265")
    assert page.status_code == 200 and "Near" in page.content.decode()
    assert api.status_code == 200 and api.json()["results"][0]["name"] == "Near"
    assert "a search could not be counted" in caplog.text


def test_a_database_failure_while_writing_keeps_the_counts_and_never_reaches_the_visitor(
    client, clinics, settings, monkeypatch, caplog
):
    settings.SEARCH_DEMAND_FLUSH_SECONDS = 0

    def unavailable(key, tally):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(recording, "_write", unavailable)
    with caplog.at_level(logging.ERROR, logger="demand.recording"):
        response = client.get("/find/?q=61265")
    assert response.status_code == 200 and "Near" in response.content.decode()
    assert "could not be written" in caplog.text
    monkeypatch.undo()
    flush()  # the next write takes what waited
    assert [r["searches"] for r in rows()] == [1]


def test_two_processes_writing_the_same_row_add_up():
    """Each process keeps its own tallies; the database adds them (F() increments), never overwrites."""
    key = (date(2026, 12, 1), "61265", "", "")
    first, second = Tallies(), Tallies()
    for _ in range(3):
        first.add(key, Tally(searches=1, nearest=14, measured=True))
    second.add(key, Tally(searches=1, nearest=14, measured=True))
    second.add(key, Tally(clicks=1))
    first.flush()
    second.flush()
    assert [(r["searches"], r["schedule_clicks"], r["nearest_miles"]) for r in rows()] == [(4, 1, 14)]


def test_a_row_another_process_made_meanwhile_is_added_to_not_duplicated(monkeypatch):
    """Our UPDATE found no row, and before our INSERT another process made it: the unique key turns ours into +n."""
    key = (date(2026, 12, 1), "61265", "", "")
    update = QuerySet.update
    raced = []

    def another_process_in_between(queryset, **changes):
        if not raced:  # our first UPDATE: no row yet; the other process inserts its own just after
            raced.append(True)
            SearchDemand.objects.create(date=key[0], area="61265", searches=5, nearest_miles=14)
            return 0
        return update(queryset, **changes)

    monkeypatch.setattr(QuerySet, "update", another_process_in_between)
    tallies = Tallies()
    tallies.add(key, Tally(searches=2, nearest=14, measured=True))
    assert tallies.flush() == 1
    assert [(r["searches"], r["nearest_miles"]) for r in rows()] == [(7, 14)]


def test_searches_counted_from_many_threads_at_once_are_all_kept():
    key = (date(2026, 12, 1), "61265", "", "")
    tallies = Tallies()

    def count() -> None:
        for _ in range(500):
            tallies.add(key, Tally(searches=1))

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tallies.flush()
    assert [r["searches"] for r in rows()] == [4000]


@pytest.mark.parametrize("url", ["/find/", "/embed/finder/"])
def test_a_head_request_is_not_counted_as_a_search(client, clinics, url):
    def searches() -> int:
        return sum(SearchDemand.objects.values_list("searches", flat=True))

    assert client.head(url, {"q": "61265"}).status_code == 200
    flush()
    assert searches() == 0
    client.get(url, {"q": "61265"})
    flush()
    assert searches() == 1
