"""Each clinic's full card for a search answer (its row, services and hours), cached per version.

A clinic's card changes only when staff edit it, and every edit goes through clinics/editing.py,
which bumps its ``updated_at``; so (id, updated_at) names one version of it. Cards are cached
per process for a few minutes at most, and a search usually needs only its box query.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

from clinics.hours import Interval, SpecialRow, Week, recent_cutoff, special_rows_since
from clinics.models import Clinic, OpeningHours
from clinics.search.box import BoxRow


class ClinicDetails(NamedTuple):
    clinic: Clinic  # with its current services prefetched (none retired); shared by every search, so never modified
    week: Week  # its hours and special hours, ready for open-now and today's hours (not prefetched on the clinic)


class DetailsCache:
    """A small LRU of ClinicDetails keyed by (id, version), each entry kept at most ``ttl`` seconds."""

    def __init__(self, ttl: float = 300.0, max_entries: int = 4096) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[int, str], tuple[float, ClinicDetails]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def details_for(self, rows: Sequence[BoxRow]) -> dict[int, ClinicDetails]:
        """Details for these box rows by id; a clinic retired since its row was read is left out."""
        now = time.monotonic()
        found: dict[int, ClinicDetails] = {}
        with self._lock:
            for row in rows:
                entry = self._entries.get((row.pk, row.version))
                if entry and now - entry[0] < self.ttl:
                    found[row.pk] = entry[1]
                    self._entries.move_to_end((row.pk, row.version))
        missing = [row for row in rows if row.pk not in found]
        if missing:
            ids = [row.pk for row in missing]
            fetched = Clinic.objects.public().with_current_services().in_bulk(ids)
            # Hours as plain tuples for the Week: model instances for them would only be thrown away.
            hours: dict[int, list[Interval]] = {}
            intervals = OpeningHours.objects.filter(clinic_id__in=ids).values_list(
                "clinic_id", "weekday", "opens", "closes"
            )
            for clinic_id, weekday, opens, closes in intervals:
                hours.setdefault(clinic_id, []).append((weekday, opens, closes))
            special: dict[int, list[SpecialRow]] = {}
            for clinic_id, day, label, starts, ends in special_rows_since(recent_cutoff()).filter(clinic_id__in=ids):
                special.setdefault(clinic_id, []).append((day, label, starts, ends))
            with self._lock:
                for row in missing:
                    clinic = fetched.get(row.pk)
                    if clinic is None:
                        continue
                    week = Week.of(
                        hours.get(row.pk, []),
                        clinic.timezone,
                        special.get(row.pk, []),
                        temporarily_closed=clinic.is_temporarily_closed,
                    )
                    details = ClinicDetails(clinic, week)
                    found[row.pk] = details
                    self._entries[(row.pk, row.version)] = (now, details)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return found


cache = DetailsCache()
