"""Redis is an accelerator: with it down or hung, visitors still get their pages and searches, quickly.

Each test points the shared cache at a local port where Redis is missing (nothing listens: refused at
once) or hung (the connection opens and nothing ever answers), as clinics/shared_cache.py must survive
both. These run in both passes: neither needs a real Redis.
"""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client

from clinics.shared_cache import breaker
from locator.settings import redis_cache
from tests.network import closed_port, silent_port

pytestmark = pytest.mark.django_db

# What a visitor may wait for an answer with Redis gone (the target: under a second).
VISITOR_BOUND_SECONDS = 1.0
PAGES = [
    ("/", "Find a Rock Valley"),
    ("/find/?q=61265", "Moline"),
    ("/clinics/", "Moline"),
    ("/api/v1/clinics/nearest/?q=61265", '"results"'),
    ("/api/v1/clinics/", '"results"'),
]


def timed_get(client: Client, url: str) -> tuple[int, str, float]:
    started = time.monotonic()
    response = client.get(url)
    return response.status_code, response.content.decode(), time.monotonic() - started


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/0")}


@pytest.fixture
def redis_hung(settings):
    with silent_port() as port:
        settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{port}/0")}
        yield


@pytest.mark.parametrize("outage", ["redis_down", "redis_hung"])
@pytest.mark.parametrize(("url", "expected"), PAGES)
def test_with_redis_down_or_hung_every_page_and_search_answers_within_a_second(
    request, demo_data, client, outage, url, expected
):
    """Down: refused at once. Hung: the first request waits one short timeout, and no longer."""
    request.getfixturevalue(outage)
    status, body, seconds = timed_get(client, url)
    assert status == 200
    assert expected in body
    assert seconds < VISITOR_BOUND_SECONDS


def test_with_redis_hung_later_visitors_do_not_wait_for_it_at_all(demo_data, client, redis_hung, settings):
    first = timed_get(client, "/find/?q=61265")
    assert first[0] == 200 and first[2] >= settings.REDIS_TIMEOUT  # this one found out Redis hangs
    later = [timed_get(client, "/find/?q=52801") for _ in range(5)]
    assert [status for status, _, _ in later] == [200] * 5
    # Paused: no request sends Redis anything, so none waits a timeout again.
    assert max(seconds for _, _, seconds in later) < settings.REDIS_TIMEOUT
    assert breaker.status()["paused"] is True
    assert breaker.status()["skipped_calls"] >= 5


def test_a_redis_outage_is_logged_once_not_once_per_request(demo_data, client, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="clinics.shared_cache"):
        for _ in range(5):
            assert client.get("/find/?q=61265").status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "clinics.shared_cache"]
    assert len(warnings) == 1
    assert "Redis unavailable" in warnings[0] and "no rate limits" in warnings[0]


def test_searches_are_let_through_and_counted_while_redis_is_down(demo_data, client, redis_down, monkeypatch):
    from clinics.throttling import SearchThrottle

    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    statuses = [client.get("/api/v1/clinics/nearest/", {"q": "61265"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 200]  # failing open: nobody is refused for Redis's fault
    assert breaker.status()["requests_not_rate_limited"] == 4


def test_the_cache_is_asked_again_after_the_pause_without_a_restart(demo_data, client, redis_down, settings):
    settings.REDIS_RETRY_AFTER = 0.2
    client.get("/find/?q=61265")
    assert breaker.status()["outages"] == 1
    time.sleep(0.3)
    client.get("/find/?q=61265")
    # The pause ended, so Redis was tried again (and, being still down, paused again).
    assert breaker.status()["outages"] == 2


def test_readiness_names_the_cache_when_redis_is_down_but_keeps_the_server_in_service(db, client, redis_down):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failed"] == ["cache"]
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "unavailable"


def test_readiness_answers_503_for_redis_when_told_it_is_required(db, client, redis_down, settings):
    settings.READY_REQUIRES_CACHE = True
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response["Retry-After"] == "30"
