"""Clinic versions: who changed a clinic, when, and what (django-simple-history, written only from here).

clinics/editing.py calls ``record`` for every clinic it changes, so each version holds the clinic's
fields, its services and its week together, and nothing is written without one: not the hours
(replaced with ``bulk_create``, which sends no signals), not a bulk retire (``QuerySet.update``).
Who and why come from the ``attributed`` block around the change: the signed-in staff member for
an admin request (``StaffAttributionMiddleware``), "command: import_clinics" for a command. Within
one block a clinic gets one version however many writes its change took (its fields, then its
hours, then its services), so its history reads as the changes staff made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinics.hours import DAY_ABBREVIATIONS, hours_to_text
from clinics.models import Clinic, Service

CREATED, CHANGED, DELETED = "+", "~", "-"  # simple-history's history_type


@dataclass
class Attribution:
    """Who is changing clinics and why, and the version each clinic has had in this change so far."""

    user: Any = None  # a user (possibly request.user, lazy and anonymous) or None
    reason: str = ""
    versions: dict[int, Any] = field(default_factory=dict)

    def staff_user(self) -> Any:
        return self.user if self.user is not None and self.user.is_authenticated else None


_current: ContextVar[Attribution | None] = ContextVar("clinic_history_attribution", default=None)


@contextmanager
def attributed(*, reason: str = "", user: Any = None) -> Iterator[Attribution]:
    """Record the changes made inside as ``user``'s (or, without one, under ``reason`` alone)."""
    token = _current.set(Attribution(user=user, reason=reason))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)


@contextmanager
def one_change() -> Iterator[Attribution]:
    """Writes inside are one change: each clinic gets one version, signed as the block around it (if any) says."""
    current = _current.get()
    if current is not None:
        yield current
    else:
        with attributed() as unsigned:
            yield unsigned


def command_reason(name: str) -> str:
    """How a management command's changes are signed: 'command: import_clinics'."""
    return f"command: {name}"


class StaffAttributionMiddleware:
    """Changes made while serving a request are the signed-in user's (the user is looked up only if one is made)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with attributed(user=getattr(request, "user", None)):
            return self.get_response(request)


def version_model() -> Any:
    """The clinic versions' model (HistoricalClinic), which django-simple-history builds."""
    return Clinic.history.model


def record(clinic_ids: Iterable[int], *, created: bool = False, deleted: bool = False) -> None:
    """Record each clinic as it now stands in the database (fields, services, week) as a version.

    A clinic already recorded in the current ``attributed`` block has that version brought up to
    date instead, so one change is one version. Called by clinics/editing.py after every write
    (``created`` for a new clinic), and before a delete with ``deleted``.
    """
    ids = list(clinic_ids)
    if not ids:
        return
    attribution = _current.get() or Attribution()  # outside any block: a shell or a script, unsigned
    model = version_model()
    for clinic in Clinic.objects.filter(pk__in=ids).prefetch_related("hours", "services", "special_hours"):
        version = attribution.versions.get(clinic.pk)
        if version is None:
            version = model(
                id=clinic.pk,
                history_type=CREATED if created else CHANGED,
                history_user=attribution.staff_user(),
                history_change_reason=attribution.reason[:100] or None,
            )
            _fill(version, clinic)
            latest = versions_of(clinic.pk).first()
            if not deleted and latest is not None and _same(latest, version, _current_services(clinic)):
                continue  # saved as it was: nothing to record
            attribution.versions[clinic.pk] = version
        else:
            _fill(version, clinic)
        if deleted:
            version.history_type = DELETED
        _save(version, clinic)


def _current_services(clinic: Clinic) -> set[int]:
    return {service.pk for service in clinic.services.all()}


def _fill(version: Any, clinic: Clinic) -> None:
    for tracked in version.tracked_fields:
        setattr(version, tracked.attname, getattr(clinic, tracked.attname))
    version.hours = hours_to_text(clinic.hours.all())
    version.special_hours = special_hours_text(clinic.special_hours.all())
    version.history_date = timezone.now()


def special_hours_text(rows: Iterable[Any]) -> str:
    """A clinic's special dates as one line each: "2026-11-26 Thanksgiving: closed"."""
    return "; ".join(
        f"{row.date:%Y-%m-%d} {row.label}: "
        + ("closed" if row.opens is None else f"{row.opens:%H:%M}-{row.closes:%H:%M}")
        for row in sorted(rows, key=lambda row: row.date)
    )


def special_hours_change(before: str, after: str) -> str:
    """'+ 2026-11-26 Thanksgiving: closed, − 2026-12-03 Staff training: closed'."""
    old = {item for item in before.split("; ") if item}
    new = {item for item in after.split("; ") if item}
    return ", ".join([*(f"+ {item}" for item in sorted(new - old)), *(f"− {item}" for item in sorted(old - new))])


def _same(stored: Any, new: Any, new_services: set[int]) -> bool:
    return (
        stored.history_type != DELETED
        and all(_same_text(getattr(stored, f.attname), getattr(new, f.attname)) for f in new.tracked_fields)
        and stored.hours == new.hours
        and stored.special_hours == new.special_hours
        and service_ids(stored) == new_services
    )


def _save(version: Any, clinic: Clinic) -> None:
    version.save()
    m2m_field: Any = Clinic._meta.get_field("services")  # the one many-to-many field versions record (models.py)
    rows_model = HistoricalRecords.m2m_models[m2m_field]
    rows_model.objects.filter(history=version).delete()
    through = m2m_field.remote_field.through
    rows_model.objects.bulk_create(
        rows_model(history=version, **{f.attname: getattr(row, f.attname) for f in through._meta.concrete_fields})
        for row in through.objects.filter(**{m2m_field.m2m_field_name(): clinic})
    )


def versions_of(clinic_id: int) -> models.QuerySet[Any]:
    """A clinic's versions, newest first."""
    return version_model().objects.filter(id=clinic_id).order_by("-history_date", "-history_id")


def service_ids(version: Any) -> set[int]:
    """The services a version of a clinic offered."""
    rows_model = HistoricalRecords.m2m_models[Clinic._meta.get_field("services")]
    return set(rows_model.objects.filter(history=version).values_list("service_id", flat=True))


def purge(*, days: int) -> int:
    """Delete versions older than ``days`` days, except each existing clinic's newest; returns how many went."""
    model = version_model()
    newest = model.objects.exclude(history_type=DELETED).values("id").annotate(newest=Max("history_id"))
    old = model.objects.filter(history_date__lt=timezone.now() - timedelta(days=days)).exclude(
        history_id__in=newest.values("newest")
    )
    old_ids = list(old.values_list("history_id", flat=True))
    rows_model = HistoricalRecords.m2m_models[Clinic._meta.get_field("services")]
    with transaction.atomic():
        for start in range(0, len(old_ids), 500):
            batch = old_ids[start : start + 500]
            rows_model.objects.filter(history_id__in=batch).delete()
            model.objects.filter(history_id__in=batch).delete()
    return len(old_ids)


# --- Reading versions: what changed, in words ---


@dataclass(frozen=True)
class Entry:
    """One version as the history page shows it."""

    version: Any
    who: str
    action: str  # "Created", "Changed", "Deleted"
    changes: list[str]
    current: bool


ACTIONS = {CREATED: "Created", CHANGED: "Changed", DELETED: "Deleted"}
EMPTY = "(empty)"


def _shown(model_field: models.Field, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _same_text(old: Any, new: Any) -> bool:
    """Equal, or text that differs only in line endings (a browser sends a textarea's lines as CRLF)."""
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n") == new.replace("\r\n", "\n")
    return bool(old == new)


LONG_TEXT = 80  # longer values are shown as the part that changed, with a little context


def excerpts(old: str, new: str) -> tuple[str, str]:
    """The part of two long texts that differs, with up to 20 characters of context, marked with … where cut."""
    if max(len(old), len(new)) <= LONG_TEXT:
        return old, new
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    begin = max(start - 20, 0)

    def cut(text: str) -> str:
        stop = max(len(text) - end + 20, 0)
        return ("…" if begin else "") + text[begin:stop] + ("…" if stop < len(text) else "")

    return cut(old), cut(new)


def _hours_by_day(text: str) -> dict[str, str]:
    week: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        day, _, interval = part.partition(" ")
        week.setdefault(day, []).append(interval.replace("-", "–"))
    return {day: ", ".join(intervals) for day, intervals in week.items()}


def hours_change(old: str, new: str) -> str:
    """'Mon 07:00–19:00 → 07:00–12:00; Sat closed → 09:00–12:00': only the days that changed."""
    before, after = _hours_by_day(old), _hours_by_day(new)
    return "; ".join(
        f"{day} {before.get(day, 'closed')} → {after.get(day, 'closed')}"
        for day in DAY_ABBREVIATIONS
        if before.get(day) != after.get(day)
    )


def who(version: Any) -> str:
    """Who made a version: the staff member, a command, or nobody known (a shell or a script)."""
    user = version.history_user
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    reason = version.history_change_reason or ""
    if name and reason:
        return f"{name} ({reason})"
    return name or reason or "not recorded (a shell or script)"


def differences(before: Any, after: Any, services: dict[int, str], offered: dict[int, set[int]]) -> list[str]:
    """'phone: 563-555-0100 → 563-555-0199', 'hours: …', 'services: + Aquatic therapy', in form order.

    ``services`` names services by id; ``offered`` holds each version's service ids by history_id.
    """
    lines = []
    for tracked in after.tracked_fields:
        if tracked.attname in ("id", "created_at"):
            continue
        old, new = getattr(before, tracked.attname), getattr(after, tracked.attname)
        if not _same_text(old, new):
            model_field = Clinic._meta.get_field(tracked.name)
            assert isinstance(model_field, models.Field)
            label = str(getattr(model_field, "verbose_name", tracked.name))
            shown_old, shown_new = excerpts(_shown(model_field, old), _shown(model_field, new))
            lines.append(f"{label}: {shown_old} → {shown_new}")
    if before.hours != after.hours:
        lines.append(f"hours: {hours_change(before.hours, after.hours)}")
    if before.special_hours != after.special_hours:
        lines.append(f"special hours: {special_hours_change(before.special_hours, after.special_hours)}")
    old_ids, new_ids = offered.get(before.history_id, set()), offered.get(after.history_id, set())

    def name(pk: int) -> str:
        return services.get(pk, f"service #{pk} (since deleted)")

    changed = sorted((name(pk), "+") for pk in new_ids - old_ids) + sorted((name(pk), "−") for pk in old_ids - new_ids)
    if changed:
        lines.append("services: " + ", ".join(f"{sign} {label}" for label, sign in changed))
    return lines


def entries(clinic_id: int, *, limit: int = 100) -> list[Entry]:
    """A clinic's newest ``limit`` versions, newest first, each with what changed since the one before."""
    versions = list(versions_of(clinic_id).select_related("history_user")[: limit + 1])
    services = dict(Service.objects.values_list("pk", "name"))
    offered: dict[int, set[int]] = {version.history_id: set() for version in versions}
    rows_model = HistoricalRecords.m2m_models[Clinic._meta.get_field("services")]
    for history_id, service_id in rows_model.objects.filter(history__in=list(offered)).values_list(
        "history_id", "service_id"
    ):
        offered[history_id].add(service_id)
    result = []
    for index, version in enumerate(versions[:limit]):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        if previous is None:
            action = ACTIONS[CREATED] if version.history_type == CREATED else "First version recorded"
            changes: list[str] = []
        else:
            action = ACTIONS.get(version.history_type, "Changed")
            changes = [] if version.history_type == DELETED else differences(previous, version, services, offered)
        result.append(Entry(version=version, who=who(version), action=action, changes=changes, current=index == 0))
    return result
