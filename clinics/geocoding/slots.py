"""How many online lookups may run at once, and how close together they may start, for the whole site.

A lookup waits on an outside service for up to its timeout, holding the worker that serves it. The
cap keeps most workers free for everyone else (the home page and ZIP searches never wait for the
geocoder), and the spacing keeps the site inside a service's "one request a second" policy. Neither
ever makes a visitor wait: a lookup that finds no free slot, or comes too soon after the last one,
is refused at once, and the address falls back to the ZIP or city inside it.

Both are counted in Django's shared cache (Redis in production, so every worker sees them). If the
cache cannot be asked, nothing is refused: the timeout still bounds each lookup.

Management commands that locate many clinics (``geocode_clinics``, ``import_clinics``) run inside
``patient_lookups()``: there, a lookup waits its turn instead of falling back, since nobody is
waiting on a web page and a fallback would leave the clinic approximate.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

SPACING_KEY = "geocode:spacing"
# How long a patient lookup waits for its turn at most, and how often it looks.
PATIENCE_SECONDS = 60.0
POLL_SECONDS = 0.05

_patient: ContextVar[bool] = ContextVar("geocode_patient", default=False)


@contextmanager
def patient_lookups() -> Iterator[None]:
    """Within this block (a management command), lookups wait for the spacing and a free slot."""
    token = _patient.set(True)
    try:
        yield
    finally:
        _patient.reset(token)


def patiently(attempt: Callable[[], bool]) -> bool:
    """``attempt()`` once; in patient mode, again every POLL_SECONDS until it succeeds or patience runs out."""
    if attempt():
        return True
    if not _patient.get():
        return False
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        if attempt():
            return True
    return False


def _slot_key(index: int) -> str:
    return f"geocode:slot:{index}"


def claim(key: str, token: object, seconds: float) -> bool:
    """Take ``key`` for ``seconds``; False only when the cache says someone else holds it.

    ``add`` fails both when the key is held and when the cache is unavailable; the ``get`` tells
    the two apart (an unavailable cache reads as empty).
    """
    return bool(cache.add(key, token, seconds)) or cache.get(key) is None


def spaced(min_delay_seconds: float) -> bool:
    """Whether a lookup may start now, at least ``min_delay_seconds`` after the last one started."""
    if min_delay_seconds <= 0:
        return True
    return patiently(lambda: claim(SPACING_KEY, 1, min_delay_seconds))


@contextmanager
def lookup_slot(max_concurrent: int, hold_seconds: float) -> Iterator[bool]:
    """Yields whether one of ``max_concurrent`` slots was free (0: no cap); frees it on exit.

    A slot expires by itself after ``hold_seconds`` (longer than a lookup's timeout), so one held
    by a worker that died is not lost.
    """
    if max_concurrent <= 0:
        yield True
        return
    token = uuid.uuid4().hex
    taken: list[str] = []

    def take_a_slot() -> bool:
        for index in range(max_concurrent):
            if claim(_slot_key(index), token, hold_seconds):
                taken.append(_slot_key(index))
                return True
        return False

    if not patiently(take_a_slot):
        yield False
        return
    try:
        yield True
    finally:
        if cache.get(taken[0]) == token:
            cache.delete(taken[0])
