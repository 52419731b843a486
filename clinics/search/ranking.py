"""Ranking clinics around a point: an indexed box prefilters in the database, exact distances rank.

When no clinic lies inside the radius, the box grows until the nearest ones are certain, so a
visitor is never left with an empty answer while a clinic exists.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils import timezone

from clinics.models import Clinic
from clinics.search import details
from clinics.search.box import BoxRow
from clinics.search.geometry import MAX_DISTANCE_MILES, bounding_box, miles_from

DEFAULT_RADIUS_MILES = 25.0
MAX_RADIUS_MILES = 250.0
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# How many clinics to show, marked outside the radius, when none lies inside it.
NEAREST_FALLBACK_COUNT = 3
# How much a box grows when it held no clinic at all.
GROWTH = 8
# The 48 contiguous states, square miles: to judge how many clinics a radius is likely to hold.
CONTIGUOUS_US_SQUARE_MILES = 3.1e6


@dataclass(frozen=True)
class SearchQuery:
    latitude: float
    longitude: float
    radius_miles: float = DEFAULT_RADIUS_MILES
    services: Sequence[str] = ()
    any_services: Sequence[str] = ()  # a condition's: clinics offering at least one
    open_now: bool = False
    limit: int = DEFAULT_LIMIT
    at: datetime | None = None  # "now" for open-now and today's hours; None means the real now


@dataclass(frozen=True)
class ClinicMatch:
    clinic: Clinic
    distance_miles: float
    within_radius: bool
    open_now: bool
    hours_today: str
    opens_next: str = ""  # while closed: when it opens next ("Opens at 7 AM")


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    matches: list[ClinicMatch] = field(default_factory=list)

    @property
    def any_within_radius(self) -> bool:
        return any(m.within_radius for m in self.matches)


Candidate = tuple[float, BoxRow]


def nearest_clinics(query: SearchQuery) -> SearchResult:
    """Active clinics nearest to the origin, nearest first, filtered by services and open-now."""
    if query.at is None:  # one "now" for every clinic in the answer
        query = replace(query, at=timezone.now())
    # A sparse directory (Rock Valley's ~60 clinics) rarely has a clinic inside the radius, so its
    # first box is already the first widened one: one query instead of two.
    radius = query.radius_miles * (GROWTH if directory.sparse(query.radius_miles) else 1)
    found = _candidates(query, min(radius, MAX_DISTANCE_MILES))
    within = [item for item in found if item[0] <= query.radius_miles]
    if within:
        return _result(query, within[: query.limit], within_radius=True)

    # Nothing inside the radius: widen the box until the nearest few are certain
    # (every clinic outside a box of radius r is farther than r).
    want = min(query.limit, NEAREST_FALLBACK_COUNT)
    while len(found) < want and radius < MAX_DISTANCE_MILES:
        radius = min(radius * _growth(len(found), want), MAX_DISTANCE_MILES)
        found = _candidates(query, radius)
    return _result(query, found[:want], within_radius=False)


def _candidates(query: SearchQuery, radius: float) -> list[Candidate]:
    """Clinics within ``radius`` miles that pass the filters, nearest first, with exact distances."""
    box = bounding_box(query.latitude, query.longitude, radius)
    miles = miles_from(query.latitude, query.longitude)
    found = []
    for row in Clinic.objects.in_box(box, services=query.services, any_services=query.any_services):
        d = miles(row.latitude, row.longitude)
        if d <= radius:
            found.append((d, row))
    found.sort(key=lambda item: (item[0], item[1].name))
    if query.open_now:
        cards = details.cache.details_for([row for _, row in found])
        found = [(d, row) for d, row in found if row.pk in cards and cards[row.pk].week.status(query.at).open_now]
    return found


def _growth(found: int, want: int) -> float:
    """How much to widen a box that held ``found`` clinics when ``want`` are needed.

    With none found, a big step (a far-away visitor). With some, the density they show: the
    area grows with the count, so the radius by its square root, doubled for a margin, and at
    least doubled, so a second box rarely reads more than it needs and a third is rarely needed.
    """
    if found == 0:
        return GROWTH
    return max(2.0, 2 * math.sqrt(want / found))


class DirectorySize:
    """How many located, public clinics there are, counted at most once a minute per process."""

    def __init__(self, max_age_seconds: float = 60.0) -> None:
        self.max_age = max_age_seconds
        self._counted: tuple[float, int] | None = None

    def forget(self) -> None:
        """Count again on the next search (clinics/editing.py calls this when clinics come or go)."""
        self._counted = None

    def sparse(self, radius_miles: float) -> bool:
        """Fewer than one clinic expected inside the radius, were they spread evenly over the US."""
        now = time.monotonic()
        if self._counted is None or now - self._counted[0] > self.max_age:
            self._counted = (now, Clinic.objects.public().located().count())
        return self._counted[1] * math.pi * radius_miles**2 / CONTIGUOUS_US_SQUARE_MILES < 1


directory = DirectorySize()


def _result(query: SearchQuery, chosen: list[Candidate], *, within_radius: bool) -> SearchResult:
    assert query.at is not None
    cards = details.cache.details_for([row for _, row in chosen])
    matches = []
    for distance, row in chosen:
        card = cards.get(row.pk)
        if card is None:  # retired since the box was read
            continue
        status = card.week.status(query.at)
        matches.append(
            ClinicMatch(
                clinic=card.clinic,
                distance_miles=round(distance, 1),
                within_radius=within_radius,
                open_now=status.open_now,
                hours_today=status.hours_today,
                opens_next=status.opens_next,
            )
        )
    return SearchResult(query, matches)
