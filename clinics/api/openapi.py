"""The nearest search's query parameters as OpenAPI documents them: the same table that validates them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from clinics.geocoding import MAX_QUERY_LENGTH
from clinics.search.params import NUMBERS, Number


def _number_parameter(param: Number) -> OpenApiParameter:
    schema: dict[str, Any] = {
        "type": "integer" if param.integer else "number",
        "minimum": param.minimum,
        "maximum": param.maximum,
    }
    if param.default is not None:
        schema["default"] = param.default
    return OpenApiParameter(param.name, schema, description=param.description)


def nearest_openapi_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\u0000]*$"},
            description="ZIP code, 'City, ST' or street address.",
        ),
        *(_number_parameter(param) for param in NUMBERS),
        OpenApiParameter(
            "service",
            OpenApiTypes.STR,
            many=True,
            explode=True,
            description="Service slug (see /api/v1/services/); repeatable; a clinic must offer all.",
        ),
        OpenApiParameter("open_now", OpenApiTypes.BOOL, description="Only clinics open now, in their own time zone."),
    ]
