"""Searching by condition: named in the text ("vertigo near 52403") or as the `condition` filter."""

from __future__ import annotations

import math

import pytest
import zipcodes

from clinics.models import Clinic

pytestmark = pytest.mark.django_db


def expected_slugs(zip_code: str, services: set[str], limit: int = 10) -> list[str]:
    """Independently: the clinics offering any of ``services``, nearest first from the ZIP's centre (haversine)."""
    origin = zipcodes.matching(zip_code)[0]
    lat1, lon1 = math.radians(float(origin["lat"])), math.radians(float(origin["long"]))
    ranked = []
    for clinic in Clinic.objects.filter(services__slug__in=services).distinct():
        lat2, lon2 = math.radians(float(clinic.latitude)), math.radians(float(clinic.longitude))
        a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        ranked.append((3958.8 * 2 * math.asin(math.sqrt(a)), clinic.name, clinic.slug))
    return [slug for _, _, slug in sorted(ranked)][:limit]


def nearest(client, **params):
    response = client.get("/api/v1/clinics/nearest/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    ("q", "services"),
    [
        ("vertigo near 61265", {"vestibular-rehabilitation"}),
        ("Parkinson's 52806", {"lsvt-big"}),
        ("hand injury near 52601", {"hand-therapy", "occupational-therapy"}),
        ("torn ACL 61265", {"sports-injury-prevention", "physical-therapy"}),
    ],
)
def test_condition_in_the_text_finds_clinics_that_treat_it_nearest_first(demo_data, client, q, services):
    body = nearest(client, q=q, radius=250)
    zip_code = q.split()[-1]
    assert [clinic["slug"] for clinic in body["results"]] == expected_slugs(zip_code, services)
    assert body["condition"]["services"] == sorted(services)
    assert body["origin"]["label"].endswith(zip_code)


def test_condition_filter_by_slug_matches_the_condition_in_the_text(demo_data, client):
    by_slug = nearest(client, q="52403", condition="vertigo-and-dizziness")
    by_text = nearest(client, q="dizzy spells near 52403")
    assert by_slug["results"] == by_text["results"]
    assert by_slug["condition"] == by_text["condition"]
    assert by_slug["condition"]["heading"] == "Clinics that treat vertigo and dizziness"


def test_condition_with_coordinates_needs_no_place(demo_data, client):
    body = nearest(client, q="pinched nerve", lat=41.5067, lng=-90.5151)
    assert body["condition"]["slug"] == "pinched-nerve"
    assert body["results"][0]["slug"] == "moline-valley-view"


def test_condition_without_a_place_asks_where(demo_data, client):
    response = client.get("/api/v1/clinics/nearest/", {"q": "pinched nerve"})
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["q"][0]
    assert message.startswith("Where should we look for clinics that treat a pinched nerve?")


def test_unknown_condition_slug_still_searches_with_a_warning(demo_data, client):
    body = nearest(client, q="61265", condition="broken-heart")
    assert body["condition"] is None
    assert body["warnings"] == [
        {"code": "unknown_condition", "message": "We don't know the condition “broken-heart”; showing all clinics."}
    ]
    assert body["results"] == nearest(client, q="61265")["results"]


def test_text_naming_no_condition_searches_as_before(demo_data, client):
    body = nearest(client, q="Moline, IL")
    assert body["condition"] is None
    assert body["results"][0]["slug"] == "moline-valley-view"


def test_results_page_says_which_condition_it_searched_for(demo_data, client):
    page = client.get("/find/", {"q": "vertigo near 61265"}).content.decode()
    assert "Clinics that treat vertigo and dizziness" in page
    assert "cedar-rapids-pci-vestibular-clinic" in page
    assert "moline-valley-view" not in page


def test_results_page_condition_without_place_asks_where(demo_data, client):
    page = client.get("/find/", {"q": "sciatica"}).content.decode()
    assert "Where should we look for clinics that treat sciatica?" in page


def test_a_search_by_condition_is_counted_under_its_condition(demo_data, client):
    from demand.models import SearchDemand
    from demand.recording import flush

    client.get("/find/", {"q": "vertigo near 61265"})
    client.get("/api/v1/clinics/nearest/", {"q": "61265", "condition": "vertigo-and-dizziness"})
    flush()
    row = SearchDemand.objects.get()
    assert (row.area, row.condition, row.searches) == ("61265", "vertigo-and-dizziness", 2)
