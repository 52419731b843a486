"""Recording searches and Schedule clicks as counters, without slowing a search or ever failing one.

A search adds to a tally in this process's memory (a dictionary under a lock: microseconds, no database);
the tallies are written to ``SearchDemand`` rows at most every ``SEARCH_DEMAND_FLUSH_SECONDS`` per process,
by a writer thread of the process's own, and when the process exits. A busy process writes each day's area
once per interval, however many searches it served, all in one transaction. Each write adds to the row's
counters in the database (``F()``), so processes and servers add up instead of overwriting each other. What is
lost if a process is killed outright: its last interval.

Why a thread: a flush after thousands of searches from as many ZIP codes takes seconds. Run on the thread of
the request that found it due (after its response, as it once was), it kept that gunicorn thread and the
connection nginx keeps open to it busy, and the next visitor nginx sent down that connection waited the whole
flush: 4 to 10 s, twice every 10 s under load (docs/performance.md, "A write that held a connection").
With ``SEARCH_DEMAND_FLUSH_SECONDS=0`` the write happens after every request, on its own thread, as before:
what the tests and the benchmark of writing synchronously use.

Every failure (a database error, a bug here) is logged and swallowed: recording demand is never worth a
visitor's search.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinics.geocoding import Place, Precision
from clinics.geocoding.offline import lookup_city, lookup_zip
from clinics.models import SLUG_RE, Service
from clinics.search.nearby import NearbyClinics
from demand.models import SearchDemand

log = logging.getLogger(__name__)

# A row's key: the day, the area, the service filter, the condition filter.
Key = tuple[date, str, str, str]
# Past this many distinct keys waiting (a database that has been down for long), new keys are dropped, not kept.
MAX_PENDING_KEYS = 10_000
# How long a process exiting waits for its writer thread's write to end before writing what is left.
EXIT_WAIT_SECONDS = 10.0
_ZIP_RE = re.compile(r"^[0-9]{5}$")
_CITY_RE = re.compile(r"^(?P<city>[^,]{1,50}), (?P<state>[A-Z]{2})$")


def search_area(origin: Place) -> str:
    """The area to record for a search from ``origin``: a 5-digit ZIP, "City, ST", or "" (record nothing).

    A street address is recorded as the ZIP the geocoder placed it in, never the street; coordinates
    ("Use my location") are not recorded at all: turning them into a ZIP would be a lookup the search itself
    never needed, and a pin is the one thing we promise not to keep.
    """
    if origin.precision == Precision.CITY:
        return origin.label
    if origin.precision in (Precision.ZIP, Precision.ADDRESS):
        zip5 = origin.zip_code[:5]
        return zip5 if _ZIP_RE.match(zip5) and lookup_zip(zip5) else ""
    return ""


def area_from_link(text: str) -> str:
    """The area a Schedule link says it came from, if it is one a search could have recorded; else "".

    The link is written by our results page, but anyone can edit it: only a ZIP or a city the offline index
    knows, exactly as it names it, is accepted, so nothing else a visitor types ends up in the table.
    """
    text = text.strip()
    if _ZIP_RE.match(text):
        return text if lookup_zip(text) else ""
    match = _CITY_RE.match(text)
    if match:
        place = lookup_city(match["city"], match["state"])
        return text if place and place.label == text else ""
    return ""


def services_key(slugs: Iterable[str]) -> str:
    """The service filter as one value: slugs, sorted, comma-separated ("" for no filter)."""
    key = ",".join(sorted({slug for slug in slugs if SLUG_RE.match(slug)}))
    return key if len(key) <= 300 else ""


@dataclass
class Tally:
    searches: int = 0
    clicks: int = 0
    # From searches without "open now": the distance to the nearest matching clinic (None: none found).
    nearest: int | None = None
    measured: bool = False
    # From "open now" searches: the nearest clinic open at the time, used only where nothing better is known.
    nearest_open: int | None = None

    def add(self, other: Tally) -> None:
        self.searches += other.searches
        self.clicks += other.clicks
        if other.measured:
            self.nearest, self.measured = other.nearest, True
        if other.nearest_open is not None:
            self.nearest_open = other.nearest_open


class Tallies:
    """This process's counts not yet written, by row key; safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._pending: dict[Key, Tally] = {}
        self._last_flush = time.monotonic()

    def add(self, key: Key, tally: Tally) -> None:
        with self._lock:
            current = self._pending.get(key)
            if current is not None:
                current.add(tally)
            elif len(self._pending) < MAX_PENDING_KEYS:
                self._pending[key] = tally
            else:
                log.warning("search demand: %d areas waiting to be written; this one is dropped", MAX_PENDING_KEYS)

    def pending(self) -> int:
        return len(self._pending)

    def writing(self) -> bool:
        return self._flushing.locked()

    def discard(self) -> None:
        """Forget what is waiting (the tests start each from nothing)."""
        with self._lock:
            self._pending = {}

    def due(self) -> bool:
        interval = settings.SEARCH_DEMAND_FLUSH_SECONDS
        return bool(self._pending) and time.monotonic() - self._last_flush >= interval

    def flush(self, wait: float = 0.0) -> int:
        """Write what is waiting, in one transaction; returns the rows written.

        Another thread already writing: returns 0 at once, or first waits up to ``wait`` seconds for it to end
        (a process exiting waits for its writer thread). A failure writes nothing and keeps every tally for the
        next try. The rows are written in key order, so two processes adding to the same rows take their locks
        in the same order and never deadlock.
        """
        acquired = self._flushing.acquire(timeout=wait) if wait > 0 else self._flushing.acquire(blocking=False)
        if not acquired:
            return 0
        try:
            with self._lock:
                taken, self._pending = self._pending, {}
                self._last_flush = time.monotonic()
            if not taken:
                return 0
            try:
                with transaction.atomic():  # one commit for the lot, not one per row
                    for key in sorted(taken):
                        _write(key, taken[key])
            except Exception:
                log.exception("search demand could not be written; it is kept for the next try")
                with self._lock:
                    for key, tally in taken.items():
                        self._pending.setdefault(key, Tally()).add(tally)
                return 0
            return len(taken)
        finally:
            self._flushing.release()


tallies = Tallies()


def _write(key: Key, tally: Tally) -> None:
    """Add a tally to its row: one UPDATE when the row exists (the usual case), else an INSERT."""
    day, area, services, condition = key
    rows = SearchDemand.objects.filter(date=day, area=area, services=services, condition=condition)
    changes: dict[str, Any] = {
        "searches": F("searches") + tally.searches,
        "schedule_clicks": F("schedule_clicks") + tally.clicks,
    }
    if tally.measured:
        changes["nearest_miles"] = tally.nearest
    elif tally.nearest_open is not None:
        changes["nearest_miles"] = Coalesce(F("nearest_miles"), Value(tally.nearest_open))
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():  # a savepoint: a failed INSERT leaves the flush's transaction usable
            SearchDemand.objects.create(
                date=day,
                area=area,
                services=services,
                condition=condition,
                searches=tally.searches,
                schedule_clicks=tally.clicks,
                nearest_miles=tally.nearest if tally.measured else tally.nearest_open,
            )
    except IntegrityError:  # another process made the row since the UPDATE found none
        if not rows.update(**changes):
            raise RuntimeError(f"search demand row {key} neither updated nor inserted") from None


def _enabled() -> bool:
    return bool(settings.SEARCH_DEMAND_RECORDING)


def record_search(found: NearbyClinics, *, condition: str = "") -> None:
    """Count a search that found its place: its area, the filter, and how far the nearest clinic was."""
    try:
        if not _enabled():
            return
        area = search_area(found.origin)
        if not area:
            return
        query = found.result.query
        matches = found.result.matches
        miles = int(matches[0].distance_miles + 0.5) if matches else None
        tally = Tally(searches=1)
        if query.open_now:
            tally.nearest_open = miles
        else:
            tally.nearest, tally.measured = miles, True
        tallies.add((timezone.localdate(), area, services_key(query.services), condition[:100]), tally)
    except Exception:
        log.exception("search demand: a search could not be counted")


def record_schedule_click(area: str, services: list[str]) -> None:
    """Count a Schedule click, under the search it came from when the link names one."""
    try:
        if not _enabled():
            return
        area = area_from_link(area)
        slugs = [slug for slug in services if SLUG_RE.match(slug)][:20]
        known = Service.objects.filter(slug__in=slugs).values_list("slug", flat=True) if slugs else []
        tallies.add((timezone.localdate(), area, services_key(known), ""), Tally(clicks=1))
    except Exception:
        log.exception("search demand: a Schedule click could not be counted")


def flush() -> int:
    """Write every tally now (the tests, the benchmark and the exit of a process call this)."""
    return tallies.flush()


class Writer:
    """This process's writer thread: started when first needed (after gunicorn has forked), woken when due."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="search-demand-writer", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                tallies.flush()
            except Exception:
                log.exception("search demand: the writer thread failed to write")
            finally:
                connections.close_all()  # this thread's own connection: no request cycle closes it


writer = Writer()


def _after_request(**kwargs: Any) -> None:
    """After a response: if the interval has passed, wake the writer (no interval: write now, on this thread)."""
    try:
        if not tallies.due():
            return
        if settings.SEARCH_DEMAND_FLUSH_SECONDS > 0:
            writer.wake()
        else:
            tallies.flush()
    except Exception:
        log.exception("search demand: writing after a request failed")


def _at_exit() -> None:
    try:
        if tallies.pending() or tallies.writing():
            tallies.flush(wait=EXIT_WAIT_SECONDS)  # after the writer thread's write, if one is under way
    except Exception:
        log.exception("search demand: writing at exit failed")


_connected = False


def connect() -> None:
    """Write after requests and at exit (called once, from the app's ready())."""
    global _connected
    if _connected:
        return
    _connected = True
    request_finished.connect(_after_request, dispatch_uid="demand.recording.after_request")
    atexit.register(_at_exit)
