"""The clinic list and detail, services, GeoJSON, JSON errors everywhere, and the OpenAPI schema."""

from unittest import mock

import pytest

from clinics.models import Clinic
from tests.factories import ClinicFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_clinic_list_is_paginated_and_ordered(demo_data, client):
    body = client.get("/api/v1/clinics/", {"page_size": 5}).json()
    assert body["count"] == 13
    assert len(body["results"]) == 5
    assert body["next"].endswith("page=2&page_size=5")
    assert body["previous"] is None
    last = client.get("/api/v1/clinics/", {"page_size": 5, "page": 3}).json()
    assert len(last["results"]) == 3
    everyone = [
        c["slug"]
        for p in (1, 2, 3)
        for c in client.get("/api/v1/clinics/", {"page_size": 5, "page": p}).json()["results"]
    ]
    assert everyone == list(Clinic.objects.order_by("state", "city", "name").values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "NE"}, ["elkhorn"]),
        ({"service": "aquatic-therapy"}, ["davenport-northwest", "moline-valley-view"]),
        ({"q": "cedar"}, ["cedar-rapids-pci-vestibular-clinic", "muscatine-cedarwood"]),
        ({"q": "52601"}, ["burlington"]),
        ({"state": "IL", "service": "sports-injury-prevention"}, ["peoria"]),
        ({"service": "reiki"}, []),  # a slug no service has: no clinic offers it
    ],
)
def test_clinic_list_filters(demo_data, client, params, expected):
    body = client.get("/api/v1/clinics/", params).json()
    assert sorted(c["slug"] for c in body["results"]) == expected


def test_blank_filters_filter_nothing(demo_data, client):
    body = client.get("/api/v1/clinics/", {"state": "", "service": "", "q": "  "}).json()
    assert body["count"] == 13


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"state": "ZZ"}, "state", "ZZ is not one of the available choices"),
        ({"service": "aquatic therapy"}, "service", "Give service as a service's slug"),
        ({"service": " aquatic-therapy"}, "service", "Give service as a service's slug"),
        ({"service": "aquatic-therapy\n"}, "service", "Give service as a service's slug"),
        ({"service": "x" * 101}, "service", "Give service as a service's slug"),
        ({"service": "pt\x00"}, "service", "Null characters are not allowed."),
        ({"q": "x" * 101}, "q", "at most 100 characters"),
        ({"q": " " + "x" * 100}, "q", "at most 100 characters"),  # the length as sent, spacing included
        ({"q": "pt\x00"}, "q", "Null characters are not allowed."),
    ],
)
def test_bad_filter_values_get_a_400_naming_them(demo_data, client, params, field, words):
    error = client.get("/api/v1/clinics/", params).json()["error"]
    assert error["code"] == "invalid_parameters"
    assert any(words in message for message in error["fields"][field]), error


def test_page_past_the_end_is_a_json_404_that_says_so(demo_data, client):
    response = client.get("/api/v1/clinics/", {"page": 99})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == "There is no page 99 of these results; the first page is 1."
    spanish = client.get("/api/v1/clinics/", {"page": 99, "lang": "es"}).json()["error"]
    assert spanish["message"] == "No hay una página 99 de estos resultados; la primera página es la 1."


def test_clinic_detail_has_hours_for_the_week(demo_data, client):
    body = client.get("/api/v1/clinics/burlington/").json()
    assert body["name"] == "Burlington"
    assert body["street"] == "3180 Agency Street"
    assert [day["text"] for day in body["hours"]] == ["7 AM–7 PM"] * 4 + ["7 AM–5 PM", "Closed", "Closed"]
    assert body["hours"][0]["intervals"] == [{"opens": "07:00", "closes": "19:00"}]
    assert isinstance(body["open_now"], bool)
    assert "internal_notes" not in body


def test_unknown_and_retired_clinics_are_json_404s(demo_data, client):
    Clinic.objects.filter(slug="burlington").update(status="retired")
    for url in ("/api/v1/clinics/burlington/", "/api/v1/clinics/no-such-clinic/", "/api/v1/nothing-here/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"


def test_services_catalogue_lists_the_services_some_clinic_offers(demo_data, client):
    body = client.get("/api/v1/services/").json()
    assert len(body) == 6  # the demo catalogue's 9, less the 3 no demo clinic offers
    assert "dry-needling" not in [s["slug"] for s in body]
    assert [s["name"] for s in body] == sorted(s["name"] for s in body)
    pool = next(s for s in body if s["slug"] == "aquatic-therapy")
    assert pool["name"] == "Aquatic therapy"
    assert pool["description"]


def test_geojson_has_every_active_located_clinic(demo_data, client):
    Clinic.objects.filter(slug="burlington").update(status="retired")
    ClinicFactory(name="Unlocated", latitude=None, longitude=None)
    response = client.get("/api/v1/clinics.geojson")
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 12
    moline = next(f for f in body["features"] if f["id"] == "moline-valley-view")
    assert moline["geometry"] == {"type": "Point", "coordinates": [-90.498, 41.4906]}
    assert moline["properties"]["schedule_url"].startswith("https://schedule.example.com/")


def test_script_in_a_clinic_name_is_returned_as_plain_data(db, client):
    ClinicFactory(name="<img src=x onerror=alert(1)>", latitude=41.5, longitude=-90.5)
    body = client.get("/api/v1/clinics/nearest/", {"lat": 41.5, "lng": -90.5}).json()
    assert body["results"][0]["name"] == "<img src=x onerror=alert(1)>"


def test_only_reading_is_allowed(demo_data, client):
    response = client.post("/api/v1/clinics/", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


# --- OpenAPI ---------------------------------------------------------------------------------


def test_schema_is_valid_openapi(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_documents_every_endpoint(db, client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/clinics/",
        "/api/v1/clinics.geojson",
        "/api/v1/clinics/nearest/",
        "/api/v1/clinics/{slug}/",
        "/api/v1/services/",
        "/api/v1/suggest/",
        "/api/v1/health/",
    }
    nearest = schema["paths"]["/api/v1/clinics/nearest/"]["get"]
    names = {p["name"] for p in nearest["parameters"]}
    assert {"q", "lat", "lng", "radius", "service", "open_now", "limit"} <= names
    assert {"200", "400", "404", "429", "503"} <= set(nearest["responses"])


def test_the_schema_names_the_current_services_as_they_are_when_asked_for(db, client):
    import yaml

    ServiceFactory(slug="pelvic-health")
    ServiceFactory(slug="old-service", is_retired=True)

    def service_description():
        nearest = yaml.safe_load(client.get("/api/schema/").content)["paths"]["/api/v1/clinics/nearest/"]["get"]
        (service,) = [p for p in nearest["parameters"] if p["name"] == "service"]
        return service["description"]

    assert "Services now: `pelvic-health`." in service_description()
    ServiceFactory(slug="hand-therapy")
    assert "Services now: `hand-therapy`, `pelvic-health`." in service_description()


def test_without_a_database_the_schema_names_no_services(db):
    """As `manage.py check --deploy` generates it, maybe before the database can be reached."""
    from django.db import OperationalError

    from clinics.api.openapi import service_parameter
    from clinics.models import Service

    with mock.patch.object(Service.objects, "current", side_effect=OperationalError("unreachable")):
        parameter = service_parameter()
    assert parameter.type == {"type": "array", "items": {"type": "string"}}
    assert "Services now" not in parameter.description


def test_interactive_docs_are_served_from_our_own_static_files(db, client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page


@pytest.mark.parametrize("page_size", ["0", "101", "ten", "null", "+5", " 5", "\u0665"])
def test_bad_page_size_gets_a_400(demo_data, client, page_size):
    error = client.get("/api/v1/clinics/", {"page_size": page_size}).json()["error"]
    assert error["fields"]["page_size"] == ["Enter a whole number from 1 to 100."]


def test_search_results_describe_a_clinic_exactly_as_the_clinic_list_does(demo_data, rf):
    from clinics.api.serializers import ClinicSerializer, clinic_json

    request = rf.get("/")
    for clinic in Clinic.objects.prefetch_related("services"):
        assert clinic_json(clinic, request) == ClinicSerializer(clinic, context={"request": request}).data


@pytest.mark.parametrize("page", ["", "abc", "-1", "1.5", "last", "\u00b2", "\u0661"])
def test_bad_page_number_gets_a_400(demo_data, client, page):
    error = client.get("/api/v1/clinics/", {"page": page}).json()["error"]
    assert error["fields"]["page"] == ["Enter a page number: a whole number from 1."]
