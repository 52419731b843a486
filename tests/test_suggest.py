"""Suggestions as a visitor types: ZIP codes, cities (home states first) and conditions, offline."""

from __future__ import annotations

import pytest
import zipcodes
from django.db import DatabaseError

from clinics import suggest as suggest_module
from clinics.conditions import catalogue
from clinics.suggest import LIMIT, suggest

pytestmark = pytest.mark.django_db


def labels(text: str) -> list[str]:
    return [item.label for item in suggest(text)]


def test_zip_prefix_suggests_zips_of_home_states_first_in_order():
    # Independently: every ZIP starting 612 in the package's data, home states first, in ZIP order.
    home = sorted(row["zip_code"] for row in zipcodes.filter_by(state="IL") if row["zip_code"].startswith("612"))
    found = suggest("612")
    assert [item.value for item in found] == home[:LIMIT]
    assert all(item.kind == "zip" for item in found)
    assert found[0].label == f"{home[0]} · Rock Island, IL"


def test_whole_zip_suggests_itself_with_its_city():
    assert labels("61265") == ["61265 · Moline, IL"]


def test_zip_of_another_state_is_still_suggested():
    assert labels("90210") == ["90210 · Beverly Hills, CA"]


def test_city_prefix_puts_home_state_cities_first():
    found = labels("mol")
    assert found[0] == "Moline, IL"
    assert len(found) == LIMIT


def test_city_in_several_states_lists_home_states_first():
    found = labels("cedar rap")
    assert found[:2] == ["Cedar Rapids, IA", "Cedar Rapids, NE"]


def test_state_after_a_comma_narrows_the_cities():
    assert labels("Moline, I") == ["Moline, IL"]


def test_saint_and_st_abbreviation_meet():
    assert labels("St. Lo") == labels("saint lo")
    assert "Saint Louis, MO" in labels("St. Lo")


def test_city_names_are_shown_as_written_never_run_together():
    for text in ("new y", "st l", "cedar r"):
        for label in labels(text):
            city = label.rsplit(", ", 1)[0]
            assert " " in city or city.istitle(), label
    assert "Newyorkcity, NY" not in labels("newyork")


def test_condition_words_suggest_the_condition_before_places(demo_data):
    found = suggest("pinch")
    assert (found[0].kind, found[0].label, found[0].slug) == ("condition", "Pinched nerve", "pinched-nerve")
    assert suggest("dizz")[0].label == "Vertigo and dizziness"  # from its synonym "dizziness"
    assert [item.label for item in suggest("back") if item.kind == "condition"] == [
        "Getting back to daily life and work",
        "Low back pain",
    ]


def test_one_letter_or_nothing_suggests_no_city():
    assert labels("") == []
    assert labels("   ") == []
    assert labels("x") == []


def test_unreadable_condition_catalogue_still_suggests_places(monkeypatch):
    catalogue.forget()

    def broken() -> None:
        raise DatabaseError("the database is down")

    monkeypatch.setattr(catalogue, "_load", broken)
    assert labels("mol")[0] == "Moline, IL"
    catalogue.forget()


def test_api_suggests_with_kind_label_and_value(client, demo_data):
    response = client.get("/api/v1/suggest/", {"q": "6126"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "6126"
    assert body["count"] == len(body["results"]) >= 1
    assert body["results"][0] == {"kind": "zip", "label": "61260 · Joy, IL", "value": "61260", "slug": ""}


def test_api_without_q_suggests_nothing_rather_than_erring(client):
    body = client.get("/api/v1/suggest/").json()
    assert body == {"query": "", "count": 0, "results": []}


@pytest.mark.parametrize("text", ["a" * 5000, "<script>alert(1)</script>", "61265' OR 1=1", "\u0000", "😀😀"])
def test_api_hostile_text_gets_a_plain_answer(client, text):
    response = client.get("/api/v1/suggest/", {"q": text})
    assert response.status_code == 200
    assert response.json()["query"] == text[:100]


def test_prefix_lists_are_built_once_per_process():
    suggest("mol")
    before = suggest_module._index.cache_info().misses
    suggest("omaha")
    assert suggest_module._index.cache_info().misses == before


def test_after_a_condition_the_places_are_suggested_with_the_condition_kept(demo_data):
    found = suggest("Pinched nerve near mol")
    assert found, "no places after the condition"
    assert found[0].value == "Pinched nerve near Moline, IL"
    assert all(s.value.startswith("Pinched nerve near ") and s.kind in ("city", "zip") for s in found)
    assert suggest("vertigo 5240")[0].value.startswith("vertigo 5240")


def test_an_ap_style_state_narrows_the_cities_too():
    assert [s.value for s in suggest("Moline, Ill")] == [s.value for s in suggest("Moline, IL")]
    assert suggest("Omaha, Neb.")[0].value == "Omaha, NE"
