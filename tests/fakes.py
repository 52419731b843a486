"""A geopy-compatible geocoder for tests, injected through settings.GEOCODER["SERVICE"]."""

from __future__ import annotations

from typing import Any, ClassVar

from geopy.location import Location
from geopy.point import Point


class FakeGeocoder:
    """Answers from ``answers`` (query -> (lat, lng, address) or None), or raises ``fault``."""

    answers: ClassVar[dict[str, tuple[float, float, str] | None]] = {}
    fault: ClassVar[Exception | None] = None
    calls: ClassVar[list[str]] = []
    options: ClassVar[dict[str, Any]] = {}

    def __init__(self, **options: Any) -> None:
        type(self).options = options

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: float | None = None, country_codes: str | None = None
    ) -> Location | None:
        """The signature of a real service (Nominatim's subset): an unknown option is a TypeError, as there."""
        type(self).calls.append(query)
        if type(self).fault is not None:
            raise type(self).fault
        answer = type(self).answers.get(query)
        if answer is None:
            return None
        lat, lng, address = answer
        return Location(address, Point(lat, lng), {"query": query})

    @classmethod
    def reset(cls) -> None:
        cls.answers = {}
        cls.fault = None
        cls.calls = []
        cls.options = {}
