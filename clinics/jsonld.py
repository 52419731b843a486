"""schema.org JSON-LD for a clinic page, so search engines read the same facts the visitor sees."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from clinics.hours import DayHours, week_table
from clinics.models import BRAND_NAME, Clinic

# The same escapes as Django's json_script: nothing in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def clinic_jsonld(clinic: Clinic, *, page_url: str, week: list[DayHours] | None = None) -> dict[str, Any]:
    """A MedicalClinic that is also a Physiotherapy business; only fields the clinic actually has.

    ``week`` is the clinic's week_table when the caller has it already (else it is read from the clinic).
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["MedicalClinic", "Physiotherapy"],
        "@id": f"{page_url}#clinic",
        "name": clinic.name,
        "url": page_url,
        "medicalSpecialty": "https://schema.org/Physiotherapy",
        "parentOrganization": {"@type": "MedicalOrganization", "name": BRAND_NAME},
    }
    address = {
        "@type": "PostalAddress",
        "streetAddress": ", ".join(part for part in (clinic.street, clinic.address_line2) if part),
        "addressLocality": clinic.city,
        "addressRegion": clinic.state,
        "postalCode": clinic.zip_code,
        "addressCountry": "US",
    }
    data["address"] = {key: value for key, value in address.items() if value}
    # A ZIP- or city-centre point is not where the clinic is; better no geo than a wrong one.
    if clinic.is_located and not clinic.location_is_approximate:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(clinic.latitude),  # type: ignore[arg-type]
            "longitude": float(clinic.longitude),  # type: ignore[arg-type]
        }
    if clinic.phone_tel:
        data["telephone"] = clinic.phone_tel
    if clinic.email:
        data["email"] = clinic.email
    if clinic.website_url.startswith(("https://", "http://")):
        data["sameAs"] = [clinic.website_url]
    # A temporarily closed clinic's week would tell search engines it is open.
    hours = [] if clinic.is_temporarily_closed else opening_hours_specification(clinic, week)
    if hours:
        data["openingHoursSpecification"] = hours
    services = [service.name for service in clinic.services.all()]
    if services:
        data["availableService"] = [{"@type": "MedicalTherapy", "name": name} for name in services]
    return data


def opening_hours_specification(clinic: Clinic, week: list[DayHours] | None = None) -> list[dict[str, Any]]:
    """One entry per distinct opening interval, listing the days it applies to (Monday first)."""
    by_interval: dict[tuple[str, str], list[str]] = {}
    for day in week_table(clinic) if week is None else week:
        for opens, closes in day.intervals:
            by_interval.setdefault((f"{opens:%H:%M}", f"{closes:%H:%M}"), []).append(day.name)
    return [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": opens, "closes": closes}
        for (opens, closes), days in by_interval.items()
    ]


def jsonld_script(data: dict[str, Any]) -> SafeString:
    """An ld+json script block with json_script's escaping (the json_script filter only writes application/json)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
