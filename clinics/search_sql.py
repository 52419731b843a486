"""The nearest search's database reads, written as SQL.

Measured, not assumed: building these queries through the ORM cost several times more than
running them (docs/performance.md), and a search may run the box query several times. Each
function returns ordinary model instances, with services and hours attached the way
``prefetch_related`` attaches them, so callers use ``clinic.services.all()`` as usual.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections
from django.db.models import Model

from clinics.fields import to_coordinate
from clinics.hours import Week
from clinics.models import Clinic, OpeningHours, Service

M = TypeVar("M", bound=Model)


class BoxRow(NamedTuple):
    """One clinic inside a search box: just what ranking needs (a tuple: built for every row in the box)."""

    pk: int
    latitude: float
    longitude: float
    name: str
    timezone: str
    version: str  # the row's updated_at as text (parsing it would only cost time): a key for cached details


def _qn(name: str | None) -> str:
    assert name, "a concrete column"  # Field.column is typed optional; every column read here has one
    return connection.ops.quote_name(name)


# Widens the box by a little more than the columns' rounding (6 decimals), so rounding never
# drops a clinic on its edge; the exact distance check comes after anyway.
BOX_PAD_DEGREES = 2e-6


def box_rows(
    min_lat: float, max_lat: float, lon_ranges: Sequence[tuple[float, float]], services: Sequence[str]
) -> list[BoxRow]:
    """Active clinics inside the box that offer every service.

    PostgreSQL answers from the GiST index on point(longitude, latitude) (migration 0002);
    other databases from the latitude/longitude B-tree.
    """
    slugs = list(dict.fromkeys(services))
    min_lat, max_lat = min_lat - BOX_PAD_DEGREES, max_lat + BOX_PAD_DEGREES
    ranges = [(low - BOX_PAD_DEGREES, high + BOX_PAD_DEGREES) for low, high in lon_ranges]
    params: list[Any] = [True]
    vendor = connection.vendor
    if vendor == "postgresql":
        for low, high in ranges:
            params += [low, min_lat, high, max_lat]
    else:
        params += [to_coordinate(min_lat), to_coordinate(max_lat)]
        for low, high in ranges:
            params += [to_coordinate(low), to_coordinate(high)]
    params += slugs
    # The casts in the SQL return latitude and longitude as floats on every database.
    return list(map(BoxRow._make, _read(_box_sql(vendor, len(ranges), len(slugs)), params)))


@functools.cache
def _box_sql(vendor: str, range_count: int, service_count: int) -> str:
    """The box query's text, which depends only on its shape: built once per shape, not per search."""
    meta, through = Clinic._meta, Clinic.services.through._meta
    lat, lng = _qn(Clinic.latitude.field.column), _qn(Clinic.longitude.field.column)
    if vendor == "postgresql":
        point = f"point(c.{lng}::float8, c.{lat}::float8)"
        box_sql = " OR ".join([f"{point} <@ box(point(%s, %s), point(%s, %s))"] * range_count)
    else:
        lon_sql = " OR ".join([f"c.{lng} BETWEEN %s AND %s"] * range_count)
        box_sql = f"c.{lat} BETWEEN %s AND %s AND ({lon_sql})"
    sql = (
        # Floats and text come back as they are; Decimals and datetimes would be parsed for nothing.
        f"SELECT c.{_qn('id')}, CAST(c.{lat} AS DOUBLE PRECISION), CAST(c.{lng} AS DOUBLE PRECISION), "
        f"c.{_qn('name')}, c.{_qn('timezone')}, CAST(c.{_qn('updated_at')} AS TEXT) "
        f"FROM {_qn(meta.db_table)} c "
        f"WHERE c.{_qn('is_active')} = %s AND ({box_sql})"
    )
    sql += (
        f" AND c.{_qn('id')} IN (SELECT t.{_qn('clinic_id')} FROM {_qn(through.db_table)} t"
        f" JOIN {_qn(Service._meta.db_table)} s ON s.{_qn('id')} = t.{_qn('service_id')}"
        f" WHERE s.{_qn('slug')} = %s)"
    ) * service_count
    return sql


def _read(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one of the search's SELECTs, letting the read itself check the connection.

    With CONN_HEALTH_CHECKS, Django pings a kept connection (SELECT 1) before the first query of
    each request: a round trip as long as the search's own box query (docs/performance.md). A
    read is safe to repeat, so instead of asking first, read; if the kept connection turns out
    dead (the database restarted since the last request, or dropped the connection during this
    read), reconnect and read once more. An error on a live connection is the query's own and is
    raised. Inside a transaction Django has already checked the connection (entering one does).
    Only for SELECTs: a write must never run twice.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the proxy behind `connection` costs a lookup per attribute
    # health_check_enabled and health_check_done are Django's (4.1+); the type stubs lack them.
    unchecked = (
        db.connection is not None
        and db.health_check_enabled  # type: ignore[attr-defined]
        and not db.health_check_done  # type: ignore[attr-defined]
        and not db.in_atomic_block
    )
    if unchecked:
        db.health_check_done = True  # type: ignore[attr-defined]
    try:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except (OperationalError, InterfaceError):
        if not unchecked or db.is_usable():
            raise  # a live connection: the error is the query's own
        db.close()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in_list(ids: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(ids))


@dataclass(frozen=True)
class _Reader:
    """How to read one model's rows: its columns, and Django's converters for each (cached per database)."""

    select: str
    attnames: list[str]
    converters: list[list[tuple[Callable[..., Any], Any]]]


_readers: dict[tuple[str, type[Model], str], _Reader] = {}


def _reader(model: type[Model], alias: str) -> _Reader:
    key = (connection.alias, model, alias)
    if key not in _readers:
        fields = model._meta.concrete_fields
        converters = []
        for f in fields:
            col = f.get_col(alias)
            converters.append(
                [(c, col) for c in connection.ops.get_db_converters(col) + f.get_db_converters(connection)]
            )
        _readers[key] = _Reader(
            select=", ".join(f"{alias}.{_qn(f.column)}" for f in fields),
            attnames=[f.attname for f in fields],
            converters=converters,
        )
    return _readers[key]


def _instances(model: type[M], alias: str, rows: Iterable[Sequence[Any]]) -> list[M]:
    """Model instances from rows that start with the model's columns, as the ORM would build them."""
    reader = _reader(model, alias)
    width = len(reader.attnames)
    out = []
    for row in rows:
        values = list(row[:width])
        for i, pairs in enumerate(reader.converters):
            for convert, col in pairs:
                values[i] = convert(values[i], col, connection)
        out.append(model.from_db(connection.alias, reader.attnames, values))
    return out


def _attach(instance: Model, name: str, objects: list[Any]) -> None:
    """What prefetch_related leaves behind: the relation's queryset with its results filled in."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def hours_for(ids: Sequence[int]) -> dict[int, list[OpeningHours]]:
    """Each clinic's opening hours, in weekday and time order."""
    by_clinic: dict[int, list[OpeningHours]] = {pk: [] for pk in ids}
    if not ids:
        return by_clinic
    reader = _reader(OpeningHours, "h")
    sql = (
        f"SELECT {reader.select} FROM {_qn(OpeningHours._meta.db_table)} h "
        f"WHERE h.{_qn('clinic_id')} IN ({_in_list(ids)}) ORDER BY h.{_qn('weekday')}, h.{_qn('opens')}"
    )
    for interval in _instances(OpeningHours, "h", _read(sql, list(ids))):
        by_clinic[interval.clinic_id].append(interval)
    return by_clinic


def clinics_with_details(ids: Sequence[int]) -> list[Clinic]:
    """Full clinics for the given ids, in that order, with services and hours attached."""
    if not ids:
        return []
    through = Clinic.services.through._meta
    clinic_reader, service_reader = _reader(Clinic, "c"), _reader(Service, "s")
    clinic_rows = _read(
        f"SELECT {clinic_reader.select} FROM {_qn(Clinic._meta.db_table)} c WHERE c.{_qn('id')} IN ({_in_list(ids)})",
        list(ids),
    )
    clinics = {c.pk: c for c in _instances(Clinic, "c", clinic_rows)}
    rows = _read(
        f"SELECT {service_reader.select}, t.{_qn('clinic_id')} FROM {_qn(Service._meta.db_table)} s "
        f"JOIN {_qn(through.db_table)} t ON t.{_qn('service_id')} = s.{_qn('id')} "
        f"WHERE t.{_qn('clinic_id')} IN ({_in_list(ids)}) ORDER BY s.{_qn('name')}",
        list(ids),
    )
    services: dict[int, list[Service]] = {pk: [] for pk in ids}
    for service, row in zip(_instances(Service, "s", rows), rows, strict=True):
        services[row[-1]].append(service)
    hours = hours_for(ids)
    ordered = []
    for pk in ids:
        clinic = clinics[pk]
        _attach(clinic, "services", services[pk])
        _attach(clinic, "hours", hours[pk])
        ordered.append(clinic)
    return ordered


# --- Details cached per clinic version ---------------------------------------------------------
# A clinic's card (its row, services and hours) changes only when staff edit it, and every edit
# bumps its updated_at (clinics/signals.py), so (id, updated_at) names one version of it. Cached
# per process, a few minutes at most, so a search usually needs only its box query.

DETAILS_TTL_SECONDS = 300.0
DETAILS_MAX_ENTRIES = 4096


class ClinicDetails(NamedTuple):
    clinic: Clinic  # with services and hours attached; shared by every search, so never modified
    week: Week  # its hours, ready for open-now


_details: OrderedDict[tuple[int, Any], tuple[float, ClinicDetails]] = OrderedDict()
_details_lock = threading.Lock()


def clear_details_cache() -> None:
    with _details_lock:
        _details.clear()


def details_for(rows: Sequence[BoxRow]) -> list[ClinicDetails]:
    """Full clinics with services and hours for these box rows, in order; from the cache when current."""
    now = time.monotonic()
    found: dict[int, ClinicDetails] = {}
    with _details_lock:
        for row in rows:
            entry = _details.get((row.pk, row.version))
            if entry and now - entry[0] < DETAILS_TTL_SECONDS:
                found[row.pk] = entry[1]
                _details.move_to_end((row.pk, row.version))
    missing = [row for row in rows if row.pk not in found]
    if missing:
        fetched = clinics_with_details([row.pk for row in missing])
        with _details_lock:
            for row, clinic in zip(missing, fetched, strict=True):
                details = ClinicDetails(clinic, Week.of(clinic.hours.all(), clinic.timezone))
                found[row.pk] = details
                _details[(row.pk, row.version)] = (now, details)
            while len(_details) > DETAILS_MAX_ENTRIES:
                _details.popitem(last=False)
    return [found[row.pk] for row in rows]
