"""The finder's frame (/embed/finder/): the three nearest clinics, framable only where allowed, and no cookies."""

from __future__ import annotations

import re
from html import unescape

import pytest

from demand.models import SearchDemand
from demand.recording import flush
from tests.factories import ClinicFactory
from tests.pages.reading import XSS_NAME

pytestmark = pytest.mark.django_db

SITE = "https://www.rockvalleypt.com"


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_the_empty_finder_is_a_zip_box_set_to_the_condition(demo_data, client):
    response = client.get("/embed/finder/", {"condition": "pinched-nerve"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "<title>Find a Rock Valley Physical Therapist near you</title>" in page
    assert '<h1 class="finder__title">Clinics that treat a pinched nerve</h1>' in page
    assert '<label for="finder-q">Your ZIP code or town</label>' in page
    assert '<input type="hidden" name="condition" value="pinched-nerve">' in page
    assert 'action="/embed/finder/" method="get"' in page
    assert "data-result-list" not in page


def test_a_search_shows_the_three_nearest_with_open_now_call_and_schedule(demo_data, client):
    response = client.get("/embed/finder/", {"q": "61265", "condition": "pinched-nerve", "lang": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<li class="clinic">') == 3
    assert "Nearest to Moline, IL 61265" in page
    assert re.search(r"Open now</strong> · Today:|Closed now</strong> · (Today:|Opens)", page)
    assert 'href="tel:' in page
    # Schedule goes through the counting redirect, and leaves the frame for the whole window.
    assert re.search(r'href="/go/schedule/[a-z0-9-]+/\?from=61265" target="_top"', page)
    see_all = unescape(re.search(r'<a href="([^"]+)" target="_top" data-see-all>', page)[1])
    assert see_all == "/find/?q=61265&condition=pinched-nerve"


def test_a_far_place_is_announced_as_far_not_near(demo_data, client):
    def announced(query: dict[str, str]) -> str:
        page = unescape(client.get("/embed/finder/", query).content.decode())
        return re.search(r'<p class="visually-hidden" role="status" data-announce>(.*?)</p>', page, re.S)[1]

    far = announced({"q": "90210", "lang": "en"})
    assert far.startswith("3 nearest clinics to Beverly Hills, CA 90210. Rock Valley's clinics are in "), far
    assert "near Beverly Hills" not in far
    assert announced({"q": "90210", "lang": "es"}).startswith("3 clínicas más cercanas a Beverly Hills, CA 90210.")
    assert announced({"q": "61265", "lang": "en"}) == "3 clinics near Moline, IL 61265, nearest first."
    title = re.search(r"<title>(.*?)</title>", client.get("/embed/finder/", {"q": "90210", "lang": "en"}).text)[1]
    assert unescape(title) == "3 nearest clinics to Beverly Hills, CA 90210"


def test_the_finder_keeps_to_clinics_that_treat_the_condition(demo_data, client):
    page = client.get("/embed/finder/", {"q": "52403", "condition": "vertigo-and-dizziness"}).content.decode()
    assert page.count('<li class="clinic">') == 1  # only one demo clinic offers vestibular rehabilitation
    assert "/clinics/cedar-rapids-pci-vestibular-clinic/" in page


def test_a_condition_named_in_the_box_is_searched_for_and_kept_in_the_map_link(demo_data, client):
    page = client.get("/embed/finder/", {"q": "vertigo near 52403"}).content.decode()
    assert "Clinics that treat vertigo and dizziness" in page
    assert "/find/?q=52403&amp;condition=vertigo-and-dizziness" in page


def test_a_search_is_counted_for_search_demand(demo_data, client):
    client.get("/embed/finder/", {"q": "61265", "condition": "pinched-nerve"})
    flush()
    assert list(SearchDemand.objects.values_list("area", "condition", "searches")) == [("61265", "pinched-nerve", 1)]


def test_use_my_location_searches_from_the_position_and_the_map_link_keeps_it(demo_data, client):
    page = client.get("/embed/finder/", {"lat": "41.5067", "lng": "-90.5151"}).content.decode()
    assert page.count('<li class="clinic">') == 3
    assert "Nearest to you" in page
    assert "/find/?lat=41.5067&amp;lng=-90.5151" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": ""}, "Enter a ZIP code, a city and state, or an address."),
        ({"q": "99999"}, "99999"),
        ({"lat": "north", "lng": "1"}, "Your location didn&#x27;t come through correctly"),
    ],
)
def test_a_search_it_cannot_answer_says_why_in_the_frame(demo_data, client, query, message):
    response = client.get("/embed/finder/", query)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert message in page
    assert "data-result-list" not in page
    assert '<input type="text" id="finder-q"' in page  # the box is there to try again


def test_too_many_searches_get_a_message_to_wait(demo_data, client, monkeypatch):
    monkeypatch.setattr("embed.views.search_wait", lambda request: 30)
    response = client.get("/embed/finder/", {"q": "61265"})
    assert response.status_code == 429
    assert "Please try again in 30 seconds." in response.content.decode()
    assert response["Retry-After"] == "30"


def test_the_finder_speaks_the_language_it_is_given(demo_data, client):
    response = client.get("/embed/finder/", {"lang": "es-MX", "condition": "sciatica"})
    assert '<html lang="es">' in response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<input type="hidden" name="lang" value="es">' in response.content.decode()
    other = client.get("/embed/finder/", {"lang": "xx"})
    assert '<html lang="en">' in other.content.decode()


def test_only_this_site_and_the_allowed_origins_may_frame_the_finder(demo_data, client, settings):
    settings.EMBED_ALLOWED_ORIGINS = [SITE, "http://127.0.0.1:8123"]
    response = client.get("/embed/finder/")
    assert frame_ancestors(response) == f"frame-ancestors 'self' {SITE} http://127.0.0.1:8123"
    assert "X-Frame-Options" not in response
    # The rest of the policy is the site's own.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "form-action 'self'" in response["Content-Security-Policy"]


def test_with_no_origins_set_only_this_site_may_frame_the_finder(demo_data, client, settings):
    settings.EMBED_ALLOWED_ORIGINS = []
    assert frame_ancestors(client.get("/embed/finder/")) == "frame-ancestors 'self'"


@pytest.mark.parametrize("path", ["/", "/find/?q=61265", "/conditions/pinched-nerve/", "/embed/", "/clinics/"])
def test_every_other_page_stays_unframeable(demo_data, client, settings, path):
    settings.EMBED_ALLOWED_ORIGINS = [SITE]
    response = client.get(path)
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("query", [{}, {"q": "61265"}, {"q": "nowhere at all 12"}, {"lat": "41.5", "lng": "-90.5"}])
def test_the_finder_sets_no_cookie(demo_data, client, query):
    response = client.get("/embed/finder/", query)
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_the_finder_asks_nothing_of_any_other_site(demo_data, client):
    page = client.get("/embed/finder/", {"q": "61265"}).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    # Every address is on this site (a path), a phone number, or nothing fetched: no other origin.
    assert all(source.startswith(("/", "tel:")) for source in sources), sources


def test_the_empty_finder_may_be_cached_and_an_answer_may_not(demo_data, client):
    assert client.get("/embed/finder/")["Cache-Control"] == "public, max-age=300"
    assert "public" not in client.get("/embed/finder/", {"q": "61265"}).get("Cache-Control", "")


def test_the_finder_is_read_only(demo_data, client):
    assert client.post("/embed/finder/", {"q": "61265"}).status_code == 405


def test_clinic_names_are_text_and_retired_clinics_never_appear(client):
    ClinicFactory(name=XSS_NAME, latitude=41.49, longitude=-90.50)
    ClinicFactory(name="Closed For Good", latitude=41.4906, longitude=-90.498, status="retired")
    page = client.get("/embed/finder/", {"q": "61265"}).content.decode()
    assert page.count('<li class="clinic">') == 1
    assert XSS_NAME not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Closed For Good" not in page
