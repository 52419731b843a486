"""The one validator of a search's parameters, shared by the results page and the API."""

import re
from html import unescape

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from clinics.models import Service
from clinics.search.params import (
    FLAG_PATTERN,
    InvalidSearch,
    SearchParams,
    parse_flag,
    parse_search,
    split_slugs,
)

pytestmark = pytest.mark.django_db


def parse(query: str):
    return parse_search(QueryDict(query))


def errors(query: str):
    invalid = parse(query)
    assert isinstance(invalid, InvalidSearch)
    return invalid.errors


def test_a_zip_alone_gets_the_defaults(demo_data):
    assert parse("q=61265") == SearchParams("61265", None, None, 25.0, [], False, 10)


def test_every_parameter_is_read(demo_data):
    params = parse("lat=41.5&lng=-90.5&radius=50&service=physical-therapy&open_now=yes&limit=5")
    assert params == SearchParams(None, 41.5, -90.5, 50.0, ["physical-therapy"], True, 5)


def test_services_may_repeat_or_be_comma_separated_and_count_once(demo_data):
    params = parse("q=61265&service=dry-needling,physical-therapy&service=dry-needling&service=")
    assert params.services == ["dry-needling", "physical-therapy"]


@pytest.mark.parametrize(
    ("raw", "flag"),
    [(None, False), ("", False), ("0", False), ("No", False), ("on", True), (" TRUE ", True), ("perhaps", None)],
)
def test_open_now_reads_the_words_links_use(raw, flag):
    assert parse_flag(raw) is flag


# The letters of the words, ASCII spacing, spacing str.strip() would also take, and the Kelvin sign (lower: "k").
FLAG_CHARS = st.sampled_from("tTrRuUeEsSyYoOnNfFaAlL01 \t\n\v\f\r\x1c\xa0\u212a")
FLAG_TEXT = st.text(alphabet=FLAG_CHARS | st.characters(), max_size=7)


@given(FLAG_TEXT)
def test_the_flag_pattern_matches_exactly_the_words_open_now_reads(raw):
    """The API documents open_now with FLAG_PATTERN."""
    assert (re.search(FLAG_PATTERN, raw) is not None) is (parse_flag(raw) is not None)


def test_split_slugs_drops_blanks_and_repeats():
    assert split_slugs(["a, b", "", "a", " c "]) == ["a", "b", "c"]


def test_every_bad_parameter_is_reported_at_once(demo_data):
    found = errors("q=61265&radius=far&limit=0&open_now=maybe&lat=1")
    assert list(found) == ["lng", "radius", "open_now", "limit"]  # the form's order


def test_half_a_location_names_the_missing_half(demo_data):
    assert list(errors("lat=41.5")) == ["lng"]
    assert list(errors("lng=-90.5")) == ["lat"]


def test_a_bad_coordinate_is_not_also_called_missing(demo_data):
    assert list(errors("lat=north&lng=-90.5")) == ["lat"]


def test_nothing_to_search_for_asks_for_a_place(demo_data):
    assert errors("radius=10") == {"q": ["Enter a ZIP code, a city and state, or an address."]}


def test_a_long_unknown_service_is_shortened_in_its_note(demo_data):
    (note,) = parse("q=61265&service=" + "x" * 90).notes
    assert "x" * 39 + "…" in note.message
    assert len(note.message) < 150


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ("reiki", "We don't know the service “reiki”; showing all clinics."),
        ("<script>", "We don't know the service “<script>”; showing all clinics."),
        ("pt\x00", "We don't know the service “pt”; showing all clinics."),
        ("\x00", "We don't know the service “(blank)”; showing all clinics."),
        ("\xa0aquatic-therapy", "We don't know the service “aquatic-therapy”; showing all clinics."),
    ],
)
def test_an_unknown_service_is_left_out_with_a_note_not_an_error(demo_data, service, message):
    params = parse_search({"q": "61265", "service": service})
    assert isinstance(params, SearchParams)
    assert params.services == []
    assert [(note.code, note.message) for note in params.notes] == [("unknown_service", message)]


def test_a_retired_service_is_left_out_with_a_note_naming_it(demo_data):
    Service.objects.filter(slug="aquatic-therapy").update(is_retired=True)
    params = parse("q=61265&service=aquatic-therapy")
    assert params.services == []
    assert [(note.code, note.message) for note in params.notes] == [
        ("retired_service", "Aquatic therapy is no longer offered; showing all clinics.")
    ]


def test_with_another_service_chosen_the_note_says_the_others_still_filter(demo_data):
    params = parse("q=61265&service=reiki,physical-therapy")
    assert params.services == ["physical-therapy"]
    assert [note.message for note in params.notes] == [
        "We don't know the service “reiki”; showing clinics for the other services you chose."
    ]


@pytest.mark.parametrize(
    "query",
    ["q=61265&radius=abc", "q=61265&limit=99", "q=61265&open_now=maybe", "lat=41.5", "lat=91&lng=0", "q="],
)
def test_the_page_and_the_api_say_the_same_thing(demo_data, client, query):
    api = client.get(f"/api/v1/clinics/nearest/?{query}")
    page = client.get(f"/find/?{query}")
    assert api.status_code == page.status_code == 400
    messages = next(iter(api.json()["error"]["fields"].values()))
    assert messages[0] in unescape(page.content.decode())


def test_the_valid_choices_of_an_invalid_search_are_kept(demo_data):
    invalid = parse("q=61265&radius=10&service=aquatic-therapy&service=reiki&open_now=on&limit=0")
    assert invalid.chosen.services == ["aquatic-therapy"]
    assert (invalid.chosen.radius_miles, invalid.chosen.open_now, invalid.chosen.limit) == (10.0, True, 10)
    assert [note.code for note in invalid.chosen.notes] == ["unknown_service"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=5_0", "limit"), ("limit=５", "limit"), ("radius=1_0", "radius"), ("lat=４1&lng=-90", "lat")],
)
def test_only_plain_decimal_numbers_are_read(demo_data, query, field):
    assert field in errors(f"q=61265&{query}")


@pytest.mark.parametrize(("query", "radius"), [("radius=+5", 5.0), ("radius=.5", 0.5), ("radius=1e1", 10.0)])
def test_ordinary_ways_of_writing_a_number_are_read(demo_data, query, radius):
    assert parse(f"q=61265&{query}").radius_miles == radius


def test_a_condition_longer_than_the_schema_allows_is_refused(demo_data):
    assert errors("q=61265&condition=" + "x" * 301) == {
        "condition": ["A condition is named by its short name (its slug), at most 300 characters."]
    }
    assert isinstance(parse("q=61265&condition=" + "x" * 300), SearchParams)  # unknown: a warning, as before
