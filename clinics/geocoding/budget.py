"""The whole site's budget of online geocoder lookups: at most MAX_PER_MINUTE in any 60 seconds.

A service's quota is per minute for the whole site; this budget is counted in Django's cache,
shared by every worker (Redis in production, locmem for a developer), so the site stays inside
the service's quota however many workers or visitors there are.

The window slides. Lookups are counted in 5-second slots, and one is allowed while the slots that
cover the last minute hold no more than the limit. A counter per clock minute allowed twice the
limit across a minute's end; the estimate from two minute counters, weighted by overlap, still
lets a burst at the end of one minute be followed by nearly a full budget in the next. Thirteen
slots cover between 60 and 65 seconds, so the budget is never overspent in any minute, at the cost
of a budget spent at 12:00:59 coming back at 12:02:00 rather than at 12:01:59.

Counting first (an atomic ``incr``) and reading after means that of two callers racing for the
last lookup, the later one sees the earlier one: both may be refused, never both allowed. A refused
lookup is taken back, so refusals do not use up the budget.
"""

from __future__ import annotations

import contextlib
import time

from django.core.cache import cache

SLOT_SECONDS = 5
WINDOW_SECONDS = 60
SLOTS = WINDOW_SECONDS // SLOT_SECONDS + 1
# Long enough for a slot to be read for as long as it is in the window, on any cache.
_TTL = WINDOW_SECONDS + 2 * SLOT_SECONDS


def _key(slot: int) -> str:
    return f"geocode:budget:{slot}"


def allow_lookup(limit: int) -> bool:
    """Count one online lookup if it fits in the last minute's budget; a limit of 0 or less means no limit."""
    if limit <= 0:
        return True
    slot = int(time.time() // SLOT_SECONDS)
    key = _key(slot)
    if not cache.add(key, 1, _TTL):
        try:
            cache.incr(key)
        except ValueError:  # the slot expired between add and incr
            cache.add(key, 1, _TTL)
    counts = cache.get_many([_key(s) for s in range(slot - SLOTS + 1, slot + 1)])
    if sum(int(count) for count in counts.values()) <= limit:
        return True
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to take back
        cache.decr(key)
    return False
