"""The one rule for what a clinic needs before visitors may see it.

A patient who drives to a clinic that cannot be found, or calls one with no phone listed, is
the worst thing this site can cause; so a clinic is public (published, or temporarily closed)
only when it has a location, a phone, hours, a schedule link and at least one service. The admin's
checklist and its refusal to publish, the spreadsheet import, the bulk status actions and
``load_demo_data`` all ask ``checklist`` here, and nothing else decides it.

Hours and services are passed in rather than read, because the admin checks them as submitted,
before anything is saved; ``saved_checklist`` reads them from the database for everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from clinics.geocoding.offline import lookup_city, lookup_zip
from clinics.models import PUBLIC_STATUSES, Clinic


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str  # what it is, for the checklist: "A phone number"
    to_do: str  # what to add, when it is missing: "add a phone number"
    met: bool


def _location_problem(clinic: Clinic) -> str:
    """What is wrong with the clinic's location, in words for staff; "" when nothing is.

    A clinic not yet located passes when saving will locate it (clinics/locating.py falls back to
    its ZIP or city centre, offline), so staff can add and publish a clinic in one go.
    """
    zip5 = (clinic.zip_code or "")[:5]
    if zip5 and lookup_zip(zip5) is None:
        return f"correct the ZIP code: {zip5} is not a US ZIP code we can locate"
    if clinic.is_located or zip5:
        return ""
    if clinic.city and clinic.state and lookup_city(clinic.city, clinic.state) is not None:
        return ""
    return "locate it (add its ZIP code, or place the pin on the map)"


def checklist(clinic: Clinic, *, has_hours: bool, service_count: int) -> list[Requirement]:
    """Every requirement for publishing, met or not, in the order the admin lists them."""
    location = _location_problem(clinic)
    return [
        Requirement("location", "A location on the map (and a ZIP code we can locate)", location, not location),
        Requirement("phone", "A phone number", "add a phone number", bool(clinic.phone)),
        Requirement("hours", "Opening hours", "add its opening hours", has_hours),
        Requirement("schedule_url", "A schedule link", "add a schedule link", bool(clinic.schedule_url)),
        Requirement("services", "At least one service", "choose at least one service", service_count > 0),
    ]


def saved_checklist(clinic: Clinic) -> list[Requirement]:
    """The checklist for a clinic's saved hours and services (none for a clinic not yet saved)."""
    if clinic.pk is None:
        return checklist(clinic, has_hours=False, service_count=0)
    return checklist(clinic, has_hours=clinic.hours.exists(), service_count=clinic.services.count())


def missing(requirements: list[Requirement]) -> list[Requirement]:
    return [item for item in requirements if not item.met]


def refusal(requirements: list[Requirement]) -> str:
    """Why the clinic cannot be public yet, one sentence for staff; "" when it can."""
    to_do = [item.to_do for item in missing(requirements)]
    if not to_do:
        return ""
    steps = to_do[0] if len(to_do) == 1 else f"{', '.join(to_do[:-1])} and {to_do[-1]}"
    return f"This clinic can't be shown to visitors yet: {steps}. Until then, keep it as a draft."


def check_public(clinic: Clinic, requirements: list[Requirement]) -> None:
    """A ValidationError on ``status`` when the clinic is to be public but is not complete."""
    if clinic.status in PUBLIC_STATUSES:
        message = refusal(requirements)
        if message:
            raise ValidationError({"status": message}, code="incomplete")


def check_saved(clinic: Clinic) -> None:
    """``check_public`` against the clinic's saved hours and services (the import, after a row is written)."""
    check_public(clinic, saved_checklist(clinic))
