"""Rate limits for anonymous searches: counted per visitor in the shared cache, atomically on Redis."""

import re
import time

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/clinics/nearest/"


def test_the_results_page_and_the_api_share_one_count_per_visitor(demo_data, client, monkeypatch):
    from clinics.throttling import SearchThrottle

    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    assert client.get("/find/", {"q": "61265"}).status_code == 200
    assert client.get(URL, {"q": "61265"}).status_code == 200
    page = client.get("/find/", {"q": "61265"})
    assert page.status_code == 429
    assert "You have searched many times in a short while." in page.content.decode()
    seconds = int(page["Retry-After"])
    assert 55 <= seconds <= 60  # the oldest of the two searches leaves the minute's window then
    assert f"Please wait {seconds} seconds and try again" in page.content.decode() or seconds == 60
    assert client.get(URL, {"q": "61265"}).status_code == 429


def test_anonymous_search_is_rate_limited(demo_data, client, monkeypatch):
    from clinics.throttling import SearchThrottle

    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "3/min"})
    statuses = [client.get(URL, {"q": "61265"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    error = client.get(URL, {"q": "61265"}).json()["error"]
    assert error["code"] == "rate_limited"
    assert "Try again in" in error["message"]


def test_a_forged_forwarded_for_header_does_not_dodge_the_rate_limit(demo_data, client, monkeypatch):
    from clinics.throttling import SearchThrottle

    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    statuses = [client.get(URL, {"q": "61265"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 429, 429]


def redis_or_skip():
    from django.core.cache import caches
    from django_redis import get_redis_connection
    from django_redis.cache import RedisCache

    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the shared cache is Redis only in the PostgreSQL + Redis pass")
    return get_redis_connection("default")


def test_on_redis_a_search_is_counted_in_one_round_trip_by_the_shared_script(demo_data, client, monkeypatch):
    from clinics.throttling import SearchThrottle

    redis = redis_or_skip()
    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    redis.script_flush()  # the first search also teaches Redis the script
    commands = []
    real = redis.execute_command
    monkeypatch.setattr(redis, "execute_command", lambda *args, **kw: commands.append(args[0]) or real(*args, **kw))

    statuses = [client.get(URL, {"q": "61265"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # One script call per search; the first finds Redis without the script and sends it once.
    assert commands == ["EVALSHA", "SCRIPT LOAD", "EVALSHA", "EVALSHA", "EVALSHA"]
    keys = redis.keys("*throttle_window_search_*")
    assert len(keys) == 1
    assert redis.type(keys[0]) == b"zset" and redis.zcard(keys[0]) == 2  # the refused search is not counted
    assert 0 < redis.ttl(keys[0]) <= 60
    message = client.get(URL, {"q": "61265"}).json()["error"]["message"]
    seconds = int(re.search(r"Try again in (\d+) seconds", message)[1])
    assert 50 <= seconds <= 60


def test_a_rate_of_zero_turns_searches_off_on_every_cache(demo_data, client, monkeypatch):
    from clinics.throttling import SearchThrottle

    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "0/min"})
    response = client.get(URL, {"q": "61265"})
    assert response.status_code == 429
    assert "Try again in" in response.json()["error"]["message"]


def test_on_redis_the_limit_fails_open_during_an_outage_and_counts_again_after_it(
    demo_data, client, monkeypatch, settings
):
    from redis.exceptions import ConnectionError

    from clinics import throttling
    from clinics.shared_cache import breaker

    redis_or_skip()
    monkeypatch.setattr(throttling.SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    settings.REDIS_RETRY_AFTER = 0.2
    real = throttling._sliding_window

    def down(*args):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(throttling, "_sliding_window", down)
    assert [client.get(URL, {"q": "61265"}).status_code for _ in range(3)] == [200, 200, 200]
    assert breaker.status()["requests_not_rate_limited"] == 3
    monkeypatch.setattr(throttling, "_sliding_window", real)
    time.sleep(0.3)  # the pause ends; no restart
    assert [client.get(URL, {"q": "61265"}).status_code for _ in range(3)] == [200, 200, 429]


def test_on_redis_simultaneous_searches_of_one_visitor_are_all_counted(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from django.test import RequestFactory
    from rest_framework.request import Request

    from clinics.throttling import SearchThrottle

    redis_or_skip()
    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "10/min"})

    def search(_: int) -> bool:
        return SearchThrottle().allow_request(Request(RequestFactory().get(URL, REMOTE_ADDR="10.9.8.7")), None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(search, range(30)))
    assert allowed.count(True) == 10  # no search slips through between another's read and write
