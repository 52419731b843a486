"""Loading the demo clinics and services from fixtures/, idempotently.

Running it again changes nothing and duplicates nothing: rows are matched by slug and saved
only when a value differs. A new clinic is published when it is complete (clinics/publishing.py)
and left a draft otherwise; a clinic's status is staff's afterwards, never changed by a reload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from clinics import history
from clinics.editing import clinic_save, clinics_set_status, condition_save, replace_hours, service_save, set_services
from clinics.models import Clinic, ClinicStatus, Condition, Service
from clinics.translation import DEFAULT_LANGUAGE, OTHER_LANGUAGES, localized, translated_fields

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
CLINIC_FIELDS = ("name", "street", "address_line2", "city", "state", "zip_code", "phone", "website_url", "schedule_url")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


def _read(name: str, fixtures_dir: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures_dir / name).read_text(encoding="utf-8"))


def _staff_note(row: dict[str, Any]) -> str:
    lines = [f"Source: {row['source']}"]
    if row.get("notes"):
        lines.append(f"Notes: {row['notes']}")
    if row.get("sample_fields"):
        lines.append(f"Sample values (not published facts): {', '.join(row['sample_fields'])}")
    return "\n".join(lines)


def _texts(row: dict[str, Any], model: type[Service] | type[Condition]) -> dict[str, Any]:
    """A fixture row's visitor-facing texts by column, every language: {"name_en": …, "name_es": …}. A text the
    row lacks in Spanish is blank (visitors see the English); synonyms are a list in the file, lines in the column.
    """
    texts: dict[str, Any] = {}
    for name in translated_fields(model):
        for lang in (DEFAULT_LANGUAGE, *OTHER_LANGUAGES):
            column = localized(name, lang)
            value = row.get(name if lang == DEFAULT_LANGUAGE else column, "")
            value = "\n".join(value) if isinstance(value, list) else value
            # Blank as the column stores it: NULL for a name (names are unique: clinics/translation.py).
            texts[column] = value or getattr(model._meta.get_field(column), "empty_value", value)
    return texts


@transaction.atomic
def load_demo_data(fixtures_dir: Path = FIXTURES_DIR) -> tuple[LoadReport, LoadReport]:
    """Create or update the demo services and clinics; returns a report for each. Each clinic that changed gets
    one version in its history (clinics/history.py), signed as the caller says."""
    with history.one_change():
        return _load(fixtures_dir)


def _load(fixtures_dir: Path) -> tuple[LoadReport, LoadReport]:
    service_report, clinic_report = LoadReport(), LoadReport()
    services: dict[str, Service] = {}
    for row in _read("services.json", fixtures_dir):
        service = Service.objects.filter(slug=row["slug"]).first() or Service(slug=row["slug"])
        services[service.slug] = service
        texts = _texts(row, Service)
        if all(getattr(service, column) == value for column, value in texts.items()):
            service_report.unchanged.append(service.slug)
            continue
        (service_report.updated if service.pk else service_report.created).append(service.slug)
        for column, value in texts.items():
            setattr(service, column, value)
        service_save(service=service)

    for row in _read("clinics.json", fixtures_dir):
        clinic = Clinic.objects.filter(slug=row["slug"]).first()
        created = clinic is None
        if clinic is None:
            clinic = Clinic(slug=row["slug"])
        changed = created
        for name in CLINIC_FIELDS:
            if getattr(clinic, name) != row[name]:
                setattr(clinic, name, row[name])
                changed = True
        note = _staff_note(row)
        if clinic.internal_notes != note:
            clinic.internal_notes = note
            changed = True
        # A clinic not yet located (or without a time zone) is saved so that the locating rule runs.
        if changed or not clinic.is_located or not clinic.timezone:
            clinic_save(clinic=clinic)
            changed = True
        if set_services(clinic=clinic, services=[services[slug] for slug in row["services"]]):
            changed = True
        hours = [(r["weekday"], time.fromisoformat(r["opens"]), time.fromisoformat(r["closes"])) for r in row["hours"]]
        if replace_hours(clinic=clinic, intervals=hours):
            changed = True
        if created:  # published when complete (clinics/publishing.py); else a draft, for staff to finish
            clinics_set_status(clinics=[clinic], status=ClinicStatus.PUBLISHED)
        (clinic_report.created if created else clinic_report.updated if changed else clinic_report.unchanged).append(
            clinic.slug
        )
    return service_report, clinic_report


@transaction.atomic
def load_demo_conditions(fixtures_dir: Path = FIXTURES_DIR) -> LoadReport:
    """Create or update the demo condition catalogue (after the services it names)."""
    report = LoadReport()
    services = {service.slug: service for service in Service.objects.all()}
    for row in _read("conditions.json", fixtures_dir):
        condition = Condition.objects.filter(slug=row["slug"]).first() or Condition(slug=row["slug"])
        created = condition.pk is None
        for column, value in _texts(row, Condition).items():
            setattr(condition, column, value)
        condition.source, condition.is_sample = row["source"], row["is_sample"]
        changed = condition_save(condition=condition, services=[services[slug] for slug in row["services"]])
        (report.created if created else report.updated if changed else report.unchanged).append(condition.slug)
    return report
