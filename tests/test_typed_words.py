"""What patients type around a place — "physical therapy near me", "pt in moline" — and what the search makes of it."""

from __future__ import annotations

import pytest

from clinics.conditions import place_in
from clinics.geocoding import FailureCode, GeocodeFailure, geocode
from clinics.search.params import InvalidSearch, parse_search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("physical therapy near Moline", "Moline"),
        ("physical therapist near Moline", "Moline"),
        ("pt in moline", "moline"),
        ("physical therapy in Davenport", "Davenport"),
        ("physical therapy Davenport IA", "Davenport IA"),
        ("is there a physical therapist near Omaha, Neb.", "Omaha, Neb."),
        ("clinics near 61265", "61265"),
        # Places are never cut inside, and a state after a place stays.
        ("Moline, IL", "Moline, IL"),
        ("Gary, IN", "Gary, IN"),
        ("Portland ME", "Portland ME"),
        ("100 Clinic Road, Moline", "100 Clinic Road, Moline"),
        ("Rock Valley, IA", "Rock Valley, IA"),
        # Words and no place.
        ("physical therapy near me", ""),
        ("near me", ""),
        ("clinic near me", ""),
        # The same in Spanish.
        ("fisioterapia cerca de mí", ""),
        ("terapia física Moline", "Moline"),
        ("fisioterapia cerca de mi casa", ""),
        ("Lansing, MI", "Lansing, MI"),
    ],
)
def test_the_words_around_a_place_are_left_out(typed, place):
    assert place_in(typed) == place


@pytest.mark.parametrize("typed", ["physical therapy near me", "near me", "PT clinic near me"])
def test_near_me_without_a_location_asks_where_or_for_the_location(typed):
    found = geocode(typed)
    assert isinstance(found, GeocodeFailure)
    assert found.code == FailureCode.NOT_FOUND  # the API's 404: no place in the text
    assert found.message == "Where should we look? Type your ZIP code or town, for example 61265, or use your location."


def test_near_me_on_the_results_page_says_so_and_with_a_location_searches_there(demo_data, client):
    page = client.get("/find/", {"q": "physical therapy near me"}).content.decode()
    assert "Where should we look? Type your ZIP code or town" in page
    page = client.get("/find/", {"q": "physical therapy near me", "lat": "41.5067", "lng": "-90.5151"}).content.decode()
    assert 'Clinics near <span class="results-title__place">you</span>' in page


def test_a_condition_near_me_asks_for_a_place_or_the_location(demo_data):
    parsed = parse_search({"q": "sciatica near me"})
    assert isinstance(parsed, InvalidSearch)
    assert parsed.errors["q"][0].startswith("Where should we look for clinics that treat sciatica?")
    assert parsed.errors["q"][0].endswith("or use your location.")


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        ("physical therapy near Moline, IL", "Clinics near Moline, IL"),
        ("pt in moline, il", "Clinics near Moline, IL"),
        ("physical therapist near 61265", "Clinics near Moline, IL 61265"),
    ],
)
def test_a_results_page_finds_the_place_inside_what_was_typed(demo_data, client, typed, heading):
    response = client.get("/find/", {"q": typed})
    assert response.status_code == 200
    assert heading in response.content.decode().replace('<span class="results-title__place">', "").replace(
        "</span>", ""
    )


def test_a_malformed_place_still_gets_its_own_message(client):
    page = client.get("/find/", {"q": "physical therapy 1234"}).content.decode()
    assert "has 4 digits, but a ZIP code has 5" in page


@pytest.mark.parametrize(("located", "heading"), [("1", "Clinics near you"), ("0", "Clinics near Davenport, IA")])
def test_only_a_true_located_flag_makes_the_position_win_over_a_typed_place(demo_data, client, located, heading):
    page = client.get("/find/", {"q": "Davenport, IA", "lat": "41.5067", "lng": "-90.5151", "located": located})
    text = page.content.decode().replace('<span class="results-title__place">', "").replace("</span>", "")
    assert heading in text


def test_a_condition_near_me_in_spanish_asks_where(demo_data):
    from django.utils import translation

    with translation.override("es"):
        parsed = parse_search({"q": "ciática cerca de mí"})
    assert isinstance(parsed, InvalidSearch)
    assert parsed.chosen.condition is not None and parsed.chosen.condition.slug == "sciatica"
    assert parsed.errors["q"][0].endswith("o use su ubicación.")
