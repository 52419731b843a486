"""What a nearest search may ask for, and the one validator the results page and the API share.

``parse_search`` reads a query string (``/find/?q=61265&radius=10`` or the API's) into
``SearchParams``, or into ``InvalidSearch`` with a message per bad parameter. Messages are written
for the person who typed (or was sent) the link and name the parameter's limits, so the same words
serve the page's error summary and an API client's 400. clinics/api/openapi.py documents the same
``NUMBERS`` table for OpenAPI.

A service the link names that we do not know, or that is retired, is not an error: old links and
bookmarks keep working. The search runs without it, and says so in a ``SearchNote`` (the page shows
it above the results, the API returns it in ``warnings``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from clinics.conditions import ConditionEntry, catalogue, match_condition, place_in
from clinics.geocoding import validate_query
from clinics.models import Service
from clinics.search.ranking import DEFAULT_LIMIT, DEFAULT_RADIUS_MILES, MAX_LIMIT, MAX_RADIUS_MILES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MIN_RADIUS_MILES = 0.1
# The query-string names that make a request to /find/ a search (anything else, e.g. utm_*, is ignored),
# in the order the form shows them, which is the order errors are listed in.
SEARCH_PARAMS = ("q", "condition", "lat", "lng", "service", "radius", "open_now", "limit")
# How "open now" reads in a link or a query string: in any case, with spacing around it (ASCII only).
TRUE_WORDS = frozenset({"true", "1", "yes", "on", "t", "y"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "f", "n", ""})
SPACING = " \t\n\v\f\r"


def _any_case(word: str) -> str:
    return "".join(f"[{char.upper()}{char}]" if char.isalpha() else char for char in word)


# The words parse_flag reads, as one regular expression in the syntax ECMA-262 and Python share (for OpenAPI).
FLAG_PATTERN = (
    r"^[\t\n\v\f\r ]*(?:"
    + "|".join(_any_case(word) for word in sorted(TRUE_WORDS | FALSE_WORDS) if word)
    + r")?[\t\n\v\f\r ]*$"
)
MAX_NUMBER_LENGTH = 50
# A condition's slug is much shorter; a longer `condition` cannot name one (the API's schema says so too).
MAX_CONDITION_LENGTH = 300
INTEGER_RE = re.compile(r"^[+-]?[0-9]+$")
DECIMAL_RE = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")

LOCATION_RETRY = gettext_lazy("Try “Use my location” again, or type a ZIP code.")


@dataclass(frozen=True)
class SearchNote:
    """Something about the search a visitor or client should know, though it ran: a service left out."""

    code: str  # unknown_service, retired_service
    message: str


@dataclass(frozen=True)
class SearchParams:
    """A validated search."""

    text: str | None  # None when q was not given at all
    latitude: float | None
    longitude: float | None
    radius_miles: float
    services: Sequence[str]  # current services only
    open_now: bool
    limit: int
    notes: Sequence[SearchNote] = ()
    condition: ConditionEntry | None = None  # from the `condition` parameter, or named in the text


@dataclass(frozen=True)
class Number:
    """A numeric parameter: its bounds, its default and the one message for any bad value."""

    name: str
    integer: bool
    minimum: float
    maximum: float
    default: float | None
    message: StrOrPromise  # in the language of the request that reads it
    description: str

    def parse(self, raw: str) -> float | int | None:
        """The value, or None when it is not a plain decimal number within the bounds.

        Python's int() and float() also read "5_0", full-width digits and "nan"; a link
        or a client writing those has made a mistake worth telling it about.
        """
        raw = raw.strip()
        if len(raw) > MAX_NUMBER_LENGTH or not (INTEGER_RE if self.integer else DECIMAL_RE).match(raw):
            return None
        value: float | int = int(raw) if self.integer else float(raw)
        if not math.isfinite(value) or not self.minimum <= value <= self.maximum:
            return None
        return value


def _location_message(name: str, limit: int) -> StrOrPromise:
    return format_lazy(
        "{} {}",
        format_lazy(
            gettext_lazy(
                "Your location didn't come through correctly ({name} must be a number from -{limit} to {limit})."
            ),
            name=name,
            limit=limit,
        ),
        LOCATION_RETRY,
    )


NUMBERS = (
    Number(
        "lat", False, -90, 90, None, _location_message("lat", 90), "Latitude of the origin, with lng (instead of q)."
    ),
    Number("lng", False, -180, 180, None, _location_message("lng", 180), "Longitude of the origin, with lat."),
    Number(
        "radius",
        False,
        MIN_RADIUS_MILES,
        MAX_RADIUS_MILES,
        DEFAULT_RADIUS_MILES,
        format_lazy(
            gettext_lazy("Choose a distance from {low} to {high} miles."),
            low=f"{MIN_RADIUS_MILES:g}",
            high=f"{MAX_RADIUS_MILES:g}",
        ),
        "Search radius in miles.",
    ),
    Number(
        "limit",
        True,
        1,
        MAX_LIMIT,
        DEFAULT_LIMIT,
        format_lazy(gettext_lazy("We can show between 1 and {most} clinics at a time."), most=MAX_LIMIT),
        "Most clinics to return.",
    ),
)


def parse_flag(raw: object) -> bool | None:
    """True, False, or None for a word that is neither (absent is False)."""
    if raw is None:
        return False
    word = str(raw).strip(SPACING).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def split_slugs(values: Iterable[object]) -> list[str]:
    """'a,b' and repeated values alike, spacing around each trimmed, blanks dropped, each once, in order."""
    parts = (part.strip(SPACING) for value in values for part in str(value).split(","))
    return list(dict.fromkeys(part for part in parts if part))


def _shorten(text: str, length: int = 40) -> str:
    text = " ".join(text.replace("\x00", "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


Errors = dict[str, list[str]]


@dataclass(frozen=True)
class InvalidSearch:
    """A search with bad parameters: a message for each (in the form's order), and what did read well.

    ``chosen`` holds the valid choices, with defaults in place of the bad ones, so the form can be
    shown again as the visitor left it.
    """

    errors: Errors
    chosen: SearchParams


def _current_services(slugs: Sequence[str]) -> tuple[list[str], list[SearchNote]]:
    """The slugs naming current services, and a note for each other one (the search runs without it)."""
    if not slugs:
        return [], []
    known = Service.objects.by_slug(slugs)
    current = [slug for slug in slugs if slug in known and not known[slug].is_retired]
    rest = gettext("showing clinics for the other services you chose") if current else gettext("showing all clinics")
    notes = []
    for slug in slugs:
        service = known.get(slug)
        if service is None:
            shown = _shorten(slug) or gettext("(blank)")
            message = gettext("We don't know the service “{shown}”; {rest}.").format(shown=shown, rest=rest)
            notes.append(SearchNote("unknown_service", message))
        elif service.is_retired:
            message = gettext("{service} is no longer offered; {rest}.").format(service=service.name, rest=rest)
            notes.append(SearchNote("retired_service", message))
    return current, notes


def _condition(raw: object) -> tuple[ConditionEntry | None, list[SearchNote]]:
    """The condition a link names by slug; an unknown one is a note, as an unknown service is (old links work)."""
    slug = str(raw).strip() if raw is not None else ""
    if not slug:
        return None, []
    found = catalogue.get().by_slug.get(slug)
    if found is None:
        shown = _shorten(slug)
        message = gettext("We don't know the condition “{shown}”; showing all clinics.").format(shown=shown)
        return None, [SearchNote("unknown_condition", message)]
    return found, []


@dataclass(frozen=True)
class TypedText:
    condition: ConditionEntry | None  # the condition named, if any
    place: str  # the place to search near, without the words around it ("" when none is named)


def read_text(text: str) -> TypedText:
    """What the search box holds: 'pinched nerve near Moline' → (pinched nerve, 'Moline'); 'pt near me' → (None, '')."""
    named = match_condition(text)
    if named is not None:
        return TypedText(named.condition, named.place)
    return TypedText(None, place_in(text))


def parse_search(query: Mapping[str, Any]) -> SearchParams | InvalidSearch:
    """The search a query string asks for, or why it cannot be run.

    ``query`` is a QueryDict (``service`` may repeat) or a plain mapping. What the text itself may
    be (its length, its characters) is the geocoder's rule (clinics.geocoding.validate_query), so
    it is checked by search_nearby, with the geocoder's own failure codes.
    """
    errors: Errors = {}
    numbers: dict[str, Any] = {}
    for param in NUMBERS:
        raw = query.get(param.name)
        value = None if raw is None else param.parse(str(raw))
        if raw is not None and value is None:
            errors[param.name] = [str(param.message)]
        numbers[param.name] = param.default if value is None else value  # the default stands in for a bad value

    open_now = parse_flag(query.get("open_now"))
    if open_now is None:
        errors["open_now"] = [gettext("“Open now” must be on or off (true or false).")]

    getlist = getattr(query, "getlist", None)
    raw_services = getlist("service") if getlist else query.get("service") or []
    services = split_slugs([raw_services] if isinstance(raw_services, str) else raw_services)
    current, notes = _current_services(services)

    raw_condition = query.get("condition")
    if raw_condition is not None and len(str(raw_condition)) > MAX_CONDITION_LENGTH:
        errors["condition"] = [
            gettext("A condition is named by its short name (its slug), at most {most} characters.").format(
                most=MAX_CONDITION_LENGTH
            )
        ]
        raw_condition = None
    condition, condition_notes = _condition(raw_condition)
    notes += condition_notes
    raw_text = query.get("q")
    text = None if raw_text is None else str(raw_text)
    if text and (named := match_condition(text)) is not None:
        # "pinched nerve near Moline": the condition (the visitor's latest word: it wins over one a link chose),
        # and the place to search near (None if only the condition). Words around a place are the geocoder's.
        condition, text = named.condition, named.place or None
    has_lat, has_lng = query.get("lat") is not None, query.get("lng") is not None
    if has_lat != has_lng:
        errors["lng" if has_lat else "lat"] = [
            f"{gettext('Your location was incomplete (give both lat and lng).')} {LOCATION_RETRY}"
        ]
    elif not has_lat and not (text or "").strip():
        if condition is not None:
            errors["q"] = [
                gettext(
                    "Where should we look for clinics that treat {condition}? "
                    "Add your ZIP code or town, for example “{name} near 61265”, or use your location."
                ).format(condition=condition.phrase or condition.name, name=condition.name)
            ]
        else:
            empty = validate_query(text)
            assert empty is not None
            errors["q"] = [empty.message]

    params = SearchParams(
        text=text,
        latitude=numbers["lat"],
        longitude=numbers["lng"],
        radius_miles=float(numbers["radius"]),
        services=current,
        open_now=bool(open_now),
        limit=int(numbers["limit"]),
        notes=tuple(notes),
        condition=condition,
    )
    if errors:
        ordered = {name: errors[name] for name in SEARCH_PARAMS if name in errors}
        return InvalidSearch(ordered, params)
    return params
