"""Rate limits for anonymous visitors, counted in the shared cache (Redis in production).

One definition serves the API (as DRF throttles) and the results page (through
``search_wait``), so a visitor cannot dodge the API's limit by using the page.

DRF's throttle reads a client's history from the cache and writes it back: two round trips
to Redis per request, and two requests of one client in different workers can each write
over the other's count. On Redis the same sliding window runs as one Lua script instead: one
round trip, and atomic. Other caches (the local-memory one in development) keep DRF's way.

When Redis is down or hung, the limit fails open: the visitor is served without being counted,
for as long as clinics/shared_cache.py keeps Redis paused (logged once per outage, each request
let through counted), and counting resumes by itself when Redis answers again.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from redis.exceptions import NoScriptError
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from clinics.shared_cache import breaker, guarded

# The history of one client as a sorted set of request times: drop those older than the
# window, refuse when the rest fill the rate (answering the oldest time, for Retry-After),
# else add this request. The same rule as DRF's SimpleRateThrottle.
SLIDING_WINDOW = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  return redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2] or ARGV[1]  -- a rate of 0: refused, wait a window
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, math.ceil(window))
return false
"""
UNCOUNTED = object()  # what a rate-limit count answers when Redis could not be asked
SLIDING_WINDOW_SHA = hashlib.sha1(SLIDING_WINDOW.encode()).hexdigest()  # the name Redis knows the script by


def _redis() -> Any | None:
    """The shared cache's Redis client, or None when the cache is not Redis."""
    from django_redis import get_redis_connection
    from django_redis.cache import RedisCache

    if not isinstance(caches["default"], RedisCache):
        return None
    return get_redis_connection("default")


def _sliding_window(client: Any, key: str, *args: object) -> bytes | None:
    """Run the script by its hash; Redis is sent the script itself only when it does not know it yet."""
    try:
        return client.evalsha(SLIDING_WINDOW_SHA, 1, key, *args)
    except NoScriptError:
        client.script_load(SLIDING_WINDOW)
        return client.evalsha(SLIDING_WINDOW_SHA, 1, key, *args)


class SharedCacheRateThrottle(AnonRateThrottle):
    """AnonRateThrottle, counted in one atomic round trip when the shared cache is Redis.

    Its keys differ from DRF's (a sorted set, not a pickled list), so workers of the old and
    the new code never read each other's values during a deploy.
    """

    cache_format = "throttle_window_%(scope)s_%(ident)s"
    num_requests: int  # set by SimpleRateThrottle.__init__ from the rate
    duration: int
    oldest: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        client = _redis() if self.rate is not None else None
        if client is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        member = f"{self.now}:{uuid.uuid4().hex}"
        oldest = guarded(
            lambda: _sliding_window(
                client, self.cache.make_key(self.key), self.now, self.duration, self.num_requests, member
            ),
            UNCOUNTED,
        )
        if oldest is UNCOUNTED:
            # Redis is down or paused (clinics/shared_cache.py): the visitor is served, not counted.
            breaker.count_let_through()
            return True
        if oldest is None:
            return True
        self.oldest = float(oldest)  # type: ignore[arg-type]
        return False

    def wait(self) -> float | None:
        if self.oldest is not None:
            return max(0.0, self.duration - (self.now - self.oldest))
        return super().wait() if hasattr(self, "history") else None


class AnonThrottle(SharedCacheRateThrottle):
    """Browsing the API: API_ANON_RATE per client."""


class SearchThrottle(SharedCacheRateThrottle):
    """Searches: API_SEARCH_RATE per client."""

    scope = "search"


def client_address(request: HttpRequest) -> str:
    """The visitor's address as every limit here counts it: NUM_PROXIES decides which X-Forwarded-For entry."""
    return AnonThrottle().get_ident(request)  # type: ignore[arg-type]


def page_wait(request: HttpRequest, throttle: SharedCacheRateThrottle) -> int | None:
    """Counts one page view by this client: None when it may go on, else the whole seconds (at least 1) to wait.

    For the pages, which are not DRF views: the same throttles and counts as the API's.
    """
    if throttle.allow_request(request, None):  # type: ignore[arg-type]  # DRF's throttle reads only META
        return None
    wait = throttle.wait()
    return max(1, math.ceil(wait)) if wait is not None else 60


def search_wait(request: HttpRequest) -> int | None:
    """Counts one search by this client: None when it may search, else the whole seconds until it may again."""
    return page_wait(request, SearchThrottle())
