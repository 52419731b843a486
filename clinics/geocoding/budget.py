"""The whole site's budget of online geocoder lookups: at most MAX_PER_MINUTE a minute.

geopy's RateLimiter only spaces one process's calls; this budget is counted in Django's cache,
shared by every worker (Redis in production, locmem for a developer), so the site stays inside
the service's quota however many workers or visitors there are.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def allow_lookup(limit: int) -> bool:
    """Count one online lookup if it fits in this minute's budget; a limit of 0 or less means no limit."""
    if limit <= 0:
        return True
    key = f"geocode:budget:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, 120)
        used = 1
    return used <= limit
