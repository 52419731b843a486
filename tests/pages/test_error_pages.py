"""The friendly error pages."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import RequestFactory

from clinics import views
from tests.pages.reading import html

pytestmark = pytest.mark.django_db


def test_unknown_clinic_gets_the_friendly_404_page(client, demo_data):
    response = client.get("/clinics/no-such-clinic/")
    assert response.status_code == 404
    page = html(response)
    assert "We can't find that page" in unescape(page)
    assert 'action="/find/"' in page


def test_server_error_page_needs_no_database(django_db_blocker):
    with django_db_blocker.block():  # any query would raise here
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
