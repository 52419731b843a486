"""The search's one hand-written query: public clinics inside a latitude/longitude box.

The ORM cannot say ``point <@ box`` without PostGIS, and building this query through it
measured several times slower than running it (docs/performance.md), while a search may run
it more than once. So it is SQL, in this one function, reached as ``Clinic.objects.in_box``.
It returns plain rows: only what ranking needs; full clinics come from ``details``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from clinics.fields import to_coordinate
from clinics.search.geometry import BoundingBox

# Widens the box by a little more than the columns' rounding (6 decimals), so rounding never
# drops a clinic on its edge; the exact distance check comes after anyway.
BOX_PAD_DEGREES = 2e-6


class BoxRow(NamedTuple):
    """One clinic inside a search box (a tuple: one is built for every row in the box)."""

    pk: int
    latitude: float
    longitude: float
    name: str
    version: str  # the row's updated_at as text: the key of its cached details (search/details.py)


def searched_statuses() -> tuple[str, str]:
    """The statuses the nearest search finds: published, and temporarily closed unless settings leave them out.

    Always two values, so the query has one shape either way.
    """
    from clinics.models import ClinicStatus

    closed = ClinicStatus.TEMPORARILY_CLOSED if settings.SEARCH_SHOWS_TEMPORARILY_CLOSED else ClinicStatus.PUBLISHED
    return (ClinicStatus.PUBLISHED.value, closed.value)


def box_rows(
    db: BaseDatabaseWrapper, box: BoundingBox, services: Sequence[str], any_services: Sequence[str] = ()
) -> list[BoxRow]:
    """Public clinics inside ``box`` that offer every one of ``services`` and, if given, one of ``any_services``
    (slugs; see ``searched_statuses``).

    PostgreSQL answers from the GiST index on point(longitude, latitude) (migration 0002);
    other databases from the latitude/longitude B-tree.
    """
    slugs = list(dict.fromkeys(services))
    any_slugs = list(dict.fromkeys(any_services))
    min_lat, max_lat = box.min_lat - BOX_PAD_DEGREES, box.max_lat + BOX_PAD_DEGREES
    ranges = [(low - BOX_PAD_DEGREES, high + BOX_PAD_DEGREES) for low, high in box.lon_ranges]
    params: list[Any] = list(searched_statuses())
    if db.vendor == "postgresql":
        for low, high in ranges:
            params += [low, min_lat, high, max_lat]
    else:
        params += [to_coordinate(min_lat), to_coordinate(max_lat)]
        for low, high in ranges:
            params += [to_coordinate(low), to_coordinate(high)]
    params += slugs + any_slugs
    with db.cursor() as cursor:
        cursor.execute(_box_sql(db, len(ranges), len(slugs), len(any_slugs)), params)
        return list(map(BoxRow._make, cursor.fetchall()))


_sql_by_shape: dict[tuple[str, int, int, int], str] = {}


def _box_sql(db: BaseDatabaseWrapper, range_count: int, service_count: int, any_count: int = 0) -> str:
    """The query's text, which depends only on its shape: built once per shape, not per search."""
    key = (db.vendor, range_count, service_count, any_count)
    if key not in _sql_by_shape:
        _sql_by_shape[key] = _build_box_sql(db.vendor, db.ops.quote_name, range_count, service_count, any_count)
    return _sql_by_shape[key]


def _build_box_sql(
    vendor: str, qn: Callable[[str], str], range_count: int, service_count: int, any_count: int = 0
) -> str:
    from clinics.models import Clinic, Service  # the models reach this module through Clinic.objects.in_box

    through = Clinic.services.through._meta
    lat, lng = qn("latitude"), qn("longitude")  # the columns are named as the fields
    if vendor == "postgresql":
        # Must match the indexed expression in migration 0002 exactly.
        point = f"point(c.{lng}::float8, c.{lat}::float8)"
        box_sql = " OR ".join([f"{point} <@ box(point(%s, %s), point(%s, %s))"] * range_count)
    else:
        lon_sql = " OR ".join([f"c.{lng} BETWEEN %s AND %s"] * range_count)
        box_sql = f"c.{lat} BETWEEN %s AND %s AND ({lon_sql})"
    sql = (
        # Floats and text come back as they are; Decimals and datetimes would be parsed for nothing.
        f"SELECT c.{qn('id')}, CAST(c.{lat} AS DOUBLE PRECISION), CAST(c.{lng} AS DOUBLE PRECISION), "
        f"c.{qn('name')}, CAST(c.{qn('updated_at')} AS TEXT) "
        f"FROM {qn(Clinic._meta.db_table)} c "
        f"WHERE c.{qn('status')} IN (%s, %s) AND ({box_sql})"
    )
    offering = (
        f" AND c.{qn('id')} IN (SELECT t.{qn('clinic_id')} FROM {qn(through.db_table)} t"
        f" JOIN {qn(Service._meta.db_table)} s ON s.{qn('id')} = t.{qn('service_id')}"
        f" WHERE s.{qn('slug')} %s)"
    )
    sql += "".join(offering % "= %s" for _ in range(service_count))
    if any_count:
        sql += offering % f"IN ({', '.join(['%s'] * any_count)})"
    return sql
