"""Any method on any URL gets an answer, never a 500: OPTIONS, HEAD and the writing methods."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/find/?q=61265",
    "/clinics/",
    "/clinics/rock-valley-pt-moline/",
    "/no-such-page/",
    "/sitemap.xml",
    "/robots.txt",
    "/health/live/",
    "/health/ready/",
    "/api/v1/clinics/",
    "/api/v1/clinics/rock-valley-pt-moline/",
    "/api/v1/clinics/nearest/?q=61265",
    "/api/v1/clinics.geojson",
    "/api/v1/services/",
    "/api/v1/health/",
    "/api/v1/nope/",
    "/api/schema/",
    "/api/docs/",
    "/admin/login/",
    "/embed.js",
    "/embed/",
    "/embed/finder/?q=61265",
    "/embed/sample-article/",
]


@pytest.mark.parametrize("method", ["options", "head", "put", "patch", "delete", "trace"])
@pytest.mark.parametrize("url", URLS)
def test_every_method_on_every_url_answers_without_a_server_error(client, demo_data, url, method):
    response = getattr(client, method)(url)
    assert response.status_code < 500, (method, url, response.status_code)


@pytest.mark.parametrize("url", ["/", "/find/?q=61265", "/api/v1/clinics/", "/api/docs/"])
def test_options_says_which_methods_are_allowed(client, demo_data, url):
    response = client.options(url)
    assert response.status_code in (200, 204, 405)
    assert "GET" in response["Allow"]
