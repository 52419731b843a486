"""Giving clinics coordinates when staff save or import them, so visitors' searches never wait on a geocoder.

One rule for every way a clinic is saved (clinics/editing.py, which the admin form, the
spreadsheet import, the demo data and the commands call): ``prepare_for_save``. A pin moved
to new coordinates is kept and marked as placed by hand; otherwise a clinic without
coordinates, or whose address changed, is located again, unless its pin was placed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from clinics import geocoding
from clinics.fields import to_coordinate
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


def prepare_for_save(clinic: Clinic) -> LocateResult:
    """Apply the locating rule to a clinic about to be saved (compared with what is stored); does not save."""
    original = Clinic.objects.filter(pk=clinic.pk).first() if clinic.pk else None
    address_changed = original is None or any(
        getattr(original, name) != getattr(clinic, name) for name in ADDRESS_FIELDS
    )
    # New, non-empty coordinates: a new clinic that arrives with them, or a pin moved on an existing one.
    pin_moved = clinic.is_located and (
        original is None or (original.latitude, original.longitude) != (clinic.latitude, clinic.longitude)
    )
    if pin_moved and clinic.location_source == (original.location_source if original else ""):
        clinic.location_source = LocationSource.MANUAL
    if needs_locating(clinic, address_changed=address_changed, pin_moved=pin_moved):
        return locate_clinic(clinic)
    if not clinic.timezone:
        clinic.timezone = geocoding.timezone_for_zip(clinic.zip_code)
    return LocateResult(Outcome.UNCHANGED)


@dataclass
class BulkReport:
    counts: dict[Outcome, int]
    failures: list[str]

    def summary(self) -> str:
        return (
            f"Located {self.counts[Outcome.LOCATED]} by street address, "
            f"{self.counts[Outcome.APPROXIMATE]} approximately (ZIP or city centre), "
            f"{self.counts[Outcome.FAILED]} failed; "
            f"{self.counts[Outcome.UNCHANGED]} placed by hand were left alone."
        )


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
    clinic.latitude = to_coordinate(place.latitude)
    clinic.longitude = to_coordinate(place.longitude)
    clinic.location_source = source
    clinic.pin_confirmed = True  # placed from its own address: no one needs to confirm it (clinics/addresses.py)
    if source == LocationSource.ADDRESS:
        return LocateResult(Outcome.LOCATED)
    return LocateResult(Outcome.APPROXIMATE, message)
