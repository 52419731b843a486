"""What a clinic's status means to visitors: drafts nowhere, temporarily closed clinics clearly closed everywhere."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import User

from clinics.models import Clinic
from tests.factories import ClinicFactory
from tests.pages.reading import html, jsonld, result_slugs, text_of

pytestmark = pytest.mark.django_db

MONDAY_10AM_CHICAGO = "2026-11-30 16:00:00+00:00"  # inside every factory clinic's hours (8 to 5 on weekdays)


@pytest.fixture
def closed():
    return ClinicFactory(
        name="Moline Renovating",
        latitude=41.5067,
        longitude=-90.5151,
        status="temporarily_closed",
        closure_reason="Closed for renovation",
        reopens_on=date(2027, 1, 4),
        schedule_url="https://schedule.example.com/moline-renovating",
    )


@pytest.fixture
def draft():
    return ClinicFactory(name="Moline Draft", latitude=41.5, longitude=-90.51, status="draft")


# --- Temporarily closed -----------------------------------------------------------------------------------


def test_results_show_a_temporarily_closed_clinic_as_closed_with_reason_and_reopening_and_no_schedule(client, closed):
    ClinicFactory(name="Moline Open", latitude=41.51, longitude=-90.52)
    with time_machine.travel(MONDAY_10AM_CHICAGO, tick=False):
        page = html(client.get("/find/?q=61265"))
    assert result_slugs(page) == [closed.slug, "moline-open"]
    item = page[page.index(f'data-slug="{closed.slug}"') : page.index('data-slug="moline-open"')]
    text = text_of(item)
    assert "Temporarily closed · Reopens Mon, Jan 4" in text
    assert "Closed for renovation" in text
    assert "Open now" not in text and "Today:" not in text
    assert "Schedule" not in text and 'data-schedule-url=""' in item
    assert 'data-closed="Temporarily closed · reopens Jan 4"' in item  # the map popup's line
    assert "Open now" in text_of(page[page.index('data-slug="moline-open"') :])


def test_clinic_page_of_a_temporarily_closed_clinic(client, closed):
    with time_machine.travel(MONDAY_10AM_CHICAGO, tick=False):
        page = html(client.get(closed.get_absolute_url()))
    text = text_of(page)
    assert "Temporarily closed · Reopens Monday, January 4" in text
    assert (
        "This clinic is temporarily closed: Closed for renovation. It expects to reopen on Monday, January 4, 2027. "
        "Appointments can't be booked online until then." in text
    )
    assert "Open now" not in text
    assert "Schedule a visit" not in text and closed.schedule_url not in page
    assert "openingHoursSpecification" not in jsonld(page)


def test_clinic_list_marks_a_temporarily_closed_clinic(client, closed):
    text = text_of(html(client.get("/clinics/")))
    assert "Temporarily closed: Closed for renovation · Reopens Mon, Jan 4" in text
    assert "Schedule at Moline Renovating" not in text


def test_api_tells_clients_a_clinic_is_temporarily_closed(client, closed):
    with time_machine.travel(MONDAY_10AM_CHICAGO, tick=False):
        nearest = client.get("/api/v1/clinics/nearest/", {"q": "61265"}).json()["results"][0]
        detail = client.get(f"/api/v1/clinics/{closed.slug}/").json()
    for data in (nearest, detail):
        assert data["status"] == "temporarily_closed"
        assert data["closure_reason"] == "Closed for renovation"
        assert data["reopens_on"] == "2027-01-04"
        assert data["open_now"] is False
        assert data["hours_today"] == "Temporarily closed"
        assert data["schedule_url"] == ""


def test_open_now_leaves_temporarily_closed_clinics_out(client, closed):
    with time_machine.travel(MONDAY_10AM_CHICAGO, tick=False):
        page = html(client.get("/find/?q=61265&open_now=1"))
    assert closed.slug not in result_slugs(page)


def test_a_setting_leaves_temporarily_closed_clinics_out_of_nearest_results(client, closed, settings):
    settings.SEARCH_SHOWS_TEMPORARILY_CLOSED = False
    open_one = ClinicFactory(name="Moline Open", latitude=41.51, longitude=-90.52)
    assert result_slugs(html(client.get("/find/?q=61265"))) == [open_one.slug]
    assert client.get(closed.get_absolute_url()).status_code == 200  # still has its page


# --- Drafts -----------------------------------------------------------------------------------------------


def test_a_draft_is_nowhere_a_visitor_or_client_looks(client, draft):
    published = ClinicFactory(name="Moline Published", latitude=41.5, longitude=-90.5)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/clinics/{draft.slug}/").status_code == 404
    for url in ("/find/?q=61265", "/clinics/", "/api/v1/clinics/", "/api/v1/clinics.geojson", "/sitemap-clinics.xml"):
        body = client.get(url).content.decode()
        assert published.slug in body, url
        assert draft.slug not in body and "Moline Draft" not in body, url
    nearest = client.get("/api/v1/clinics/nearest/", {"q": "61265"}).json()
    assert [c["slug"] for c in nearest["results"]] == [published.slug]
    assert "1 clinic" in text_of(html(client.get("/")))


def test_retired_clinics_are_hidden_too(client):
    retired = ClinicFactory(name="Gone", status="retired")
    assert client.get(retired.get_absolute_url()).status_code == 404
    assert retired.slug not in client.get("/clinics/").content.decode()


def test_staff_preview_a_draft_marked_not_public_and_not_indexed(client, draft):
    client.force_login(User.objects.create_user("ops", password="pw-ops-1234", is_staff=True))
    response = client.get(f"/clinics/{draft.slug}/preview/")
    assert response.status_code == 200
    page = html(response)
    assert "Preview — not public. Only staff can see this page: this clinic is a draft." in text_of(page)
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["anonymous", "signed-in visitor"])
def test_preview_is_for_staff_only(client, draft, who):
    if who != "anonymous":
        client.force_login(User.objects.create_user("patient", password="pw-patient-1234"))
    response = client.get(f"/clinics/{draft.slug}/preview/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "Moline Draft" not in response.content.decode()


def test_admin_links_a_draft_to_its_preview(client, draft):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    page = html(client.get(f"/admin/clinics/clinic/{draft.pk}/change/"))
    assert f'href="/clinics/{draft.slug}/preview/"' in page
    assert 'href="/admin/r/' not in page  # "View on site" goes to the preview too, not to a page not found
    assert Clinic.objects.get(pk=draft.pk).status == "draft"


def test_preview_of_a_public_clinic_says_it_is_public(client):
    clinic = ClinicFactory(name="Moline")
    client.force_login(User.objects.create_user("ops", password="pw-ops-1234", is_staff=True))
    text = text_of(html(client.get(f"/clinics/{clinic.slug}/preview/")))
    assert "Preview. This clinic is public: visitors see this page at its own address" in text
    assert "not public" not in text
