"""The online geocoder's circuit breaker: after repeated failures, stop asking it for a while.

A service that times out costs each visitor its whole timeout. After FAILURES_TO_PAUSE failures
(timeouts, errors, quota refusals) within PAUSE_SECONDS, the site stops asking it for PAUSE_SECONDS:
address searches fall back at once to the ZIP or city inside the address. Then the next lookup
tries the service again; a success forgets the failures. The state is in Django's shared cache, so
every worker pauses together; if the cache cannot be asked, the breaker never opens (the timeout
and the concurrency cap still bound the cost).
"""

from __future__ import annotations

import logging

from django.core.cache import cache

log = logging.getLogger(__name__)

FAILURES_KEY = "geocode:breaker:failures"
PAUSED_KEY = "geocode:breaker:paused"


def paused() -> bool:
    return cache.get(PAUSED_KEY) is not None


def record_failure(*, failures_to_pause: int, pause_seconds: float) -> None:
    if failures_to_pause <= 0:
        return
    if cache.add(FAILURES_KEY, 1, pause_seconds):
        failures = 1
    else:
        try:
            failures = cache.incr(FAILURES_KEY)
        except ValueError:  # expired, or the cache is unavailable
            return
    if failures >= failures_to_pause:
        cache.set(PAUSED_KEY, 1, pause_seconds)
        cache.delete(FAILURES_KEY)
        log.warning("geocoder paused for %.0f s after %d failures", pause_seconds, failures)


def record_success() -> None:
    cache.delete(FAILURES_KEY)
