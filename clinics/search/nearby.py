"""The search the results page and the API run: from a visitor's place (or coordinates) to ranked clinics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from clinics.geocoding import GeocodeFailure, Place, Precision, geocode, validate_query
from clinics.search.params import SearchParams
from clinics.search.ranking import SearchQuery, SearchResult, nearest_clinics

YOUR_LOCATION = "Your location"


@dataclass(frozen=True)
class NearbyClinics:
    """Where the search started, and what it found there."""

    origin: Place
    result: SearchResult

    @property
    def message(self) -> str:
        """What a visitor should be told about the answer besides the list itself."""
        matches = self.result.matches
        query = self.result.query
        if not matches:
            if query.services or query.open_now:
                return "No clinic matches those filters yet. Try removing a service or the open-now filter."
            return "No clinics are listed yet."
        if not self.result.any_within_radius:
            nearest = matches[0].distance_miles
            return (
                f"No clinic is within {query.radius_miles:g} miles of {self.origin.label}. "
                f"The nearest {'is' if len(matches) == 1 else 'are'} shown below, from {nearest:g} miles away."
            )
        return ""


def search_nearby(params: SearchParams, *, at: datetime | None = None) -> NearbyClinics | GeocodeFailure:
    """Coordinates win over text; text is geocoded (offline for ZIPs and cities).

    Text given beside coordinates must still be text a place could have (validate_query), as every other
    parameter given must be valid whether or not it is used: a client that sends junk in ``q`` is told so
    instead of having it ignored, and the API refuses exactly what its schema says it refuses.
    """
    origin: Place | GeocodeFailure
    if params.latitude is not None and params.longitude is not None:
        invalid = None if params.text is None else validate_query(params.text)
        origin = invalid or Place(params.latitude, params.longitude, YOUR_LOCATION, Precision.POINT)
    else:
        origin = geocode(params.text)
    if isinstance(origin, GeocodeFailure):
        return origin
    query = SearchQuery(
        latitude=origin.latitude,
        longitude=origin.longitude,
        radius_miles=params.radius_miles,
        services=tuple(params.services),
        any_services=params.condition.services if params.condition else (),
        open_now=params.open_now,
        limit=params.limit,
        at=at,
    )
    return NearbyClinics(origin=origin, result=nearest_clinics(query))
