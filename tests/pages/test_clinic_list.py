"""The clinic list (/clinics/): every clinic grouped by state while there are few; else an index of states
leading to each state's clinics, a page at a time."""

from __future__ import annotations

import re
from html import unescape

import pytest

from clinics import editing
from clinics.models import PUBLIC_STATUSES, Clinic
from tests.factories import ClinicFactory
from tests.pages.reading import html, text_of

pytestmark = pytest.mark.django_db

CARD_SLUG = re.compile(r'<h3 class="clinic-card__name"><a href="/clinics/([^/]+)/">')


def state_headings(page: str) -> list[str]:
    return re.findall(r'<h2 class="state-group__title" id="state-[a-z-]+" tabindex="-1">([^<]+)</h2>', page)


def index_links(page: str) -> dict[str, tuple[str, str]]:
    """The state index: state name -> (link, count as shown)."""
    found = re.findall(
        r'<a class="state-card__link" href="([^"]+)">\s*<span class="state-card__name">([^<]+)</span>\s*'
        r'<span class="state-card__count">([^<]+)</span>',
        page,
    )
    return {name: (unescape(href), count) for href, name, count in found}


@pytest.fixture
def big_directory(settings):
    """The demo's 13 clinics count as a big directory: listed by state, 4 to a page (Iowa's 9 fill 3 pages)."""
    settings.CLINIC_LIST_ALL_MAX = 5
    settings.CLINIC_LIST_PAGE_SIZE = 4


# --- A small directory: every clinic on one page ---------------------------------------------


def test_clinic_list_groups_active_clinics_by_full_state_name(client, demo_data):
    response = client.get("/clinics/")
    page = html(response)
    assert response.status_code == 200
    assert state_headings(page) == ["Illinois", "Iowa", "Nebraska"]
    assert page.count('class="clinic-card"') == Clinic.objects.active().count() == 13
    assert "<title>All clinics | Rock Valley Physical Therapy</title>" in page


def test_clinic_list_names_its_states_in_words(client, demo_data):
    page = html(client.get("/clinics/"))
    assert "13 Rock Valley Physical Therapy clinics in Illinois, Iowa and Nebraska." in text_of(page)


def test_a_directory_grown_past_the_limit_since_it_was_counted_gets_the_index_not_a_longer_page(
    client, settings, demo_data
):
    settings.CLINIC_LIST_ALL_MAX = 13
    assert html(client.get("/clinics/")).count('class="clinic-card"') == 13  # counted: 13, so one page
    ClinicFactory(name="Newcomer", state="IA", city="Ames")  # written past clinics/editing.py: not counted yet
    page = html(client.get("/clinics/"))
    assert 'class="clinic-card"' not in page
    assert index_links(page)["Iowa"][0] == "/clinics/?state=IA"


# --- A big directory: an index of states, each state's clinics in pages ---------------------------


def test_a_big_directory_lists_states_with_their_counts_leading_to_their_pages(client, big_directory, demo_data):
    response = client.get("/clinics/")
    page = html(response)
    assert response.status_code == 200
    assert 'class="clinic-card"' not in page
    assert index_links(page) == {
        "Illinois": ("/clinics/?state=IL", "3 clinics"),
        "Iowa": ("/clinics/?state=IA", "9 clinics"),
        "Nebraska": ("/clinics/?state=NE", "1 clinic"),
    }
    assert "13 Rock Valley Physical Therapy clinics in 3 states." in text_of(page)


def test_a_big_directory_home_page_leads_to_each_states_pages(client, big_directory, demo_data):
    page = html(client.get("/"))
    assert index_links(page)["Iowa"] == ("/clinics/?state=IA", "9 clinics")


def test_a_states_pages_hold_each_of_its_clinics_once_by_city(client, big_directory, demo_data):
    iowa = set(Clinic.objects.filter(state="IA", status__in=PUBLIC_STATUSES).values_list("slug", flat=True))
    pages = [html(client.get("/clinics/", {"state": "IA", "page": number})) for number in (1, 2, 3)]
    slugs = [CARD_SLUG.findall(page) for page in pages]
    assert [len(on_page) for on_page in slugs] == [4, 4, 1]
    everyone = [slug for on_page in slugs for slug in on_page]
    assert sorted(everyone) == sorted(iowa)
    # The two Davenport clinics, next to each other in name order.
    assert everyone.index("davenport-kimberly-road") == everyone.index("davenport-northwest") - 1
    for page in pages:  # a city is one heading on a page
        cities = re.findall(r'<h2 class="city-group__title" id="city-\d+">([^<]+)</h2>', page)
        assert len(cities) == len(set(cities))


def test_a_state_page_says_where_it_is_and_links_to_the_others(client, big_directory, demo_data):
    response = client.get("/clinics/", {"state": "ia", "page": "2"})  # a state code in any case
    page = html(response)
    readable = text_of(page)
    assert response.status_code == 200
    assert "<title>Clinics in Iowa (page 2 of 3) | Rock Valley Physical Therapy</title>" in page
    assert "9 Rock Valley Physical Therapy clinics in Iowa, by city: 5 to 8 on this page, page 2 of 3." in readable
    assert '<link rel="canonical" href="http://testserver/clinics/?state=IA&amp;page=2">' in page
    assert 'href="/clinics/?state=IA" rel="prev">Previous' in page
    assert 'href="/clinics/?state=IA&amp;page=3" rel="next">Next' in page
    assert (
        '<a href="/clinics/?state=IA&amp;page=2" aria-current="page"><span class="visually-hidden">Page </span>2</a>'
        in page
    )
    assert "All clinics" in readable and 'href="/clinics/"' in page


def test_a_state_page_reads_its_page_in_a_few_queries_however_many_clinics(
    client, big_directory, demo_data, django_assert_max_num_queries
):
    for n in range(30):
        ClinicFactory(name=f"Iowa clinic {n}", state="IA", city="Ames", services=(), hours=[])
    client.get("/clinics/")  # the counts, remembered for a few seconds
    with django_assert_max_num_queries(2):  # how many Iowa has, then the page's clinics
        response = client.get("/clinics/", {"state": "IA", "page": "5"})
    assert len(CARD_SLUG.findall(html(response))) == 4


def test_a_small_states_page_has_no_page_numbers(client, big_directory, demo_data):
    page = html(client.get("/clinics/", {"state": "NE"}))
    assert CARD_SLUG.findall(page) == ["elkhorn"]
    assert 'class="pagination"' not in page
    assert "<title>Clinics in Nebraska | Rock Valley Physical Therapy</title>" in page


def test_a_clinic_page_breadcrumb_leads_to_its_states_list(client, settings, demo_data):
    crumb = '<li><a href="{}">Iowa</a></li>'
    assert crumb.format("/clinics/#state-iowa") in html(client.get("/clinics/burlington/"))
    settings.CLINIC_LIST_ALL_MAX = 5
    assert crumb.format("/clinics/?state=IA") in html(client.get("/clinics/burlington/"))


def test_retired_clinics_are_neither_counted_nor_listed(client, big_directory, demo_data):
    editing.clinics_set_status(clinics=Clinic.objects.filter(slug="elkhorn"), status="retired")
    page = html(client.get("/clinics/"))
    assert "Nebraska" not in index_links(page)
    response = client.get("/clinics/", {"state": "NE"})
    assert response.status_code == 404
    assert "There are no Rock Valley Physical Therapy clinics in Nebraska." in text_of(html(response))


# --- Bad links: a clear message, never a 500 ----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"state": "ZZ"}, 400, "“ZZ” is not a US state code. Choose a state from the list below."),
        ({"state": "<b>Iowa</b>"}, 400, "“<b>Iowa</b>” is not a US state code."),
        ({"state": "IA", "page": "two"}, 400, "The page number must be a whole number from 1."),
        ({"state": "IA", "page": "0"}, 400, "The page number must be a whole number from 1."),
        ({"state": "IA", "page": "-1"}, 400, "The page number must be a whole number from 1."),
        ({"state": "IA", "page": "9" * 40}, 400, "The page number must be a whole number from 1."),
        ({"state": "IA", "page": "4"}, 404, "The clinics in Iowa fill 3 pages, so there is no page 4."),
        ({"state": "AK"}, 404, "There are no Rock Valley Physical Therapy clinics in Alaska."),
        ({"page": "2"}, 404, "The list of clinics has only one page."),
    ],
)
def test_a_bad_link_gets_a_clear_message_and_the_states_to_choose_from(
    client, big_directory, demo_data, params, status, message
):
    response = client.get("/clinics/", params)
    page = html(response)
    assert response.status_code == status
    assert message in text_of(page)
    assert '<div class="callout callout--error" role="alert">' in page
    assert set(index_links(page)) == {"Illinois", "Iowa", "Nebraska"}
    assert "<b>Iowa</b>" not in page  # what the link said is shown as text


def test_a_page_past_the_end_links_to_the_last_page(client, big_directory, demo_data):
    page = html(client.get("/clinics/", {"state": "IA", "page": "7"}))
    assert '<a href="/clinics/?state=IA&amp;page=3">Go to the last page of clinics in Iowa</a>' in page


def test_a_bad_link_to_a_small_directory_gets_the_message_too(client, demo_data):
    response = client.get("/clinics/", {"state": "ZZ"})
    assert response.status_code == 400
    page = html(response)
    assert "is not a US state code" in text_of(page)
    assert index_links(page)["Iowa"] == ("/clinics/#state-iowa", "9 clinics")


# --- Rate limited ---------------------------------------------------------------------------------


def test_the_list_is_rate_limited_with_the_apis_count_and_a_friendly_page(client, monkeypatch, demo_data):
    from clinics.throttling import AnonThrottle

    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    assert client.get("/clinics/").status_code == 200
    assert client.get("/api/v1/clinics/").status_code == 200  # one count for the API and the pages
    assert client.get("/clinics/", {"state": "IA"}).status_code == 200
    response = client.get("/clinics/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    readable = text_of(html(response))
    assert "Please wait a moment" in readable
    assert f"Please wait {response['Retry-After']} seconds, then try again." in readable
    assert client.get("/api/v1/clinics/").status_code == 429
