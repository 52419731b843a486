"""The Schedule redirect (/go/schedule/<slug>/): counts the click, then goes to the stored URL and nowhere else."""

from __future__ import annotations

import pytest

from clinics.models import Clinic
from demand.models import SearchDemand
from demand.recording import flush
from tests.factories import ClinicFactory, ServiceFactory

pytestmark = pytest.mark.django_db

STORED = "https://schedule.example.com/rock-valley/moline"


@pytest.fixture
def clinic():
    return ClinicFactory(name="Moline", slug="moline", schedule_url=STORED, services=("aquatic-therapy",))


def clicks() -> list[tuple[str, str, int, int]]:
    flush()
    return list(SearchDemand.objects.order_by("area").values_list("area", "services", "searches", "schedule_clicks"))


def test_a_schedule_click_is_counted_under_its_search_and_sent_to_the_stored_url(client, clinic):
    response = client.get("/go/schedule/moline/?from=61265&service=aquatic-therapy")
    assert response.status_code == 302
    assert response["Location"] == STORED
    assert clicks() == [("61265", "aquatic-therapy", 0, 1)]


def test_clicks_and_searches_from_the_same_zip_share_one_row(client, clinic):
    client.get("/find/?q=61265")
    client.get("/go/schedule/moline/?from=61265")
    client.get("/go/schedule/moline/?from=61265")
    assert clicks() == [("61265", "", 1, 2)]


def test_the_results_page_links_schedule_through_the_counting_redirect(client, clinic):
    page = client.get("/find/?q=Moline,%20IL&service=aquatic-therapy").content.decode()
    assert 'href="/go/schedule/moline/?from=Moline%2C+IL&amp;service=aquatic-therapy" rel="nofollow"' in page
    assert STORED not in page  # the stored URL is only ever reached through the redirect
    assert client.get("/go/schedule/moline/?from=Moline%2C+IL&service=aquatic-therapy")["Location"] == STORED
    assert clicks() == [("Moline, IL", "aquatic-therapy", 1, 1)]


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?url=https://evil.example/&to=//evil.example",
        "?from=https://evil.example/",
        "?from=%2F%2Fevil.example",
    ],
)
def test_nothing_in_the_link_chooses_where_it_goes(client, clinic, query):
    response = client.get(f"/go/schedule/moline/{query}")
    assert response.status_code == 302
    assert response["Location"] == STORED


@pytest.mark.parametrize("area", ["123 Main Street", "00000", "Springfield", "Moline, ZZ", "moline, il", "x" * 500])
def test_an_area_no_search_could_have_recorded_is_not_stored(client, clinic, area):
    assert client.get("/go/schedule/moline/", {"from": area, "service": "no-such-service"}).status_code == 302
    assert clicks() == [("", "", 0, 1)]


def test_a_click_from_the_clinic_page_counts_as_not_from_a_search(client, clinic):
    page = client.get("/clinics/moline/").content.decode()
    assert 'href="/go/schedule/moline/" rel="nofollow">Schedule a visit</a>' in page
    client.get("/go/schedule/moline/")
    assert clicks() == [("", "", 0, 1)]


def test_the_clinic_list_links_schedule_through_the_redirect(client, clinic):
    page = client.get("/clinics/").content.decode()
    assert 'href="/go/schedule/moline/" rel="nofollow">Schedule' in page


def test_no_cookie_is_read_or_set_and_the_answer_is_never_cached(client, clinic):
    response = client.get("/go/schedule/moline/?from=61265")
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_head_request_is_answered_but_not_counted(client, clinic):
    assert client.head("/go/schedule/moline/?from=61265").status_code == 302
    assert clicks() == []


def test_a_post_is_refused(client, clinic):
    assert client.post("/go/schedule/moline/").status_code == 405


def test_a_retired_clinic_is_a_page_not_found(client, clinic):
    Clinic.objects.filter(pk=clinic.pk).update(status="retired")
    response = client.get("/go/schedule/moline/?from=61265")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()  # the site's own page, with a search form
    assert clicks() == []


@pytest.mark.parametrize(
    "change",
    [{"schedule_url": ""}, {"status": "temporarily_closed", "closure_reason": "Closed for renovation"}],
)
def test_a_clinic_that_cannot_be_booked_online_sends_the_patient_to_its_page(client, clinic, change):
    """No online scheduling, or closed for now (an old link may not know): its page says why, and how to call."""
    Clinic.objects.filter(pk=clinic.pk).update(**change)
    response = client.get("/go/schedule/moline/?from=61265")
    assert (response.status_code, response["Location"]) == (302, "/clinics/moline/")
    assert clicks() == []


def test_a_stored_url_that_is_not_a_web_address_is_never_followed(client, clinic):
    Clinic.objects.filter(pk=clinic.pk).update(schedule_url="javascript:alert(1)")  # past validation, as in a raw edit
    assert client.get("/go/schedule/moline/")["Location"] == "/clinics/moline/"
    assert clicks() == []


def test_an_unknown_clinic_is_a_page_not_found(client, clinic):
    assert client.get("/go/schedule/no-such-clinic/").status_code == 404


def test_robots_are_asked_not_to_follow_schedule_links(client):
    assert "Disallow: /go/" in client.get("/robots.txt").content.decode()


def test_only_known_services_are_kept_with_a_click(client, clinic):
    ServiceFactory(slug="dry-needling")
    client.get("/go/schedule/moline/?from=61265&service=dry-needling&service=aquatic-therapy&service=made-up")
    assert clicks() == [("61265", "aquatic-therapy,dry-needling", 0, 1)]
