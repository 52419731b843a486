"""What the results page and the API share: from what a visitor typed (or their coordinates) to ranked clinics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from clinics.geocoding import GeocodeFailure, Place, Precision, geocode
from clinics.search import SearchQuery, SearchResult, nearest_clinics


@dataclass(frozen=True)
class Nearby:
    origin: Place
    result: SearchResult

    @property
    def message(self) -> str:
        """What a visitor should be told about the answer besides the list itself."""
        matches = self.result.matches
        radius = self.result.query.radius_miles
        if not matches:
            query = self.result.query
            if query.services or query.open_now:
                return "No clinic matches those filters yet. Try removing a service or the open-now filter."
            return "No clinics are listed yet."
        if not self.result.any_within_radius:
            nearest = matches[0].distance_miles
            return (
                f"No clinic is within {radius:g} miles of {self.origin.label}. "
                f"The nearest {'is' if len(matches) == 1 else 'are'} shown below, from {nearest:g} miles away."
            )
        return ""


def point_origin(latitude: float, longitude: float, label: str = "Your location") -> Place:
    return Place(latitude, longitude, label, Precision.POINT)


@dataclass(frozen=True)
class SearchParams:
    """A validated search, from the results page's form or the API's query string."""

    text: str
    latitude: float | None
    longitude: float | None
    radius_miles: float
    services: Sequence[str]
    open_now: bool
    limit: int

    @property
    def uses_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def find_near(params: SearchParams, *, at: datetime | None = None) -> Nearby | GeocodeFailure:
    """Coordinates win over text; text is geocoded (offline for ZIPs and cities)."""
    if params.latitude is not None and params.longitude is not None:
        origin: Place | GeocodeFailure = point_origin(params.latitude, params.longitude)
    else:
        origin = geocode(params.text)
    if isinstance(origin, GeocodeFailure):
        return origin
    query = SearchQuery(
        latitude=origin.latitude,
        longitude=origin.longitude,
        radius_miles=params.radius_miles,
        services=tuple(params.services),
        open_now=params.open_now,
        limit=params.limit,
        at=at,
    )
    return Nearby(origin=origin, result=nearest_clinics(query))
