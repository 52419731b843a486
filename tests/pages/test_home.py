"""The home page: the search form a visitor starts from."""

from __future__ import annotations

import re
from datetime import time

import pytest

from clinics import editing
from clinics.models import Clinic, Service
from tests.pages.reading import html, text_of

pytestmark = pytest.mark.django_db


def test_home_renders_the_search_form(client, demo_data):
    response = client.get("/")
    page = html(response)
    assert response.status_code == 200
    assert "<title>Find a Rock Valley physical therapist near you" in page
    assert '<meta name="description" content="Find the nearest Rock Valley' in page
    assert '<form class="search-form search-form--hero" action="/find/" method="get" role="search"' in page
    assert '<label class="field__label" for="id_q">ZIP code, city or address</label>' in page
    assert 'name="q"' in page and 'name="service"' in page and 'name="radius"' in page
    assert '<option value="aquatic-therapy">Aquatic therapy</option>' in page
    assert '<option value="25" selected>25 miles</option>' in page
    assert "data-geolocate" in page and "Use my location" in page
    assert '<a class="skip-link" href="#main">' in page
    assert "<header" in page and '<main id="main"' in page and "<footer" in page
    assert "sample values" in text_of(page)
    # No inline script anywhere: every script is a static file (or inert JSON).
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", page)


def state_cards(page: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'<span class="state-card__name">([^<]+)</span>\s*<span class="state-card__count">([^<]+)</span>', page
        )
    )


def test_home_counts_clinics_per_state(client, demo_data):
    page = html(client.get("/"))
    assert state_cards(page) == {"Illinois": "3 clinics", "Iowa": "9 clinics", "Nebraska": "1 clinic"}
    assert "Search 13 clinics by ZIP code" in text_of(page)


def test_home_does_not_count_the_directory_on_every_visit(client, demo_data, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):  # the counts, and the services in the search form, are remembered
        client.get("/")


def test_home_counts_change_as_soon_as_staff_edit_clinics(client, demo_data, django_capture_on_commit_callbacks):
    client.get("/")  # counted and remembered
    with django_capture_on_commit_callbacks(execute=True):
        ames = editing.clinic_create(
            name="Ames", city="Ames", state="IA", zip_code="50010", phone="515-555-0101", schedule_url="https://x.test/"
        )
        editing.set_services(clinic=ames, services=Service.objects.all()[:1])
        editing.replace_hours(clinic=ames, intervals=[(0, time(8), time(17))])
        editing.clinics_set_status(clinics=[ames], status="published")
        editing.clinics_set_status(clinics=Clinic.objects.filter(state="NE"), status="retired")
    page = html(client.get("/"))
    assert state_cards(page) == {"Illinois": "3 clinics", "Iowa": "10 clinics"}
    assert "Search 13 clinics by ZIP code" in text_of(page)
    with django_capture_on_commit_callbacks(execute=True):
        editing.clinics_delete(clinics=Clinic.objects.filter(state="IL"))
    assert state_cards(html(client.get("/"))) == {"Iowa": "10 clinics"}


def test_home_counts_need_no_shared_cache(client, demo_data, monkeypatch):
    """The shared cache (Redis in production) may be down: the counts are still right, and the page still loads."""
    from clinics import counts

    def down(*args, **kwargs):
        raise ConnectionError("the shared cache is down")

    monkeypatch.setattr(counts.cache, "get_many", down)
    monkeypatch.setattr(counts.cache, "set", down)
    assert state_cards(html(client.get("/"))) == {"Illinois": "3 clinics", "Iowa": "9 clinics", "Nebraska": "1 clinic"}
    editing.clinics_set_status(clinics=Clinic.objects.filter(state="NE"), status="retired")
    assert "Nebraska" not in state_cards(html(client.get("/")))
