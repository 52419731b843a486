from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from clinics.geocoding import reset_online_geocoder
from clinics.search_sql import clear_details_cache
from tests.fakes import FakeGeocoder


@pytest.fixture(autouse=True)
def _fresh_cache_and_geocoder(settings: Any) -> Iterator[None]:
    """Each test starts with an empty cache (geocoder answers, throttles) and no online geocoder."""
    cache.clear()
    clear_details_cache()
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": ""}
    reset_online_geocoder()
    FakeGeocoder.reset()
    yield
    reset_online_geocoder()
    cache.clear()


@pytest.fixture
def fake_geocoder(settings: Any) -> type[FakeGeocoder]:
    """Street addresses go to FakeGeocoder, with no rate-limit delay."""
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": "tests.fakes.FakeGeocoder", "MIN_DELAY_SECONDS": 0}
    reset_online_geocoder()
    return FakeGeocoder


@pytest.fixture
def demo_data(db: None) -> None:
    from clinics.demo_data import load_demo_data

    load_demo_data()
