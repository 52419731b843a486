"""Nearest-clinic search, pure of HTTP.

An indexed bounding box prefilters in the database; exact great-circle distances rank the
few candidates in Python. When no clinic lies inside the radius, the box grows until the
nearest ones are found, so a visitor is never left with an empty answer while a clinic exists.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils import timezone

from clinics.hours import status_of
from clinics.models import Clinic
from clinics.search_sql import BoxRow, ClinicDetails, box_rows, details_for, hours_for

EARTH_RADIUS_MILES = 3958.7613
# Half the earth's circumference: a box this size holds every point.
MAX_DISTANCE_MILES = math.pi * EARTH_RADIUS_MILES

DEFAULT_RADIUS_MILES = 25.0
MAX_RADIUS_MILES = 250.0
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# How many clinics to show, marked outside the radius, when none lies inside it.
NEAREST_FALLBACK_COUNT = 3


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the earth's mean radius."""
    return miles_from(lat1, lon1)(lat2, lon2)


def miles_from(lat: float, lon: float) -> Callable[[float, float], float]:
    """The haversine distance from one origin, its terms worked out once for every row of a search box."""
    phi1 = math.radians(lat)
    cos_phi1 = math.cos(phi1)
    sin, cos, asin, sqrt, radians = math.sin, math.cos, math.asin, math.sqrt, math.radians

    def miles(lat2: float, lon2: float) -> float:
        phi2 = radians(lat2)
        a = sin((phi2 - phi1) / 2) ** 2 + cos_phi1 * cos(phi2) * sin(radians(lon2 - lon) / 2) ** 2
        return 2 * EARTH_RADIUS_MILES * asin(min(1.0, sqrt(a)))

    return miles


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    # One range, or two when the box crosses the 180th meridian.
    lon_ranges: list[tuple[float, float]]


def bounding_box(lat: float, lon: float, radius_miles: float) -> BoundingBox:
    """The smallest latitude/longitude box that holds every point within ``radius_miles``.

    Uses the exact longitude half-width asin(sin(r)/cos(lat)); when the circle reaches a pole
    every longitude is included.
    """
    angular = radius_miles / EARTH_RADIUS_MILES
    dlat = math.degrees(angular)
    min_lat, max_lat = lat - dlat, lat + dlat
    if angular >= math.pi / 2 or max_lat >= 90 or min_lat <= -90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), [(-180.0, 180.0)])
    dlon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    west, east = lon - dlon, lon + dlon
    if west < -180:
        ranges = [(west + 360, 180.0), (-180.0, east)]
    elif east > 180:
        ranges = [(west, 180.0), (-180.0, east - 360)]
    else:
        ranges = [(west, east)]
    return BoundingBox(min_lat, max_lat, ranges)


@dataclass(frozen=True)
class SearchQuery:
    latitude: float
    longitude: float
    radius_miles: float = DEFAULT_RADIUS_MILES
    services: Sequence[str] = ()
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


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    matches: list[ClinicMatch] = field(default_factory=list)

    @property
    def any_within_radius(self) -> bool:
        return any(m.within_radius for m in self.matches)


def _candidates(query: SearchQuery, radius: float) -> list[tuple[float, BoxRow]]:
    """Clinics within ``radius`` miles that pass the filters, nearest first, with exact distances."""
    box = bounding_box(query.latitude, query.longitude, radius)
    miles = miles_from(query.latitude, query.longitude)
    found = []
    for row in box_rows(box.min_lat, box.max_lat, box.lon_ranges, query.services):
        d = miles(row.latitude, row.longitude)
        if d <= radius:
            found.append((d, row))
    found.sort(key=_rank)
    if query.open_now:
        hours = hours_for([row.pk for _, row in found])
        found = [(d, row) for d, row in found if status_of(hours[row.pk], row.timezone, query.at).open_now]
    return found


def nearest_clinics(query: SearchQuery) -> SearchResult:
    """Active clinics nearest to the origin, nearest first, filtered by services and open-now."""
    if query.at is None:  # one "now" for every clinic in the answer
        query = replace(query, at=timezone.now())
    # A sparse directory (Rock Valley's ~60 clinics) rarely has a clinic inside the radius, so its
    # first box is already the first widened one: one query instead of two.
    radius = query.radius_miles * (GROWTH if _sparse(query.radius_miles) else 1)
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


def _growth(found: int, want: int) -> float:
    """How much to widen a box that held ``found`` clinics when ``want`` are needed.

    With none found, a big step (a far-away visitor). With some, the density they show: the
    area grows with the count, so the radius by its square root, doubled for a margin, and at
    least doubled, so a second box rarely reads more than it needs and a third is rarely needed.
    """
    if found == 0:
        return GROWTH
    return max(2.0, 2 * math.sqrt(want / found))


GROWTH = 8
# The 48 contiguous states, square miles: to judge how many clinics a radius is likely to hold.
CONTIGUOUS_US_SQUARE_MILES = 3.1e6
_active_count: tuple[float, int] = (-1e9, 0)


def forget_directory_size() -> None:
    """Count the clinics again on the next search (after clinics are added or removed)."""
    global _active_count
    _active_count = (-1e9, 0)


def _sparse(radius_miles: float) -> bool:
    """Fewer than one clinic expected inside the radius, were they spread evenly (count cached a minute)."""
    global _active_count
    now = time.monotonic()
    if now - _active_count[0] > 60:
        _active_count = (now, Clinic.objects.active().located().count())
    return _active_count[1] * math.pi * radius_miles**2 / CONTIGUOUS_US_SQUARE_MILES < 1


def _result(query: SearchQuery, chosen: list[tuple[float, BoxRow]], *, within_radius: bool) -> SearchResult:
    details = details_for([row for _, row in chosen])
    return SearchResult(query, [_match(query, d, c, within_radius) for (d, _), c in zip(chosen, details, strict=True)])


def _rank(item: tuple[float, BoxRow]) -> tuple[float, str]:
    return (item[0], item[1].name)


def _match(query: SearchQuery, distance: float, details: ClinicDetails, within: bool) -> ClinicMatch:
    status = details.week.status(query.at)
    return ClinicMatch(
        clinic=details.clinic,
        distance_miles=round(distance, 1),
        within_radius=within,
        open_now=status.open_now,
        hours_today=status.hours_today,
    )
