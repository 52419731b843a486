from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from typing import Any

import pytest
from django.core.cache import cache

from clinics.models import Clinic, OpeningHours, Service, unique_slug
from clinics.search import details
from clinics.search.nearest import directory
from tests.fakes import FakeGeocoder


@pytest.fixture(autouse=True)
def _fresh_cache_and_geocoder(settings: Any) -> Iterator[None]:
    """Each test starts with an empty cache (geocoder answers, throttles) and no online geocoder."""
    cache.clear()
    details.cache.clear()
    directory.forget()
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": ""}
    FakeGeocoder.reset()
    yield
    cache.clear()


@pytest.fixture
def fake_geocoder(settings: Any) -> type[FakeGeocoder]:
    """Street addresses go to FakeGeocoder, with no rate-limit delay."""
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": "tests.fakes.FakeGeocoder", "MIN_DELAY_SECONDS": 0}
    return FakeGeocoder


@pytest.fixture
def demo_data(db: None) -> None:
    from clinics.demo_data import load_demo_data

    load_demo_data()


WEEKDAY_HOURS = [(day, time(8), time(17)) for day in range(5)]


def make_clinic(
    name: str,
    latitude: float | None,
    longitude: float | None,
    *,
    services: tuple[str, ...] = ("physical-therapy",),
    hours: list[tuple[int, time, time]] | None = None,
    **fields: Any,
) -> Clinic:
    """A clinic saved straight to the database (no geocoding), with services and hours."""
    defaults: dict[str, Any] = {
        "city": "Moline",
        "state": "IL",
        "zip_code": "61265",
        "timezone": "America/Chicago",
        "schedule_url": "https://schedule.example.com/x",
        "location_source": "manual" if latitude is not None else "",
    }
    defaults.update(fields)
    defaults.setdefault("slug", unique_slug(name))
    clinic = Clinic.objects.create(name=name, latitude=latitude, longitude=longitude, **defaults)
    for slug in services:
        service, _ = Service.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})
        clinic.services.add(service)
    for weekday, opens, closes in WEEKDAY_HOURS if hours is None else hours:
        OpeningHours.objects.create(clinic=clinic, weekday=weekday, opens=opens, closes=closes)
    return clinic
