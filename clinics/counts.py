"""How many public clinics each state has, and the services they offer: the home page's state cards, the clinic
list's index and the search form's service filter.

Counting is a GROUP BY over every clinic: fine at Rock Valley's 60, too slow to run per request at
100,000. So the counts are kept twice:

- in this process, for ``LOCAL_SECONDS``: most requests ask nothing of anyone;
- in the shared cache (Redis in production), for ``SHARED_SECONDS``, stamped with when their count
  started, beside the time of the last change (``changed_at``): the processes share one count.

Every write goes through clinics/editing.py, which calls ``forget()``: this process forgets at
once, and the shared ``changed_at`` moves on when the write commits, so a count that started
before the write is never used again anywhere. Other processes see the change within
``LOCAL_SECONDS``. The shared cache is an optimisation, never needed for a right answer: when it
is down (or lost the stamp of a write), each process counts for itself, and no count is used for
longer than ``SHARED_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from modeltranslation.utils import get_language

from clinics.models import Clinic, Service
from clinics.states import US_STATES
from clinics.translation import DEFAULT_LANGUAGE, OTHER_LANGUAGES, in_reading_order, localized

LANGUAGES = (DEFAULT_LANGUAGE, *OTHER_LANGUAGES)  # English first: the order services are counted in

log = logging.getLogger(__name__)

LOCAL_SECONDS = 5.0
SHARED_SECONDS = 60
COUNTS_KEY = "clinics:state-counts:v3"
CHANGED_KEY = "clinics:state-counts:changed-at"


@dataclass(frozen=True)
class StateCount:
    code: str  # "IA"
    name: str  # "Iowa"
    count: int

    @property
    def count_text(self) -> str:
        """1,234"""
        return f"{self.count:,}"


# A service's name in each language (English where the translation is blank): ("en", "Hand therapy"), ("es", …).
Names = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Directory:
    """The active clinics, counted by state (in order of the states' names)."""

    states: tuple[StateCount, ...]
    # The services some public clinic offers, (slug, names) by English name: one count serves every language.
    service_names: tuple[tuple[str, Names], ...] = ()

    @property
    def services(self) -> tuple[tuple[str, str], ...]:
        """(slug, name) in the active language, by name: what the search form's service filter lists."""
        lang = get_language()
        named = ((slug, dict(names).get(lang) or names[0][1]) for slug, names in self.service_names)
        return tuple(in_reading_order(named, lambda service: service[1]))

    @property
    def offered_slugs(self) -> frozenset[str]:
        """The slugs of the services some public clinic offers (no names, so nothing to sort or translate)."""
        return frozenset(slug for slug, _ in self.service_names)

    @property
    def total(self) -> int:
        return sum(state.count for state in self.states)

    def count_in(self, code: str) -> int:
        return next((state.count for state in self.states if state.code == code), 0)


def _count() -> Directory:
    rows = Clinic.objects.public().values("state").annotate(count=Count("id")).order_by().values_list("state", "count")
    states = (StateCount(code, US_STATES.get(code, code), count) for code, count in rows)
    columns = [localized("name", lang) for lang in LANGUAGES]
    offered = Service.objects.offered().order_by(columns[0]).values_list("slug", *columns)
    names = tuple(
        (slug, tuple((lang, name or english) for lang, name in zip(LANGUAGES, (english, *others), strict=True)))
        for slug, english, *others in offered
    )
    return Directory(tuple(sorted(states, key=lambda state: state.name)), names)


def _shared_get() -> tuple[Any, Any]:
    """(counts entry, changed_at) from the shared cache; (None, None) when it cannot answer."""
    try:
        found = cache.get_many([COUNTS_KEY, CHANGED_KEY])
    except Exception:  # the shared cache is an optimisation: down, it is a miss
        log.warning("state counts: the shared cache is unavailable", exc_info=True)
        return None, None
    return found.get(COUNTS_KEY), found.get(CHANGED_KEY)


def _shared_set(key: str, value: Any, timeout: int | None) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        log.warning("state counts: the shared cache is unavailable", exc_info=True)


class StateCounts:
    """The directory's counts, cached in this process and in the shared cache (see the module's docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._local: tuple[float, Directory] | None = None
        self._lock = threading.Lock()

    def _remembered(self) -> Directory | None:
        local = self._local
        return local[1] if local is not None and self._clock() - local[0] < LOCAL_SECONDS else None

    def get(self) -> Directory:
        if (directory := self._remembered()) is not None:
            return directory
        with self._lock:  # one count at a time per process, however many threads ask
            if (directory := self._remembered()) is not None:
                return directory
            directory = self._from_shared_cache()
            if directory is None:
                started = time.time()
                directory = _count()
                _shared_set(COUNTS_KEY, (started, directory.states, directory.service_names), SHARED_SECONDS)
            self._local = (self._clock(), directory)
            return directory

    @staticmethod
    def _from_shared_cache() -> Directory | None:
        entry, changed_at = _shared_get()
        if not isinstance(entry, tuple) or len(entry) != 3:
            return None
        started, states, services = entry
        if isinstance(changed_at, int | float) and started <= changed_at:
            return None  # counted before the last change
        return Directory(tuple(states), tuple(services))

    def forget(self) -> None:
        """Clinics changed: count again, here at once and everywhere once the change is committed."""
        self._changed()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._changed)  # a count that ran before the commit must not outlive it

    def _changed(self) -> None:
        self._local = None
        _shared_set(CHANGED_KEY, time.time(), None)


state_counts = StateCounts()
