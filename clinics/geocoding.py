"""Text -> coordinates: the offline US ZIP/city geocoder, and the one wrapper around geopy.

Visitors' ZIP and city searches are answered from the ``zipcodes`` package's embedded data
(no network, a dictionary access after warm-up). Street addresses go to the geopy service
named in ``settings.GEOCODER``, behind a timeout, geopy's RateLimiter and Django's cache.
Every failure a visitor can cause is returned as a ``GeocodeFailure`` value, never raised.

Tests replace the online service in one place: ``settings.GEOCODER["SERVICE"]`` may be a
dotted path to any geopy-compatible class.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import zipcodes
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from clinics.states import STATE_LOOKUP, US_STATES

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200


class Precision(StrEnum):
    ADDRESS = "address"
    ZIP = "zip"
    CITY = "city"
    POINT = "point"


class FailureCode(StrEnum):
    EMPTY = "empty_query"
    TOO_LONG = "query_too_long"
    INVALID = "invalid_query"
    NOT_FOUND = "not_found"
    ADDRESS_UNSUPPORTED = "address_lookup_unavailable"
    UNAVAILABLE = "geocoder_unavailable"
    TIMEOUT = "geocoder_timeout"
    QUOTA = "geocoder_quota_exceeded"


# Failures that are the service's fault, not the visitor's: the API answers 503.
SERVICE_FAILURES = {FailureCode.UNAVAILABLE, FailureCode.TIMEOUT, FailureCode.QUOTA}


@dataclass(frozen=True)
class Place:
    """Where a search starts."""

    latitude: float
    longitude: float
    label: str
    precision: Precision
    timezone: str = ""
    zip_code: str = ""
    # Set when the answer is not exactly what was asked for ("showing clinics near 61265").
    note: str = ""


@dataclass(frozen=True)
class GeocodeFailure:
    code: FailureCode
    message: str

    @property
    def is_service_failure(self) -> bool:
        return self.code in SERVICE_FAILURES


GeocodeResult = Place | GeocodeFailure


# --- Normalising what people type ----------------------------------------------------------

ZIP_QUERY_RE = re.compile(r"^(\d{5})(?:[-\s]?(\d{4}))?$")
ZIP_IN_TEXT_RE = re.compile(r"\b(\d{5})(?:[-\s]\d{4})?\s*$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_query(text: str) -> str:
    """Fold case, accents are kept, spacing and punctuation around commas are tidied."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*,\s*", ", ", text).strip(" ,")
    return text.lower()


_PUNCT_RE = re.compile(r"[.'’]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_PREFIXES = (("saint ", "st "), ("ste ", "st "), ("fort ", "ft "), ("mount ", "mt "))


@lru_cache(maxsize=65536)
def _city_key(city: str) -> str:
    """'St. Louis' and 'saint louis' and 'ST LOUIS' meet at one key; so do 'DeWitt' and 'De Witt'."""
    key = city if city.isascii() else unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode()
    key = _NON_ALNUM_RE.sub(" ", _PUNCT_RE.sub("", key.lower())).strip()
    for long, short in _PREFIXES:
        if key.startswith(long):
            key = short + key[len(long) :]
            break
    return key.replace(" ", "")


def split_city_state(text: str) -> tuple[str, str] | None:
    """'Moline, IL' / 'moline il' / 'Cedar Rapids, Iowa' -> ('moline', 'IL'); None if no state at the end."""
    cleaned = text.strip().rstrip(".")
    if "," in cleaned:
        city, _, state = cleaned.rpartition(",")
        code = STATE_LOOKUP.get(state.strip().lower())
        return (city.strip(), code) if code and city.strip() else None
    words = cleaned.split()
    # Try the longest state name first: "sioux city south dakota", then "... dakota".
    for n in (3, 2, 1):
        if len(words) > n:
            code = STATE_LOOKUP.get(" ".join(words[-n:]).lower())
            if code:
                return " ".join(words[:-n]), code
    return None


# --- The offline geocoder --------------------------------------------------------------------


@dataclass(frozen=True)
class _Area:
    latitude: float
    longitude: float
    label: str
    timezone: str
    zip_code: str
    zip_count: int = 1


@dataclass(frozen=True)
class _OfflineIndex:
    zips: dict[str, _Area]
    cities: dict[tuple[str, str], _Area]
    states_by_city: dict[str, list[str]]


def _clean_timezone(name: str) -> str:
    return name if "/" in name else ""


@lru_cache(maxsize=1)
def _offline_index() -> _OfflineIndex:
    """Build the ZIP and city dictionaries once per process (about a second)."""
    zips: dict[str, _Area] = {}
    city_points: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in zipcodes.list_all():
        try:
            lat, lng = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        city = row["city"].title() if row["city"].isupper() else row["city"]
        zips[row["zip_code"]] = _Area(
            lat, lng, f"{city}, {row['state']} {row['zip_code']}", _clean_timezone(row["timezone"]), row["zip_code"]
        )
        if row.get("zip_code_type") in ("STANDARD", "PO BOX", "UNIQUE"):
            names = [row["city"], *row.get("acceptable_cities", [])]
            for name in names:
                city_points.setdefault((_city_key(name), row["state"]), []).append(row)
    cities: dict[tuple[str, str], _Area] = {}
    for (key, state), rows in city_points.items():
        # Prefer delivery ZIPs; a city's centre is the mean of its ZIP centres.
        standard = [r for r in rows if r["zip_code_type"] == "STANDARD"] or rows
        lat = sum(float(r["lat"]) for r in standard) / len(standard)
        lng = sum(float(r["long"]) for r in standard) / len(standard)
        main = min(standard, key=lambda r: r["zip_code"])
        name = main["city"] if _city_key(main["city"]) == key else key.title()
        name = name.title() if name.isupper() else name
        cities[(key, state)] = _Area(lat, lng, f"{name}, {state}", _clean_timezone(main["timezone"]), "", len(standard))
    states_by_city: dict[str, list[str]] = {}
    for key, state in sorted(cities):
        states_by_city.setdefault(key, []).append(state)
    return _OfflineIndex(zips=zips, cities=cities, states_by_city=states_by_city)


def warm_up() -> None:
    """Load the offline data now, so that the first visitor does not wait for it."""
    _offline_index()


def lookup_zip(zip5: str) -> Place | None:
    area = _offline_index().zips.get(zip5)
    if area is None:
        return None
    return Place(area.latitude, area.longitude, area.label, Precision.ZIP, area.timezone, area.zip_code)


def lookup_city(city: str, state: str) -> Place | None:
    area = _offline_index().cities.get((_city_key(city), state))
    if area is None:
        return None
    return Place(area.latitude, area.longitude, area.label, Precision.CITY, area.timezone)


class OfflineUSGeocoder(Geocoder):
    """A geopy geocoder for US ZIP codes and "City, ST", answered from embedded data."""

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs: Any) -> Location | None:
        place = geocode_offline(query)
        if place is None:
            return None
        raw = {"precision": str(place.precision), "timezone": place.timezone, "zip_code": place.zip_code}
        location = Location(place.label, Point(place.latitude, place.longitude), raw)
        return location if exactly_one else [location]


def geocode_offline(text: str) -> Place | None:
    """A ZIP, ZIP+4 or city + state; None for anything else."""
    query = normalize_query(text)
    match = ZIP_QUERY_RE.match(query)
    if match:
        return lookup_zip(match[1])
    parts = split_city_state(query)
    if parts:
        return lookup_city(*parts)
    return None


# --- The online geocoder (street addresses) ------------------------------------------------


def online_geocoder_configured() -> bool:
    return bool(settings.GEOCODER.get("SERVICE"))


_online_lock = threading.Lock()
_online_cache: dict[tuple[str, str], Callable[..., Any]] = {}


def _online_geocode_callable() -> Callable[..., Any]:
    """The configured geopy service's geocode, behind geopy's RateLimiter (one per process)."""
    config = settings.GEOCODER
    service = config["SERVICE"]
    key = (service, repr(sorted(config.get("OPTIONS", {}).items())))
    with _online_lock:
        if key not in _online_cache:
            cls = import_string(service) if "." in service else get_geocoder_for_service(service)
            options = dict(config.get("OPTIONS", {}))
            options.setdefault("timeout", config.get("TIMEOUT", 3.0))
            geocoder = cls(**options)
            _online_cache[key] = RateLimiter(
                geocoder.geocode,
                min_delay_seconds=config.get("MIN_DELAY_SECONDS", 1.0),
                max_retries=0,
                swallow_exceptions=False,
            )
        return _online_cache[key]


def reset_online_geocoder() -> None:
    """Forget the built service (tests and settings changes)."""
    with _online_lock:
        _online_cache.clear()


def query_options(config: dict[str, Any]) -> dict[str, Any]:
    """Per-query options: as configured, else Nominatim restricted to the US (other services take other words)."""
    options = config.get("QUERY_OPTIONS") or {}
    if not options and config["SERVICE"] == "nominatim":
        return {"country_codes": "us"}
    return dict(options)


def _within_shared_budget(config: dict[str, Any]) -> bool:
    """At most MAX_PER_MINUTE lookups a minute across every process sharing the cache (Redis in production).

    geopy's RateLimiter only spaces one process's calls; this keeps the whole site inside the
    service's quota however many workers or visitors there are.
    """
    limit = config.get("MAX_PER_MINUTE") or 0
    if limit <= 0:
        return True
    key = f"geocode:budget:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, 120)
        used = 1
    return used <= limit


def _cache_key(query: str) -> str:
    config = settings.GEOCODER
    digest = hashlib.sha256(f"{config['SERVICE']}|{query}".encode()).hexdigest()[:32]
    return f"geocode:v1:{digest}"


def geocode_online(text: str) -> GeocodeResult:
    """Ask the configured service, once per normalised query (answers and 'not found' are cached)."""
    query = normalize_query(text)
    key = _cache_key(query)
    cached = cache.get(key)
    if cached is not None:
        if cached.get("found"):
            return Place(
                cached["latitude"], cached["longitude"], cached["label"], Precision.ADDRESS, zip_code=cached["zip"]
            )
        return _not_found(text)
    config = settings.GEOCODER
    if not _within_shared_budget(config):
        log.warning("geocoder budget for this minute used up")
        return GeocodeFailure(FailureCode.QUOTA, "Address lookup is busy right now. Try a ZIP code or city instead.")
    try:
        location = _online_geocode_callable()(text, **query_options(config))
    except geopy_exc.GeocoderTimedOut:
        log.warning("geocoder timed out for a query")
        return GeocodeFailure(
            FailureCode.TIMEOUT, "Address lookup is taking too long right now. Try a ZIP code or city instead."
        )
    except geopy_exc.GeocoderQuotaExceeded:
        log.warning("geocoder quota exceeded")
        return GeocodeFailure(FailureCode.QUOTA, "Address lookup is busy right now. Try a ZIP code or city instead.")
    except Exception:
        # An outside service (or a misconfigured one) fails in ways of its own; a visitor still gets
        # a clear answer, and the log gets the traceback.
        log.exception("geocoder failed")
        return GeocodeFailure(
            FailureCode.UNAVAILABLE, "Address lookup is unavailable right now. Try a ZIP code or city instead."
        )
    if location is None:
        cache.set(key, {"found": False}, config["NOT_FOUND_TTL"])
        return _not_found(text)
    label = _short_label(location.address or text)
    zip_match = ZIP_IN_TEXT_RE.search(label)
    place = Place(
        float(location.latitude),
        float(location.longitude),
        label,
        Precision.ADDRESS,
        zip_code=zip_match[1] if zip_match else "",
    )
    cache.set(
        key,
        {
            "found": True,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "label": place.label,
            "zip": place.zip_code,
        },
        config["CACHE_TTL"],
    )
    return place


def _short_label(address: str) -> str:
    """Geocoders return long addresses ("..., Rock Island County, Illinois, 61265, United States")."""
    label = re.sub(r",\s*(United States( of America)?|USA)$", "", address.strip())
    return label[:120]


def _not_found(text: str) -> GeocodeFailure:
    shown = text.strip()[:60]
    return GeocodeFailure(FailureCode.NOT_FOUND, f"We couldn't find “{shown}”. Check the spelling, or try a ZIP code.")


# --- The one entry point -------------------------------------------------------------------


def validate_query(text: str | None) -> GeocodeFailure | None:
    if text is None or not text.strip():
        return GeocodeFailure(FailureCode.EMPTY, "Enter a ZIP code, a city and state, or an address.")
    if len(text) > MAX_QUERY_LENGTH:
        return GeocodeFailure(
            FailureCode.TOO_LONG, f"That is too long to be an address; use at most {MAX_QUERY_LENGTH} characters."
        )
    if CONTROL_RE.search(text) or not re.search(r"[0-9A-Za-z]", text):
        return GeocodeFailure(
            FailureCode.INVALID, "That doesn't look like a place. Enter a ZIP code, a city and state, or an address."
        )
    return None


def geocode(text: str | None) -> GeocodeResult:
    """Turn what a visitor typed into a Place, or a GeocodeFailure that says why not."""
    invalid = validate_query(text)
    if invalid:
        return invalid
    assert text is not None
    query = normalize_query(text)

    zip_match = ZIP_QUERY_RE.match(query)
    if zip_match:
        place = lookup_zip(zip_match[1])
        if place:
            return place
        return GeocodeFailure(
            FailureCode.NOT_FOUND, f"{zip_match[1]} isn't a US ZIP code we know. Check the number and try again."
        )

    city_state = split_city_state(query)
    if city_state and not re.search(r"\d", city_state[0]):
        place = lookup_city(*city_state)
        if place:
            return place
        city, state = city_state
        return GeocodeFailure(
            FailureCode.NOT_FOUND,
            f"We couldn't find a city called “{city.title()}” in {US_STATES[state]}. "
            "Check the spelling, or try a ZIP code.",
        )

    if not re.search(r"\d", query):
        bare = _lookup_bare_city(query)
        if bare:
            return bare

    if online_geocoder_configured():
        result = geocode_online(text)
        if isinstance(result, Place) or not result.is_service_failure:
            return result
        return _fallback_from_address(query) or result

    return _fallback_from_address(query) or _address_unsupported(query)


def _lookup_bare_city(query: str) -> Place | GeocodeFailure | None:
    """A city typed without its state: the only one of that name, else the largest in our home states."""
    index = _offline_index()
    key = _city_key(query)
    states = index.states_by_city.get(key, [])
    if not states:
        return None
    if len(states) == 1:
        return lookup_city(query, states[0])
    home = sorted(
        (state for state in states if state in settings.HOME_STATES),
        key=lambda state: index.cities[(key, state)].zip_count,
        reverse=True,
    )
    sizes = [index.cities[(key, state)].zip_count for state in home]
    if home and (len(home) == 1 or sizes[0] > sizes[1]):
        place = lookup_city(query, home[0])
        if place:
            city = place.label.split(",")[0]
            return _with_note(place, f"Showing clinics near {place.label}. Add the state if you meant another {city}.")
    city = index.cities[(key, states[0])].label.split(",")[0]
    return GeocodeFailure(
        FailureCode.NOT_FOUND,
        f"There is more than one {city}. Add the state, like “{city}, {(home or states)[0]}”.",
    )


def _fallback_from_address(query: str) -> Place | None:
    """Without a street-address geocoder, use the ZIP or city inside an address, and say so."""
    zip_match = ZIP_IN_TEXT_RE.search(query)
    if zip_match:
        place = lookup_zip(zip_match[1])
        if place:
            return _with_note(
                place, f"We can't look up street addresses right now, so we're showing clinics near {zip_match[1]}."
            )
    if "," in query:
        tail = query.split(",", 1)[1]
        parts = split_city_state(tail)
        if parts:
            place = lookup_city(*parts)
            if place:
                return _with_note(
                    place, f"We can't look up street addresses right now, so we're showing clinics near {place.label}."
                )
    return None


def _with_note(place: Place, note: str) -> Place:
    return dataclasses.replace(place, note=note)


def _address_unsupported(query: str) -> GeocodeFailure:
    if re.search(r"[a-z]", query) and not re.search(r"\d", query):
        return GeocodeFailure(
            FailureCode.NOT_FOUND,
            "We couldn't find that place. Add the state (for example “Moline, IL”) or enter a ZIP code.",
        )
    return GeocodeFailure(
        FailureCode.ADDRESS_UNSUPPORTED,
        "We can't look up street addresses yet. Enter a ZIP code or a city and state, like “61265” or “Moline, IL”.",
    )


def timezone_for_zip(zip_code: str) -> str:
    area = _offline_index().zips.get(zip_code[:5]) if zip_code else None
    return area.timezone if area else ""
