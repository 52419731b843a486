"""Addresses that agree with themselves: the city and state a ZIP code belongs to, and pins near their ZIP.

One rule for every way a clinic is written (the admin form, the spreadsheet import, the commands):
``address_errors`` (a city or state that is not the ZIP's is refused, naming what the ZIP belongs to;
the ZIP's other recognised city names are accepted), ``fill_from_zip`` (a blank city or state is taken
from the ZIP) and ``pin_warning`` (a pin far from its ZIP's centre, or seemingly in another state, needs
a person to confirm it). Answered from the offline ``zipcodes`` data, like visitors' ZIP searches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import floor

import zipcodes
from django.conf import settings

from clinics.geocoding.offline import city_key
from clinics.models import Clinic, LocationSource
from clinics.search.geometry import haversine_miles
from clinics.states import US_STATES


def _title(name: str) -> str:
    return name.title() if name.isupper() else name


@dataclass(frozen=True)
class ZipInfo:
    """What the offline data knows about one 5-digit ZIP code."""

    zip_code: str
    city: str
    state: str
    other_cities: tuple[str, ...]
    latitude: float | None
    longitude: float | None

    @property
    def label(self) -> str:
        return f"{self.city}, {self.state}"

    @property
    def city_names(self) -> tuple[str, ...]:
        return (self.city, *self.other_cities)

    def accepts_city(self, city: str) -> bool:
        """'St. Charles' and 'Saint Charles', 'DeWitt' and 'De Witt', in any case."""
        key = city_key(city)
        return any(city_key(name) == key for name in self.city_names)


@lru_cache(maxsize=1)
def _zip_table() -> dict[str, ZipInfo]:
    table: dict[str, ZipInfo] = {}
    for row in zipcodes.list_all():
        try:
            lat: float | None = float(row["lat"])
            lng: float | None = float(row["long"])
        except (KeyError, TypeError, ValueError):
            lat = lng = None
        table[row["zip_code"]] = ZipInfo(
            zip_code=row["zip_code"],
            city=_title(row["city"]),
            state=row["state"],
            other_cities=tuple(_title(name) for name in row.get("acceptable_cities") or ()),
            latitude=lat,
            longitude=lng,
        )
    return table


def zip_info(zip_code: str) -> ZipInfo | None:
    """The ZIP's city, state and centre ("61265" or "61265-1234"); None for a ZIP the data does not know."""
    return _zip_table().get((zip_code or "").strip()[:5])


def fill_from_zip(*, city: str, state: str, zip_code: str) -> tuple[str, str]:
    """The city and state, each taken from the ZIP when left blank (so a spreadsheet may give the ZIP alone)."""
    info = zip_info(zip_code) if zip_code else None
    if info is None:
        return city, state
    return (city or "").strip() or info.city, (state or "").strip() or info.state


def unknown_zip_message(zip_code: str) -> str:
    return (
        f"ZIP code {zip_code} is not in our ZIP code data, so the clinic can't be placed on the map from it. "
        "Check the ZIP code, or place the pin on the map by hand."
    )


def address_errors(*, city: str, state: str, zip_code: str) -> dict[str, str]:
    """Field name -> message for a city or state that does not belong to the ZIP; empty when they agree.

    A ZIP the data does not know is not an error here (it may be new): the admin warns about it and the
    clinic cannot be located from it.
    """
    info = zip_info(zip_code) if zip_code else None
    if info is None:
        return {}
    errors: dict[str, str] = {}
    also = f" (also known as {', '.join(info.other_cities)})" if info.other_cities else ""
    if state and state != info.state:
        errors["state"] = (
            f"ZIP code {info.zip_code} is in {US_STATES.get(info.state, info.state)} ({info.label}{also}), "
            f"not {US_STATES.get(state, state)}. Check the ZIP code or the state."
        )
    if city and not info.accepts_city(city):
        errors["city"] = (
            f"ZIP code {info.zip_code} belongs to {info.label}{also}, not “{city}”. Check the ZIP code or the city."
        )
    return errors


# --- Pins far from their ZIP -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PinWarning:
    """Why a pin needs a person to confirm it, in words for staff, and how far it is from the ZIP's centre."""

    message: str
    miles_from_zip: float | None


@lru_cache(maxsize=1)
def _zip_grid() -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    """ZIP centres by whole degree of latitude and longitude, to find the ones nearest a pin quickly."""
    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    for info in _zip_table().values():
        if info.latitude is not None and info.longitude is not None:
            grid.setdefault((floor(info.latitude), floor(info.longitude)), []).append(
                (info.latitude, info.longitude, info.state)
            )
    return grid


def states_near(latitude: float, longitude: float, *, count: int = 3) -> list[str]:
    """The states of the ``count`` ZIP centres nearest a point (within about a degree), nearest first.

    No state boundaries are available offline; a pin whose nearest ZIP centres are all in another
    state is taken to be outside its own (a pin just across a river from its state may be asked about).
    """
    grid = _zip_grid()
    row, col = floor(latitude), floor(longitude)
    nearby = [
        (haversine_miles(latitude, longitude, lat, lng), state)
        for d_row in (-1, 0, 1)
        for d_col in (-1, 0, 1)
        for lat, lng, state in grid.get((row + d_row, col + d_col), ())
    ]
    return [state for _, state in sorted(nearby)[:count]]


def pin_warning(*, latitude: float, longitude: float, state: str, zip_code: str) -> PinWarning | None:
    """A pin more than ``PIN_MAX_MILES_FROM_ZIP`` miles from its ZIP's centre, or outside the clinic's state."""
    info = zip_info(zip_code) if zip_code else None
    miles: float | None = None
    if info is not None and info.latitude is not None and info.longitude is not None:
        miles = haversine_miles(latitude, longitude, info.latitude, info.longitude)
        if miles > settings.PIN_MAX_MILES_FROM_ZIP:
            return PinWarning(
                f"The pin is {miles:,.0f} miles from the centre of ZIP code {info.zip_code} ({info.label}). "
                "Check the pin and the ZIP code; if the pin is right, tick “Yes, the pin is right” (in a "
                "spreadsheet: a pin_confirmed column saying yes).",
                miles,
            )
    nearest = states_near(latitude, longitude)
    if state and nearest and state not in nearest:
        return PinWarning(
            f"The pin seems to be in {US_STATES.get(nearest[0], nearest[0])}, not "
            f"{US_STATES.get(state, state)}. Check the pin and the state; if the pin is right, tick "
            "“Yes, the pin is right” (in a spreadsheet: a pin_confirmed column saying yes).",
            miles,
        )
    return None


def _pin_placed_by_a_person(clinic: Clinic) -> bool:
    """A pin to check: placed by hand, or new coordinates (which saving marks as placed by hand), or a pin placed
    by hand whose ZIP or state changed. Pins the site placed itself (ZIP or city centre, geocoder) are not asked about.
    """
    if not clinic.is_located:
        return False
    stored = (
        Clinic.objects.filter(pk=clinic.pk).values("latitude", "longitude", "zip_code", "state").first()
        if clinic.pk
        else None
    )
    if stored is None or (stored["latitude"], stored["longitude"]) != (clinic.latitude, clinic.longitude):
        return True
    moved_address = (stored["zip_code"], stored["state"]) != (clinic.zip_code, clinic.state)
    return moved_address and clinic.location_source == LocationSource.MANUAL


def address_problems(clinic: Clinic) -> dict[str, str]:
    """Everything wrong with a clinic's address and pin, field name -> message (the model's ``clean()``)."""
    problems = address_errors(city=clinic.city, state=clinic.state, zip_code=clinic.zip_code)
    if problems or clinic.pin_confirmed or not _pin_placed_by_a_person(clinic):
        return problems
    assert clinic.latitude is not None and clinic.longitude is not None
    warning = pin_warning(
        latitude=float(clinic.latitude), longitude=float(clinic.longitude), state=clinic.state, zip_code=clinic.zip_code
    )
    if warning is not None:
        problems["latitude"] = warning.message
    return problems
