"""The shared cache (Redis in production) as an accelerator that no page or search depends on.

The policy, also in the README ("When Redis fails"):
- Every Redis call has short connect and read timeouts (REDIS_TIMEOUT) and no retries.
- A call that fails is answered as a miss: a read finds nothing, a write stores nothing. Pages and
  searches go on; what was cached is computed again, and rate limits let the visitor through
  (``clinics.throttling``).
- A connection error or timeout pauses Redis for this process for REDIS_RETRY_AFTER seconds: no call
  is sent meanwhile, so a hung Redis costs one request one timeout, not every request one each. The
  pause is logged once and every call it skips is counted (``breaker.status()``, shown by the
  readiness check). After the pause the next call tries Redis again: recovery needs no restart.

``FailOpenRedisCache`` is django-redis's cache backend with that policy around Django's cache API;
django-redis's own IGNORE_EXCEPTIONS must stay off, or failures would never reach the breaker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Failures that mean "Redis cannot be reached": they pause it. Other Redis errors (a wrong command)
# are answered as a miss and logged, but say nothing about Redis being up.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, TimeoutError)


class RedisBreaker:
    """Whether this process should ask Redis now; opened by an outage, closed by the next success."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self.outages = 0  # pauses begun since the process started
        self.skipped = 0  # calls answered without asking Redis, while paused
        self.let_through = 0  # requests served without a rate-limit count (clinics/throttling.py)

    @property
    def pause_seconds(self) -> float:
        return float(getattr(settings, "REDIS_RETRY_AFTER", 10.0))

    def available(self) -> bool:
        """False while paused; counts the call it turns away."""
        if time.monotonic() >= self._paused_until:
            return True
        with self._lock:
            self.skipped += 1
        return False

    def count_let_through(self) -> None:
        with self._lock:
            self.let_through += 1

    def failed(self, error: BaseException) -> None:
        with self._lock:
            already = time.monotonic() < self._paused_until
            self._paused_until = time.monotonic() + self.pause_seconds
            if not already:
                self.outages += 1
        if not already:
            log.warning(
                "Redis unavailable (%s): no caching and no rate limits in this process for %.0f s",
                type(error).__name__,
                self.pause_seconds,
            )

    def succeeded(self) -> None:
        if self._paused_until:
            with self._lock:
                if self._paused_until:
                    self._paused_until = 0.0
                    log.info("Redis answers again")

    def reset(self) -> None:
        with self._lock:
            self._paused_until = 0.0
            self.outages = self.skipped = self.let_through = 0

    def status(self) -> dict[str, Any]:
        return {
            "paused": time.monotonic() < self._paused_until,
            "outages": self.outages,
            "skipped_calls": self.skipped,
            "requests_not_rate_limited": self.let_through,
        }


breaker = RedisBreaker()


def guarded(call: Callable[[], T], fallback: T) -> T:
    """Run one Redis call under the breaker; ``fallback`` when Redis is paused or fails."""
    if not breaker.available():
        return fallback
    try:
        result = call()
    except ConnectionInterrupted as error:  # django-redis's wrapper around a redis-py error
        return _failed(error.__cause__ or error, fallback)
    except RedisError as error:
        return _failed(error, fallback)
    except TimeoutError as error:
        return _failed(error, fallback)
    breaker.succeeded()
    return result


def _failed(error: BaseException, fallback: T) -> T:
    if isinstance(error, OUTAGE_ERRORS):
        breaker.failed(error)
    else:
        log.error("Redis refused a cache command", exc_info=error)
    return fallback


class FailOpenRedisCache(RedisCache):
    """django-redis's RedisCache, answering a miss instead of raising when Redis is down or slow."""

    def get(self, key: Any, default: Any = None, version: Any = None, client: Any = None) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).get(key, default, version, client), default)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).get_many(*args, **kwargs), {})

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).has_key(*args, **kwargs), False)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).add(*args, **kwargs), False)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).set(*args, **kwargs), False)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).set_many(*args, **kwargs), [])

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).touch(*args, **kwargs), False)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).delete(*args, **kwargs), False)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).delete_many(*args, **kwargs), 0)

    def clear(self) -> Any:
        return guarded(lambda: super(FailOpenRedisCache, self).clear(), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None, client: Any = None, **kwargs: Any) -> Any:
        """Like a missing key when Redis is unavailable: ValueError, which callers of incr already handle."""
        missing = object()
        value = guarded(lambda: super(FailOpenRedisCache, self).incr(key, delta, version, client, **kwargs), missing)
        if value is missing:
            raise ValueError(f"Key {key!r} not found (the shared cache is unavailable)")
        return value

    def decr(self, key: Any, delta: int = 1, version: Any = None, client: Any = None, **kwargs: Any) -> Any:
        return self.incr(key, -delta, version, client, **kwargs)
