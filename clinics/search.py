"""Nearest-clinic search, pure of HTTP.

An indexed bounding box prefilters in the database; exact great-circle distances rank the
few candidates in Python. When no clinic lies inside the radius, the box grows until the
nearest ones are found, so a visitor is never left with an empty answer while a clinic exists.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, prefetch_related_objects

from clinics.hours import status_at
from clinics.models import Clinic, OpeningHours

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
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


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


def _candidates(query: SearchQuery, radius: float) -> list[tuple[float, Clinic]]:
    """Clinics within ``radius`` miles that pass the filters, with their exact distances."""
    box = bounding_box(query.latitude, query.longitude, radius)
    qs = Clinic.objects.active().located().offering(*query.services).in_box(box.min_lat, box.max_lat, box.lon_ranges)
    found = []
    for clinic in qs:
        d = haversine_miles(query.latitude, query.longitude, float(clinic.latitude), float(clinic.longitude))  # type: ignore[arg-type]
        if d <= radius:
            found.append((d, clinic))
    found.sort(key=_rank)
    return found


def _load_details(clinics: list[Clinic]) -> None:
    """Services and hours, for the few clinics that will be shown (or filtered on open-now)."""
    prefetch_related_objects(
        clinics, "services", Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    )


def nearest_clinics(query: SearchQuery) -> SearchResult:
    """Active clinics nearest to the origin, nearest first, filtered by services and open-now."""
    within = _filter_open(query, _candidates(query, query.radius_miles))
    if within:
        return _result(query, within[: query.limit], within_radius=True)

    # Nothing inside the radius: widen the box until the nearest few are certain
    # (every clinic outside a box of radius r is farther than r).
    want = min(query.limit, NEAREST_FALLBACK_COUNT)
    radius = max(query.radius_miles, 1.0)
    while radius < MAX_DISTANCE_MILES:
        radius = min(radius * 2, MAX_DISTANCE_MILES)
        found = _filter_open(query, _candidates(query, radius))
        if len(found) >= want or radius >= MAX_DISTANCE_MILES:
            return _result(query, found[:want], within_radius=False)
    return SearchResult(query, [])


def _result(query: SearchQuery, chosen: list[tuple[float, Clinic]], *, within_radius: bool) -> SearchResult:
    _load_details([c for _, c in chosen])
    return SearchResult(query, [_match(query, d, c, within_radius) for d, c in chosen])


def _rank(item: tuple[float, Clinic]) -> tuple[float, str]:
    return (item[0], item[1].name)


def _filter_open(query: SearchQuery, found: list[tuple[float, Clinic]]) -> list[tuple[float, Clinic]]:
    if not query.open_now:
        return found
    _load_details([c for _, c in found])
    return [(d, c) for d, c in found if status_at(c, query.at).open_now]


def _match(query: SearchQuery, distance: float, clinic: Clinic, within: bool) -> ClinicMatch:
    status = status_at(clinic, query.at)
    return ClinicMatch(
        clinic=clinic,
        distance_miles=round(distance, 1),
        within_radius=within,
        open_now=status.open_now,
        hours_today=status.hours_today,
    )
