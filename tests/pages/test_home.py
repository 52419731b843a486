"""The home page: the search form a visitor starts from."""

from __future__ import annotations

import re

import pytest

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
