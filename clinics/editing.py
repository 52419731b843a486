"""Every change to clinics, their hours and their services, and the one rule that goes with it.

The rule (``mark_changed``): **a clinic that changed gets a new ``updated_at``**, since its
cached search card is keyed by it (clinics/search/details.py); and when clinics come, go or
change, every count of the whole directory is taken again (``directory_changed``: the search's
size, and the clinics per state on the home page and the clinic list). The spreadsheet import,
the demo data and the management commands write only through these functions. The admin saves a
clinic with ``clinic_save`` and services with ``service_save``/``service_delete``/``services_set_retired``; its hours
inline and services field are saved by Django's own formset and form, after which it calls
``mark_changed``. A clinic or service is validated with ``full_clean()`` before it is written,
and hours with ``hours.check_week``, so bad input changes nothing.

Whether a clinic may be public (clinics/publishing.py) is checked by ``clinics_set_status``, by the
import once a row's hours and services are written (inside its transaction), and by the admin on
what staff submitted; not by ``clinic_save`` alone, since a new clinic's hours and services are
written after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from modeltranslation.utils import get_translation_fields

from clinics import history, publishing
from clinics.addresses import fill_from_zip
from clinics.counts import state_counts
from clinics.hours import Interval, check_week, hours_from_text
from clinics.locating import BulkReport, LocateResult, Outcome, locate_clinic, prepare_for_save
from clinics.models import (
    Clinic,
    ClinicStatus,
    Condition,
    LocationSource,
    OpeningHours,
    Service,
    SpecialHours,
    unique_slug,
)
from clinics.search.ranking import directory
from clinics.translation import in_default_language, translated_fields


def directory_changed() -> None:
    """Clinics came, went or changed: forget every count of the directory as a whole, so none is shown stale."""
    directory.forget()
    state_counts.forget()


def mark_changed(clinic_ids: Iterable[int]) -> None:
    """The rule: these clinics changed (their details, hours or services); searches must not show an old version,
    and their history records the change (clinics/history.py)."""
    ids = list(clinic_ids)
    _bump(ids)
    history.record(ids)


def _bump(ids: list[int]) -> None:
    """New ``updated_at`` for these clinics' cached cards, and fresh counts."""
    if ids:
        Clinic.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    directory_changed()


def clinic_save(*, clinic: Clinic, relocate: bool = False) -> LocateResult:
    """Create or update a clinic from its fields as set: located (clinics/locating.py), validated,
    saved and marked changed. Returns what locating did, for the caller to report.

    A blank city or state is taken from the ZIP first (clinics/addresses.py).
    ``relocate`` locates it again from its address whatever changed; if that fails, nothing is saved.
    """
    clinic.city, clinic.state = fill_from_zip(city=clinic.city, state=clinic.state, zip_code=clinic.zip_code)
    located = locate_clinic(clinic) if relocate else prepare_for_save(clinic)
    if relocate and located.outcome == Outcome.FAILED:
        return located
    clinic.slug = clinic.slug or unique_slug(clinic.name, exclude_pk=clinic.pk)
    clinic.updated_at = timezone.now()
    created = clinic.pk is None
    clinic.full_clean()
    clinic.save()
    directory_changed()
    history.record([clinic.pk], created=created)
    return located


def clinics_relocate(clinics: Iterable[Clinic]) -> BulkReport:
    """Locate each clinic again from its address and save it; pins placed by hand are left alone."""
    report = BulkReport(dict.fromkeys(Outcome, 0), [])
    for clinic in clinics:
        if clinic.location_source == LocationSource.MANUAL:
            report.counts[Outcome.UNCHANGED] += 1
            continue
        try:
            result = clinic_save(clinic=clinic, relocate=True)
        except ValidationError as exc:
            result = LocateResult(Outcome.FAILED, " ".join(exc.messages))
        report.counts[result.outcome] += 1
        if result.outcome == Outcome.FAILED:
            report.failures.append(f"{clinic.name}: {result.message}")
    return report


def clinic_create(**fields: Any) -> Clinic:
    clinic = Clinic(**fields)
    clinic_save(clinic=clinic)
    return clinic


def clinic_update(*, clinic: Clinic, **fields: Any) -> LocateResult:
    for name, value in fields.items():
        setattr(clinic, name, value)
    return clinic_save(clinic=clinic)


@transaction.atomic
def replace_hours(*, clinic: Clinic, intervals: Iterable[Interval]) -> bool:
    """Make the clinic's week exactly these intervals; False when it already was.

    Checked first (closing after opening, no overlaps on a day: hours.check_week), so bad input
    changes nothing.
    """
    wanted = check_week(intervals)
    if sorted(clinic.hours.values_list("weekday", "opens", "closes")) == wanted:
        return False
    clinic.hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(clinic=clinic, weekday=day, opens=opens, closes=closes) for day, opens, closes in wanted
    )
    mark_changed([clinic.pk])
    return True


def set_services(*, clinic: Clinic, services: Iterable[Service]) -> bool:
    """Make the clinic offer exactly these services; False when it already did."""
    wanted = {service.pk for service in services}
    if set(clinic.services.values_list("pk", flat=True)) == wanted:
        return False
    clinic.services.set(wanted)
    mark_changed([clinic.pk])
    return True


@transaction.atomic
def clinic_restore(*, clinic: Clinic, version: Any) -> LocateResult:
    """Put a clinic back as one of its versions had it: its fields, week and services, written as any change
    is (validated, searches see it at once) and recorded as a new version. Nothing changes if it fails
    validation (a ValidationError, e.g. its slug has since been taken)."""
    for tracked in version.tracked_fields:
        if tracked.attname != "id":
            setattr(clinic, tracked.attname, getattr(version, tracked.attname))
    with history.one_change():
        located = clinic_save(clinic=clinic)
        replace_hours(clinic=clinic, intervals=hours_from_text(version.hours))
        set_services(clinic=clinic, services=Service.objects.filter(pk__in=history.service_ids(version)))
    return located


@dataclass
class StatusReport:
    changed: list[Clinic] = field(default_factory=list)
    refused: list[tuple[Clinic, str]] = field(default_factory=list)  # a clinic, and why it cannot be public


@transaction.atomic
def clinics_set_status(
    *, clinics: Iterable[Clinic], status: str, closure_reason: str = "", reopens_on: date | None = None
) -> StatusReport:
    """Give clinics a status; an incomplete clinic is never made public (clinics/publishing.py) and is left as it was.

    Temporarily closing needs a reason (shown to visitors) and may give a reopening date. Taking a
    clinic out of public view (draft, retired) is never refused, whatever else is wrong with it.
    """
    report = StatusReport()
    for clinic in clinics:
        if clinic.status == status and status != ClinicStatus.TEMPORARILY_CLOSED:
            continue  # already so: nothing changes, and nothing is reported as changed
        clinic.status = status
        if status == ClinicStatus.TEMPORARILY_CLOSED:
            clinic.closure_reason, clinic.reopens_on = closure_reason, reopens_on
        try:
            if clinic.is_public:
                clinic.full_clean()
                publishing.check_saved(clinic)
            else:
                clinic.clean()  # a closure ends with its status
        except ValidationError as exc:
            clinic.refresh_from_db()
            report.refused.append((clinic, " ".join(exc.messages)))
            continue
        clinic.save(update_fields=["status", "closure_reason", "reopens_on"])
        report.changed.append(clinic)
    mark_changed(clinic.pk for clinic in report.changed)  # a new updated_at, and a version in each one's history
    return report


@transaction.atomic
def special_hours_set(
    *, clinics: Iterable[Clinic], day: date, label: str, opens: time | None = None, closes: time | None = None
) -> int:
    """Give clinics other hours on one date (``opens``/``closes`` both None: closed all day), replacing any they had.

    Checked first, so bad input changes nothing; returns how many clinics.
    """
    targets = list(clinics)
    rows = [SpecialHours(clinic=clinic, date=day, label=label, opens=opens, closes=closes) for clinic in targets]
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    SpecialHours.objects.filter(clinic__in=targets, date=day).delete()
    SpecialHours.objects.bulk_create(rows)
    mark_changed(clinic.pk for clinic in targets)
    return len(targets)


def special_hours_remove(*, clinics: Iterable[Clinic], day: date) -> int:
    """Take a date's special hours off these clinics; returns how many had them."""
    ids = [clinic.pk for clinic in clinics]
    count, _ = SpecialHours.objects.filter(clinic_id__in=ids, date=day).delete()
    mark_changed(ids)
    return count


@transaction.atomic
def clinics_delete(*, clinics: QuerySet[Clinic]) -> int:
    """Delete clinics for good (with their hours); retiring keeps them for the record. Returns how many."""
    ids = list(clinics.values_list("pk", flat=True))
    history.record(ids, deleted=True)  # as they were, hours and services included
    count = len(ids)
    Clinic.objects.filter(pk__in=ids).delete()
    directory_changed()
    return count


def service_save(*, service: Service) -> None:
    """Create or rename a service (in any language); the clinics offering it show the new name at once."""
    with in_default_language():  # the untranslated column keeps the English name (clinics/translation.py)
        service.full_clean()
        service.save()
    # The clinics' versions name their services by id: a new name is no change to them.
    _bump(list(service.clinics.values_list("pk", flat=True)))


class ServiceInUse(Exception):
    """A service some clinic offers cannot be deleted (the clinics would silently lose it); retire it instead."""

    def __init__(self, service: Service, clinic_names: list[str]) -> None:
        self.service = service
        self.clinic_names = clinic_names
        super().__init__(f"“{service.name}” is offered by {', '.join(clinic_names)}: retire it instead of deleting it.")


def clinics_using(service: Service) -> list[str]:
    """The names of the clinics (any status) that offer this service, for staff."""
    return list(service.clinics.order_by("name").values_list("name", flat=True))


@transaction.atomic
def service_delete(*, service: Service) -> None:
    """Delete a service no clinic uses; ``ServiceInUse`` (and nothing deleted) if any does."""
    names = clinics_using(service)
    if names:
        raise ServiceInUse(service, names)
    service.delete()
    directory_changed()


def services_set_retired(*, services: QuerySet[Service], retired: bool) -> int:
    """Retire services (kept on their clinics for the record, never shown to visitors) or restore them.

    Returns how many changed; their clinics are marked changed, so no search shows a retired service.
    """
    ids = list(services.exclude(is_retired=retired).values_list("pk", flat=True))
    count = Service.objects.filter(pk__in=ids).update(is_retired=retired)
    mark_changed(Clinic.objects.filter(services__pk__in=ids).values_list("pk", flat=True).distinct())
    return count


@transaction.atomic
def condition_save(*, condition: Condition, services: Iterable[Service] | None = None) -> bool:
    """Create or change a condition (and, given ``services``, the services that treat it); True if anything changed.

    Searches by condition read the catalogue per process (clinics/conditions.py): this process sees the change
    at once, the others within its ``LOCAL_SECONDS``.
    """
    from clinics.conditions import catalogue

    with in_default_language():  # the untranslated columns keep the English texts (clinics/translation.py)
        condition.full_clean(exclude=["services"])
        changed = condition.pk is None or _differs(condition)
        if changed:
            condition.save()
    if services is not None:
        wanted = {service.pk for service in services}
        if wanted != set(condition.services.values_list("pk", flat=True)):
            condition.services.set(wanted)
            changed = True
    if changed:
        catalogue.forget()
    return changed


def _differs(condition: Condition) -> bool:
    fields = [*CONDITION_FIELDS, *get_translation_fields(*translated_fields(Condition))]
    stored = Condition.objects.filter(pk=condition.pk).values(*fields).first()
    return stored is None or any(stored[name] != getattr(condition, name) for name in fields)


CONDITION_FIELDS = ("name", "slug", "phrase", "description", "synonyms", "source", "is_sample")


def condition_delete(*, condition: Condition) -> None:
    """Delete a condition; searches for it then find no condition (the words are searched as a place)."""
    from clinics.conditions import catalogue

    condition.delete()
    catalogue.forget()
