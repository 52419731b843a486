"""Giving clinics coordinates when admins save them, so visitors' searches never wait on a geocoder."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from clinics import geocoding
from clinics.geocoding import Place, Precision
from clinics.models import Clinic, LocationSource

ADDRESS_FIELDS = ("street", "address_line2", "city", "state", "zip_code")


class Outcome(StrEnum):
    LOCATED = "located"  # from the street address
    APPROXIMATE = "approximate"  # ZIP or city centre
    FAILED = "failed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class LocateResult:
    outcome: Outcome
    message: str = ""


def needs_locating(clinic: Clinic, *, address_changed: bool, pin_moved: bool) -> bool:
    """A clinic without coordinates, or whose address changed and whose pin was not placed by hand."""
    if pin_moved:
        return False
    if not clinic.is_located:
        return True
    return address_changed and clinic.location_source != LocationSource.MANUAL


def _as_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def locate_clinic(clinic: Clinic) -> LocateResult:
    """Set the clinic's coordinates and their source from its address; does not save.

    Street address through the configured online geocoder when there is one, else the
    ZIP centre, else the city centre. Also fills an empty time zone from the ZIP.
    """
    place: Place | None = None
    source = LocationSource.NONE
    message = ""
    if clinic.street and geocoding.online_geocoder_configured():
        result = geocoding.geocode_online(clinic.one_line_address)
        if isinstance(result, Place):
            place, source = result, LocationSource.ADDRESS
        else:
            message = result.message
    if place is None and clinic.zip_code:
        place = geocoding.lookup_zip(clinic.zip_code[:5])
        source = LocationSource.ZIP
    if place is None and clinic.city and clinic.state:
        place = geocoding.lookup_city(clinic.city, clinic.state)
        source = LocationSource.CITY
    if not clinic.timezone:
        clinic.timezone = geocoding.timezone_for_zip(clinic.zip_code) or (
            place.timezone if place and place.precision in (Precision.ZIP, Precision.CITY) else ""
        )
    if place is None:
        return LocateResult(Outcome.FAILED, message or f"No location found for {clinic.one_line_address}.")
    clinic.latitude = _as_decimal(place.latitude)
    clinic.longitude = _as_decimal(place.longitude)
    clinic.location_source = source
    if source == LocationSource.ADDRESS:
        return LocateResult(Outcome.LOCATED)
    return LocateResult(Outcome.APPROXIMATE, message)
