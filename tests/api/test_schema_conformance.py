"""Every documented endpoint answers as documented: schemathesis drives the API from its own OpenAPI schema."""

import json
from unittest import mock

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from clinics.demo_data import FIXTURES_DIR
from clinics.models import Service
from clinics.throttling import SearchThrottle
from locator.wsgi import application

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


@schema.parametrize()
# derandomize: the same cases on every run, so CI is repeatable; raise max_examples to explore further.
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_endpoint_answers_as_documented(case, demo_data):
    # Documented status codes, content types and response shapes; never a 500.
    # Rules OpenAPI 3.0 cannot express, so a request the schema allows may still be rightly refused
    # with a 400: the nearest search needs q, or lat with lng; the GeoJSON's bbox has a latitude
    # range for its second and fourth numbers only, and south must not be above north.
    excluded = [positive_data_acceptance] if case.path.endswith(("/nearest/", ".geojson")) else []
    case.call_and_validate(excluded_checks=excluded)


def test_the_schema_under_test_has_the_catalogue_of_the_test_database(demo_data):
    assert list(Service.objects.order_by("slug").values_list("slug", flat=True)) == DEMO_CATALOGUE
