"""The offline US ZIP and city index, built from the ``zipcodes`` package's embedded data.

Visitors' ZIP and city searches are answered here with no network: a dictionary access after
``warm_up()`` has built the index once per process (about a second).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import zipcodes

from clinics.accents import without_accents
from clinics.geocoding.results import Place, Precision

_PUNCT_RE = re.compile(r"[.'’]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_PREFIXES = (("saint ", "st "), ("ste ", "st "), ("fort ", "ft "), ("mount ", "mt "))


@lru_cache(maxsize=65536)
def city_key(city: str) -> str:
    """'St. Louis' and 'saint louis' and 'ST LOUIS' meet at one key; so do 'DeWitt' and 'De Witt'."""
    key = without_accents(city)
    key = _NON_ALNUM_RE.sub(" ", _PUNCT_RE.sub("", key.lower())).strip()
    for long, short in _PREFIXES:
        if key.startswith(long):
            key = short + key[len(long) :]
            break
    return key.replace(" ", "")


@dataclass(frozen=True)
class Area:
    """A ZIP's or a city's centre, with what a search shows about it."""

    latitude: float
    longitude: float
    label: str
    timezone: str
    zip_code: str
    zip_count: int = 1


@dataclass(frozen=True)
class OfflineIndex:
    zips: dict[str, Area]
    cities: dict[tuple[str, str], Area]  # (city_key, state) -> centre
    states_by_city: dict[str, list[str]]  # city_key -> states, in code order


def _clean_timezone(name: str) -> str:
    return name if "/" in name else ""


@lru_cache(maxsize=1)
def offline_index() -> OfflineIndex:
    """Build the ZIP and city dictionaries once per process (about a second)."""
    zips: dict[str, Area] = {}
    city_points: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in zipcodes.list_all():
        try:
            lat, lng = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        city = row["city"].title() if row["city"].isupper() else row["city"]
        zips[row["zip_code"]] = Area(
            lat, lng, f"{city}, {row['state']} {row['zip_code']}", _clean_timezone(row["timezone"]), row["zip_code"]
        )
        if row.get("zip_code_type") in ("STANDARD", "PO BOX", "UNIQUE"):
            names = [row["city"], *row.get("acceptable_cities", [])]
            for name in names:
                city_points.setdefault((city_key(name), row["state"]), []).append(row)
    cities: dict[tuple[str, str], Area] = {}
    for (key, state), rows in city_points.items():
        # Prefer delivery ZIPs; a city's centre is the mean of its ZIP centres.
        standard = [r for r in rows if r["zip_code_type"] == "STANDARD"] or rows
        lat = sum(float(r["lat"]) for r in standard) / len(standard)
        lng = sum(float(r["long"]) for r in standard) / len(standard)
        main = min(standard, key=lambda r: r["zip_code"])
        name = main["city"] if city_key(main["city"]) == key else key.title()
        name = name.title() if name.isupper() else name
        cities[(key, state)] = Area(lat, lng, f"{name}, {state}", _clean_timezone(main["timezone"]), "", len(standard))
    states_by_city: dict[str, list[str]] = {}
    for key, state in sorted(cities):
        states_by_city.setdefault(key, []).append(state)
    return OfflineIndex(zips=zips, cities=cities, states_by_city=states_by_city)


def warm_up() -> None:
    """Load the offline data now, so that the first visitor does not wait for it."""
    offline_index()


def lookup_zip(zip5: str) -> Place | None:
    area = offline_index().zips.get(zip5)
    if area is None:
        return None
    return Place(area.latitude, area.longitude, area.label, Precision.ZIP, area.timezone, area.zip_code)


def lookup_city(city: str, state: str) -> Place | None:
    area = offline_index().cities.get((city_key(city), state))
    if area is None:
        return None
    return Place(area.latitude, area.longitude, area.label, Precision.CITY, area.timezone)


def city_sizes(city: str) -> dict[str, int]:
    """Every state with a city of this name -> how many delivery ZIPs it has there, in state-code order.

    Lets a city typed without its state be resolved to the larger one, or asked about.
    """
    index = offline_index()
    key = city_key(city)
    return {state: index.cities[(key, state)].zip_count for state in index.states_by_city.get(key, [])}


def timezone_for_zip(zip_code: str) -> str:
    area = offline_index().zips.get(zip_code[:5]) if zip_code else None
    return area.timezone if area else ""
