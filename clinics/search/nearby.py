"""The search the results page and the API run: from a visitor's place (or coordinates) to ranked clinics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from clinics.counts import state_counts
from clinics.geocoding import GeocodeFailure, Place, Precision, geocode, validate_query
from clinics.search.geometry import miles_text
from clinics.search.params import SearchParams
from clinics.search.ranking import SearchQuery, SearchResult, nearest_clinics

YOUR_LOCATION = gettext_noop("Your location")


@dataclass(frozen=True)
class NearbyClinics:
    """Where the search started, and what it found there."""

    origin: Place
    result: SearchResult

    @property
    def place(self) -> str:
        """Where the search started, as a sentence says it: "Moline, IL 61265", or "you" for the visitor's position."""
        return pgettext("clinics near …", "you") if self.origin.precision == Precision.POINT else self.origin.label

    @property
    def outside_service_area(self) -> bool:
        """The nearest clinic is farther than settings.SERVICE_AREA_MILES: the visitor is not where Rock Valley is."""
        matches = self.result.matches
        return bool(matches) and matches[0].distance_miles > settings.SERVICE_AREA_MILES

    @property
    def message(self) -> str:
        """What a visitor should be told about the answer besides the list itself."""
        matches = self.result.matches
        query = self.result.query
        if not matches:
            if query.services or query.any_services or query.open_now:
                return gettext("No clinic matches those filters yet. Try removing a service or the open-now filter.")
            return gettext("No clinics are listed yet.")
        nearest = miles_text(matches[0].distance_miles)
        place = self.place
        if self.outside_service_area:
            states = human_join([state.name for state in state_counts.get().states])
            return gettext(
                "Rock Valley's clinics are in {states}. The nearest is {nearest} miles from {place}; "
                "the clinics below are the closest, should you travel, or call one to ask about care near you."
            ).format(states=states, nearest=nearest, place=place)
        if not self.result.any_within_radius:
            return ngettext(
                "No clinic is within {radius} miles of {place}. The nearest is shown below, from {nearest} miles away.",
                "No clinic is within {radius} miles of {place}. "
                "The nearest are shown below, from {nearest} miles away.",
                len(matches),
            ).format(radius=f"{query.radius_miles:g}", place=place, nearest=nearest)
        return ""


def human_join(words: list[str]) -> str:
    """["Illinois", "Iowa", "Nebraska"] -> "Illinois, Iowa and Nebraska"."""
    if len(words) <= 1:
        return "".join(words)
    return gettext("{some} and {last}").format(some=", ".join(words[:-1]), last=words[-1])


def search_nearby(params: SearchParams, *, at: datetime | None = None) -> NearbyClinics | GeocodeFailure:
    """Coordinates win over text; text is geocoded (offline for ZIPs and cities).

    Text given beside coordinates must still be text a place could have (validate_query), as every other
    parameter given must be valid whether or not it is used: a client that sends junk in ``q`` is told so
    instead of having it ignored, and the API refuses exactly what its schema says it refuses.
    """
    origin: Place | GeocodeFailure
    if params.latitude is not None and params.longitude is not None:
        invalid = None if params.text is None else validate_query(params.text)
        origin = invalid or Place(params.latitude, params.longitude, gettext(YOUR_LOCATION), Precision.POINT)
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
