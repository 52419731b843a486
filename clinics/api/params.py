"""The nearest search's query parameters: one table that both parses requests and documents them.

A DRF serializer did this before, but building one per request cost about as much as the
search itself (docs/performance.md). Messages match DRF's wording, so every 400 reads alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from clinics.nearby import SearchParams, parse_flag, split_slugs, unknown_services
from clinics.search import DEFAULT_LIMIT, DEFAULT_RADIUS_MILES, MAX_LIMIT, MAX_RADIUS_MILES

MAX_NUMBER_LENGTH = 50


@dataclass(frozen=True)
class Number:
    name: str
    integer: bool
    minimum: float
    maximum: float
    default: float | None
    description: str

    def parse(self, raw: str) -> float | int:
        raw = raw.strip()
        try:
            if len(raw) > MAX_NUMBER_LENGTH:
                raise ValueError
            value: float | int = int(raw) if self.integer else float(raw)
        except ValueError:
            raise ParamError(
                "A valid integer is required." if self.integer else "A valid number is required."
            ) from None
        if not math.isfinite(value):
            raise ParamError("A valid number is required.")
        if value < self.minimum:
            raise ParamError(f"Ensure this value is greater than or equal to {self.minimum:g}.")
        if value > self.maximum:
            raise ParamError(f"Ensure this value is less than or equal to {self.maximum:g}.")
        return value

    def openapi(self) -> OpenApiParameter:
        schema: dict[str, Any] = {
            "type": "integer" if self.integer else "number",
            "minimum": self.minimum,
            "maximum": self.maximum,
        }
        if self.default is not None:
            schema["default"] = self.default
        return OpenApiParameter(self.name, schema, description=self.description)


class ParamError(ValueError):
    pass


NUMBERS = [
    Number("lat", False, -90, 90, None, "Latitude of the origin, with lng (instead of q)."),
    Number("lng", False, -180, 180, None, "Longitude of the origin, with lat."),
    Number("radius", False, 0.1, MAX_RADIUS_MILES, DEFAULT_RADIUS_MILES, "Search radius in miles."),
    Number("limit", True, 1, MAX_LIMIT, DEFAULT_LIMIT, "Most clinics to return."),
]


def parse_nearest(query: QueryDict | Mapping[str, Any]) -> SearchParams | dict[str, list[str]]:
    """The parameters, or a message for each bad one."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for param in NUMBERS:
        raw = query.get(param.name)
        if raw is None:
            values[param.name] = param.default
            continue
        try:
            values[param.name] = param.parse(raw)
        except ParamError as exc:
            errors[param.name] = [str(exc)]

    q = query.get("q")
    if q is not None and "\x00" in q:
        errors["q"] = ["Null characters are not allowed."]

    open_now = parse_flag(query.get("open_now"))
    if open_now is None:
        errors["open_now"] = ["Must be a valid boolean."]

    raw_services = query.getlist("service") if isinstance(query, QueryDict) else query.get("service", [])
    services = split_slugs(raw_services)
    unknown = unknown_services(services)
    if unknown:
        shown = ", ".join(slug[:40] for slug in unknown)
        errors["service"] = [f"Unknown service: {shown}. See /api/v1/services/."]

    has_lat = values.get("lat") is not None or "lat" in errors
    has_lng = values.get("lng") is not None or "lng" in errors
    if has_lat != has_lng:
        errors["lng" if has_lat else "lat"] = ["Give both lat and lng, or neither."]
    elif not has_lat and not (q or "").strip() and "q" not in errors:
        errors["q"] = ["Give a ZIP code, city or address (q), or lat and lng."]

    if errors:
        return errors
    return SearchParams(
        text=q or "",
        latitude=values["lat"],
        longitude=values["lng"],
        radius_miles=float(values["radius"]),
        services=services,
        open_now=bool(open_now),
        limit=int(values["limit"]),
    )


def nearest_openapi_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("q", OpenApiTypes.STR, description="ZIP code, 'City, ST' or street address."),
        *(param.openapi() for param in NUMBERS),
        OpenApiParameter(
            "service",
            OpenApiTypes.STR,
            many=True,
            explode=True,
            description="Service slug (see /api/v1/services/); repeatable; a clinic must offer all.",
        ),
        OpenApiParameter("open_now", OpenApiTypes.BOOL, description="Only clinics open now, in their own time zone."),
    ]
