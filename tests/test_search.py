"""Nearest-clinic search, pure of HTTP: ranking, radius, filters and the bounding box."""

import math
from datetime import UTC, datetime, time

import pytest

from clinics.geocoding import FailureCode, GeocodeFailure, Precision
from clinics.search.geometry import EARTH_RADIUS_MILES, bounding_box, haversine_miles
from clinics.search.nearby import NearbyClinics, search_nearby
from clinics.search.params import SearchParams
from clinics.search.ranking import NEAREST_FALLBACK_COUNT, SearchQuery, nearest_clinics
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db


def cosine_law_miles(lat1, lon1, lat2, lon2):
    """Great-circle distance by the spherical law of cosines: independent of the code's haversine."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_MILES * math.acos(max(-1.0, min(1.0, c)))


def names(result):
    return [m.clinic.name for m in result.matches]


@pytest.mark.parametrize(
    ("a", "b", "miles"),
    [
        ((41.4906, -90.498), (41.5416, -90.5843), 5.8),  # Moline -> Davenport
        ((41.8781, -87.6298), (40.7128, -74.0060), 711.0),  # Chicago -> New York
        ((0.0, 179.9), (0.0, -179.9), 13.8),  # across the 180th meridian
    ],
)
def test_haversine_agrees_with_an_independent_formula(a, b, miles):
    assert haversine_miles(*a, *b) == pytest.approx(cosine_law_miles(*a, *b), abs=0.01)
    assert haversine_miles(*a, *b) == pytest.approx(miles, abs=0.5)


def test_clinics_come_nearest_first_with_distances():
    ClinicFactory(name="Far", latitude=41.90, longitude=-90.50)
    ClinicFactory(name="Near", latitude=41.50, longitude=-90.50)
    ClinicFactory(name="Middle", latitude=41.70, longitude=-90.50)
    result = nearest_clinics(SearchQuery(41.49, -90.50, radius_miles=50))
    assert names(result) == ["Near", "Middle", "Far"]
    expected = [round(cosine_law_miles(41.49, -90.50, lat, -90.50), 1) for lat in (41.50, 41.70, 41.90)]
    assert [m.distance_miles for m in result.matches] == expected
    assert all(m.within_radius for m in result.matches)


def test_radius_edge_is_inclusive_to_the_mile():
    # 0.3618 degrees of latitude is 25.0 miles; 0.3650 is 25.2.
    ClinicFactory(name="Just inside", latitude=41.0 + 0.3617, longitude=-90.0)
    ClinicFactory(name="Just outside", latitude=41.0 + 0.3650, longitude=-90.0)
    result = nearest_clinics(SearchQuery(41.0, -90.0, radius_miles=25))
    assert names(result) == ["Just inside"]
    assert result.matches[0].distance_miles == 25.0


def test_a_clinic_exactly_on_the_radius_is_inside():
    ClinicFactory(name="On the edge", latitude=41.5, longitude=-90.0)
    radius = haversine_miles(41.0, -90.0, 41.5, -90.0)  # exactly the distance the search computes
    result = nearest_clinics(SearchQuery(41.0, -90.0, radius_miles=radius))
    assert names(result) == ["On the edge"]
    assert result.matches[0].within_radius


def test_when_nothing_is_inside_the_radius_the_nearest_are_returned_marked_outside():
    for i in range(5):
        ClinicFactory(name=f"Clinic {i}", latitude=41.0 + i, longitude=-90.0)
    result = nearest_clinics(SearchQuery(28.54, -81.38, radius_miles=25))  # Orlando
    assert len(result.matches) == NEAREST_FALLBACK_COUNT
    assert names(result) == ["Clinic 0", "Clinic 1", "Clinic 2"]
    assert not result.any_within_radius
    assert all(not m.within_radius for m in result.matches)


def test_an_empty_directory_gives_an_empty_answer():
    assert nearest_clinics(SearchQuery(41.0, -90.0)).matches == []


def test_inactive_and_unlocated_clinics_never_show():
    ClinicFactory(name="Retired", latitude=41.0, longitude=-90.0, status="retired")
    ClinicFactory(name="Unlocated", latitude=None, longitude=None)
    ClinicFactory(name="Open", latitude=41.01, longitude=-90.0)
    assert names(nearest_clinics(SearchQuery(41.0, -90.0))) == ["Open"]


def test_a_clinic_must_offer_every_requested_service():
    ClinicFactory(name="Pool only", latitude=41.0, longitude=-90.0, services=("physical-therapy", "aquatic-therapy"))
    ClinicFactory(
        name="Both", latitude=41.01, longitude=-90.0, services=("physical-therapy", "aquatic-therapy", "dry-needling")
    )
    ClinicFactory(name="Plain", latitude=41.02, longitude=-90.0)
    assert names(nearest_clinics(SearchQuery(41.0, -90.0, services=["aquatic-therapy"]))) == ["Pool only", "Both"]
    both = SearchQuery(41.0, -90.0, services=["aquatic-therapy", "dry-needling"])
    assert names(nearest_clinics(both)) == ["Both"]


def test_limit_caps_the_answer():
    for i in range(12):
        ClinicFactory(name=f"C{i:02d}", latitude=41.0 + i * 0.01, longitude=-90.0)
    assert names(nearest_clinics(SearchQuery(41.0, -90.0, limit=3))) == ["C00", "C01", "C02"]


def test_open_now_filter_and_todays_hours_use_the_clinics_own_time_zone():
    # Monday 2026-03-02 15:30 UTC is 9:30 in Chicago and 8:30 in Denver.
    monday = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    ClinicFactory(
        name="Chicago nine", latitude=41.0, longitude=-90.0, timezone="America/Chicago", hours=[(0, time(9), time(17))]
    )
    ClinicFactory(
        name="Denver nine", latitude=41.01, longitude=-90.0, timezone="America/Denver", hours=[(0, time(9), time(17))]
    )
    everyone = nearest_clinics(SearchQuery(41.0, -90.0, at=monday))
    assert [(m.clinic.name, m.open_now, m.hours_today) for m in everyone.matches] == [
        ("Chicago nine", True, "9 AM–5 PM"),
        ("Denver nine", False, "9 AM–5 PM"),
    ]
    assert names(nearest_clinics(SearchQuery(41.0, -90.0, open_now=True, at=monday))) == ["Chicago nine"]


# --- Bounding boxes -----------------------------------------------------------------------


def inside(box, lat, lon):
    return box.min_lat <= lat <= box.max_lat and any(lo <= lon <= hi for lo, hi in box.lon_ranges)


@pytest.mark.parametrize(("lat", "lon"), [(41.5, -90.5), (0.0, 0.0), (64.8, -147.7), (-45.0, 170.0), (71.0, -156.0)])
def test_box_holds_every_point_on_the_circle(lat, lon):
    radius = 100.0
    box = bounding_box(lat, lon, radius)
    for bearing in range(0, 360, 5):
        # A point exactly `radius` miles away on this bearing (the direct geodesic problem on a sphere).
        d, b = radius / EARTH_RADIUS_MILES * 0.9999, math.radians(bearing)
        p1, l1 = math.radians(lat), math.radians(lon)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
        lon2 = (math.degrees(l2) + 540) % 360 - 180
        assert inside(box, math.degrees(p2), lon2), bearing


def test_box_near_the_north_pole_spans_every_longitude():
    box = bounding_box(89.9, 10.0, 50)
    assert box.lon_ranges == [(-180.0, 180.0)]
    assert box.max_lat == 90.0


def test_box_across_the_180th_meridian_is_split_in_two():
    box = bounding_box(-17.7, 179.9, 50)  # Fiji
    assert len(box.lon_ranges) == 2
    (west_lo, west_hi), (east_lo, east_hi) = box.lon_ranges
    assert west_hi == 180.0 and east_lo == -180.0
    assert west_lo < 179.9 and east_hi > -180.0


def test_box_west_of_the_180th_meridian_is_split_in_two():
    box = bounding_box(-17.7, -179.9, 50)
    (west_lo, west_hi), (east_lo, east_hi) = box.lon_ranges
    assert west_hi == 180.0 and east_lo == -180.0
    assert 179.0 < west_lo < 180.0 and -179.9 < east_hi < -179.0


def test_search_from_west_of_the_meridian_finds_clinics_east_of_it():
    ClinicFactory(name="Across", latitude=-16.8, longitude=179.95, timezone="Pacific/Fiji")
    result = nearest_clinics(SearchQuery(-16.8, -179.99, radius_miles=25))
    assert names(result) == ["Across"]
    assert result.matches[0].distance_miles == round(cosine_law_miles(-16.8, -179.99, -16.8, 179.95), 1)


def test_search_finds_clinics_across_the_180th_meridian():
    ClinicFactory(name="Taveuni east", latitude=-16.8, longitude=-179.95, timezone="Pacific/Fiji")
    ClinicFactory(name="Taveuni west", latitude=-16.8, longitude=179.95, timezone="Pacific/Fiji")
    ClinicFactory(name="Far away", latitude=-16.8, longitude=170.0, timezone="Pacific/Fiji")
    result = nearest_clinics(SearchQuery(-16.8, 179.99, radius_miles=25))
    assert names(result) == ["Taveuni west", "Taveuni east"]


def test_search_near_the_pole_finds_clinics_on_the_other_side():
    ClinicFactory(name="Across the pole", latitude=89.8, longitude=-170.0, timezone="UTC")
    ClinicFactory(name="Same side", latitude=89.7, longitude=10.0, timezone="UTC")
    result = nearest_clinics(SearchQuery(89.8, 10.0, radius_miles=50))
    assert sorted(names(result)) == ["Across the pole", "Same side"]
    assert result.matches[0].clinic.name == "Same side"


def test_an_empty_directory_says_so_and_filters_are_blamed_only_when_used():
    plain = search_nearby(SearchParams("61265", None, None, 25, [], False, 10))
    assert plain.message == "No clinics are listed yet."
    filtered = search_nearby(SearchParams("61265", None, None, 25, [], True, 10))
    assert filtered.message.startswith("No clinic matches those filters")


@pytest.mark.parametrize(
    ("text", "code"), [("", FailureCode.EMPTY), ("?!", FailureCode.INVALID), ("61265\x00", FailureCode.INVALID)]
)
def test_text_beside_coordinates_must_still_be_a_places_text(text, code):
    found = search_nearby(SearchParams(text, 41.5, -90.5, 25, [], False, 10))
    assert isinstance(found, GeocodeFailure)
    assert found.code == code


def test_coordinates_win_over_well_formed_text():
    found = search_nearby(SearchParams("32801", 41.5, -90.5, 25, [], False, 10))
    assert isinstance(found, NearbyClinics)
    assert (found.origin.latitude, found.origin.longitude, found.origin.precision) == (41.5, -90.5, Precision.POINT)


def test_on_postgresql_the_box_query_can_use_the_gist_index():
    from django.db import connection

    from clinics.models import Clinic
    from clinics.search.geometry import BoundingBox

    if connection.vendor != "postgresql":
        pytest.skip("the GiST point index exists on PostgreSQL only")
    ClinicFactory(name="Moline", latitude=41.49, longitude=-90.50)
    executed = []

    def capture(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        rows = Clinic.objects.in_box(BoundingBox(41.0, 42.0, [(-91.0, -90.0)]))
    assert [r.name for r in rows] == ["Moline"]
    sql, params = executed[0]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "clinic_point_gist_idx" in plan


# --- The search on a kept connection ------------------------------------------------------------


def start_next_request():
    """What Django does to the kept connection when a request starts (request_started)."""
    from django.db import connection

    connection.close_if_unusable_or_obsolete()


def backend_pid():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_search_survives_the_database_dropping_a_kept_connection():
    """Django's CONN_HEALTH_CHECKS finds the dropped connection at the next request and reconnects."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("only a database server drops connections")
    ClinicFactory(name="Moline", latitude=41.49, longitude=-90.50)
    nearest_clinics(SearchQuery(41.5, -90.5))
    dropped = backend_pid()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # as a restart of the database would
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [dropped])
    finally:
        other.close()

    start_next_request()
    assert names(nearest_clinics(SearchQuery(41.5, -90.5))) == ["Moline"]
    assert backend_pid() != dropped


# --- Cached details never outlive an edit ------------------------------------------------------


def search_here():
    return nearest_clinics(SearchQuery(41.0, -90.0, at=datetime(2026, 6, 1, 15, 0, tzinfo=UTC)))


def test_edited_hours_show_at_once_though_details_are_cached():
    from clinics.editing import replace_hours

    clinic = ClinicFactory(name="Cached", latitude=41.0, longitude=-90.0, hours=[(0, time(8), time(17))])
    assert search_here().matches[0].hours_today == "8 AM–5 PM"
    replace_hours(clinic=clinic, intervals=[(0, time(8), time(12))])
    assert search_here().matches[0].hours_today == "8 AM–12 PM"
    replace_hours(clinic=clinic, intervals=[])
    assert search_here().matches[0].hours_today == "Closed"


def test_replaced_hours_and_changed_services_show_at_once():
    from clinics.editing import replace_hours, service_save, set_services
    from clinics.models import Service

    clinic = ClinicFactory(name="Cached", latitude=41.0, longitude=-90.0, hours=[(0, time(8), time(17))])
    assert [s.slug for s in search_here().matches[0].clinic.services.all()] == ["physical-therapy"]
    replace_hours(clinic=clinic, intervals=[(0, time(9), time(10))])
    assert search_here().matches[0].hours_today == "9 AM–10 AM"
    pt = Service.objects.get(slug="physical-therapy")
    pool = Service(slug="aquatic-therapy", name="Aquatic therapy")
    service_save(service=pool)
    set_services(clinic=clinic, services=[pt, pool])
    assert [s.name for s in search_here().matches[0].clinic.services.all()] == ["Aquatic therapy", "Physical Therapy"]
    pool.name = "Pool therapy"
    service_save(service=pool)
    assert [s.name for s in search_here().matches[0].clinic.services.all()] == ["Physical Therapy", "Pool therapy"]
    set_services(clinic=clinic, services=[pt])
    assert [s.name for s in search_here().matches[0].clinic.services.all()] == ["Physical Therapy"]


def test_a_retired_service_disappears_at_once_and_comes_back_when_restored():
    from clinics.editing import services_set_retired
    from clinics.models import Service

    ClinicFactory(
        name="Cached", latitude=41.0, longitude=-90.0, services=("physical-therapy", "aquatic-therapy", "dry-needling")
    )

    def services_shown():
        return [s.slug for s in search_here().matches[0].clinic.services.all()]

    assert services_shown() == ["aquatic-therapy", "dry-needling", "physical-therapy"]
    services_set_retired(services=Service.objects.filter(slug="dry-needling"), retired=True)
    assert services_shown() == ["aquatic-therapy", "physical-therapy"]
    services_set_retired(services=Service.objects.filter(slug="dry-needling"), retired=False)
    assert services_shown() == ["aquatic-therapy", "dry-needling", "physical-therapy"]


def test_an_edited_clinic_shows_at_once():
    from clinics.editing import clinic_update

    clinic = ClinicFactory(name="Old name", latitude=41.0, longitude=-90.0)
    search_here()
    clinic_update(clinic=clinic, name="New name")
    assert names(search_here()) == ["New name"]


def test_a_retired_clinic_disappears_at_once():
    from clinics.editing import clinics_set_status
    from clinics.models import Clinic

    ClinicFactory(name="Staying", latitude=41.0, longitude=-90.0)
    ClinicFactory(name="Leaving", latitude=41.0, longitude=-90.01)
    assert sorted(names(search_here())) == ["Leaving", "Staying"]
    clinics_set_status(clinics=Clinic.objects.filter(name="Leaving"), status="retired")
    assert names(search_here()) == ["Staying"]


def test_a_second_search_reads_only_the_box(django_assert_num_queries):
    ClinicFactory(name="Cached", latitude=41.0, longitude=-90.0)
    search_here()
    with django_assert_num_queries(1):
        search_here()
