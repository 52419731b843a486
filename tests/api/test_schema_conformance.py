"""Every documented endpoint answers as documented: schemathesis drives the API from its own OpenAPI schema.

Every check runs, on schema-valid requests (which must be accepted) and schema-invalid ones (which must be
refused with a 4xx).
"""

import json
import re
from typing import Any
from unittest import mock

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle

from clinics.demo_data import FIXTURES_DIR
from clinics.models import Service
from clinics.throttling import SearchThrottle
from locator.wsgi import application

NEAREST = "/api/v1/clinics/nearest/"
GEOJSON = "/api/v1/clinics.geojson"
DEMO_CATALOGUE = sorted(row["slug"] for row in json.loads((FIXTURES_DIR / "services.json").read_text()))

# The schema lists the service catalogue (the nearest search's `service` values), which it reads from the
# database; it is loaded here, while tests are collected, before the test database exists. So it is given the
# demo catalogue the test database is loaded with (a test below checks that they agree). schemathesis's own lazy
# loader, schemathesis.pytest.from_fixture, fails on pytest 9.2 (it sets the test's private `_nodeid`).
with mock.patch("clinics.api.openapi.catalogue_slugs", return_value=DEMO_CATALOGUE):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """As Django's test client does: the real WSGI app would close the test's connection after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    # Generated cases come in bursts; the throttles have their own test.
    monkeypatch.setattr(SearchThrottle, "allow_request", lambda self, request, view: True)
    monkeypatch.setattr(AnonRateThrottle, "allow_request", lambda self, request, view: True)


JSON_NUMBER_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def _box_numbers(box: str) -> list[float] | None:
    """The numbers of a bbox as schemathesis sends it ("w,s,e,n"), if the schema allows it; else None."""
    parts = box.split(",")
    if len(parts) != 4 or not all(JSON_NUMBER_RE.fullmatch(part) for part in parts):
        return None
    numbers = [float(part) for part in parts]
    return numbers if all(-180 <= number <= 180 for number in numbers) else None


def complete_what_openapi_cannot_say(path: str, query: dict[str, Any]) -> None:
    """Complete a generated query with the rules across its values that OpenAPI 3.0 cannot state.

    The nearest search needs `q`, or `lat` with `lng`: half a location gets its other half, and a query
    with neither gets a `q`. The GeoJSON's `bbox` has a latitude range for its second and fourth numbers
    only (the schema can give its items one range, the longitudes'), and south must not be above north:
    a box the schema allows gets latitudes within range, in order. Only what the schema allows is changed,
    so a schema-invalid value stays invalid and must still be refused.

    Done here, before the call: schemathesis's filter hooks (`filter_query`) are not applied to the cases
    of its coverage phase, and excluding a check for these operations would leave them untested.
    """
    if path == NEAREST:
        has_lat, has_lng = "lat" in query, "lng" in query
        if has_lat and not has_lng:
            query["lng"] = -90.5
        elif has_lng and not has_lat:
            query["lat"] = 41.5
        elif not has_lat and "q" not in query:
            query["q"] = "61265"
    elif path == GEOJSON:
        numbers = _box_numbers(str(query.get("bbox", "")))
        if numbers is not None and not -90 <= numbers[1] <= numbers[3] <= 90:
            west, south, east, north = numbers
            south, north = sorted(max(-90.0, min(90.0, value)) for value in (south, north))
            query["bbox"] = f"{west!r},{south!r},{east!r},{north!r}"


@schema.parametrize()
# derandomize: the same cases on every run, so CI is repeatable; raise max_examples to explore further.
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_endpoint_answers_as_documented(case, demo_data):
    # Documented status codes, content types and response shapes; never a 500; valid requests accepted
    # and invalid ones refused.
    if case.query is None:
        case.query = {}
    complete_what_openapi_cannot_say(case.path, case.query)
    case.call_and_validate()


def test_the_schema_under_test_has_the_catalogue_of_the_test_database(demo_data):
    assert list(Service.objects.order_by("slug").values_list("slug", flat=True)) == DEMO_CATALOGUE
