"""What the results page and the API share: from what a visitor typed (or their coordinates) to ranked clinics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from clinics.geocoding import GeocodeFailure, Place, Precision, geocode
from clinics.models import Service
from clinics.search import SearchQuery, SearchResult, nearest_clinics

# How "open now" reads in a link or a query string, for the page and the API alike.
TRUE_WORDS = frozenset({"true", "1", "yes", "on", "t", "y"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "f", "n", ""})
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


def parse_flag(raw: object) -> bool | None:
    """True, False, or None for a word that is neither."""
    if raw is None:
        return False
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def split_slugs(values: Iterable[object]) -> list[str]:
    """'a,b' and repeated values alike, blanks dropped, each once, in order."""
    return list(dict.fromkeys(part.strip() for value in values for part in str(value).split(",") if part.strip()))


def unknown_services(slugs: Sequence[str]) -> list[str]:
    """The slugs that name no service in the catalogue (anything that is not a slug among them)."""
    valid = [slug for slug in slugs if SLUG_RE.match(slug)]
    known = set(Service.objects.filter(slug__in=valid).values_list("slug", flat=True)) if valid else set()
    return [slug for slug in slugs if slug not in known]


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
