"""Test data: clinics, services and opening hours, saved straight to the database.

Clinics are published, with a sample phone. They skip geocoding: given coordinates they count as placed by hand
(location_source "manual"); with ``latitude=None`` they are unlocated. By default a clinic offers physical therapy
and opens 8 to 5 on weekdays::

    ClinicFactory(name="Moline", latitude=41.49, longitude=-90.50)
    ClinicFactory(services=("physical-therapy", "aquatic-therapy"), hours=[(0, time(7), time(19))])
    ClinicFactory(hours=[])  # no hours listed
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

import factory
from factory.django import DjangoModelFactory

from clinics.models import Clinic, ClinicStatus, OpeningHours, Service, SpecialHours, unique_slug

WEEKDAY_HOURS = [(day, time(8), time(17)) for day in range(5)]


class ServiceFactory(DjangoModelFactory):
    """A service, found by slug if it exists already (so two clinics can share one)."""

    class Meta:
        model = Service
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda service: service.slug.replace("-", " ").title())


class ClinicFactory(DjangoModelFactory):
    class Meta:
        model = Clinic
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.LazyAttribute(lambda clinic: unique_slug(clinic.name))
    latitude = 41.5067
    longitude = -90.5151
    city = "Moline"
    state = "IL"
    zip_code = "61265"
    timezone = "America/Chicago"
    schedule_url = "https://schedule.example.com/x"
    location_source = factory.LazyAttribute(lambda clinic: "manual" if clinic.latitude is not None else "")
    phone = "309-555-0100"
    status = ClinicStatus.PUBLISHED

    @factory.post_generation
    def services(clinic: Clinic, create: bool, slugs: Iterable[str | Service] | None, **kwargs: Any) -> None:
        """Service slugs (or services); physical therapy when not given."""
        if not create:
            return
        for item in ("physical-therapy",) if slugs is None else slugs:
            clinic.services.add(item if isinstance(item, Service) else ServiceFactory(slug=item))

    @factory.post_generation
    def hours(clinic: Clinic, create: bool, rows: Iterable[tuple[int, time, time]] | None, **kwargs: Any) -> None:
        """(weekday, opens, closes) rows; 8 to 5 Monday to Friday when not given, none for ``hours=[]``."""
        if not create:
            return
        for weekday, opens, closes in WEEKDAY_HOURS if rows is None else rows:
            OpeningHoursFactory(clinic=clinic, weekday=weekday, opens=opens, closes=closes)


class OpeningHoursFactory(DjangoModelFactory):
    class Meta:
        model = OpeningHours

    clinic = factory.SubFactory(ClinicFactory, hours=[])
    weekday = 0
    opens = time(8)
    closes = time(17)


class SpecialHoursFactory(DjangoModelFactory):
    """A date closed all day by default; give ``opens`` and ``closes`` for other hours."""

    class Meta:
        model = SpecialHours

    clinic = factory.SubFactory(ClinicFactory)
    label = "Holiday"
    opens = None
    closes = None
