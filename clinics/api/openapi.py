"""The nearest search's query parameters as OpenAPI documents them: the same rules that validate them.

The numbers come from params.NUMBERS and ``q`` from the geocoder's own rule (QUERY_PATTERN). ``service``
accepts any text (an unknown or retired service is a warning, not an error), and its description names the
current catalogue. The catalogue lives in the database and staff change it in the admin, so these
parameters are built each time the schema is (NearestSearchSchema), never once when the code is imported.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework.serializers import Serializer

from clinics.geocoding import MAX_QUERY_LENGTH, QUERY_PATTERN
from clinics.models import Service
from clinics.search.params import FLAG_PATTERN, MAX_CONDITION_LENGTH, NUMBERS, Number


def _number_parameter(param: Number) -> OpenApiParameter:
    schema: dict[str, Any] = {
        "type": "integer" if param.integer else "number",
        "minimum": param.minimum,
        "maximum": param.maximum,
    }
    if param.default is not None:
        schema["default"] = param.default
    return OpenApiParameter(param.name, schema, description=param.description)


def catalogue_slugs() -> list[str] | None:
    """The current services' slugs, as the catalogue holds them now; None when there is no database to ask.

    drf-spectacular generates the schema in `manage.py check --deploy` too, which may run before the
    database can be reached (a build step); the schema then names none.
    """
    try:
        return list(Service.objects.current().order_by("slug").values_list("slug", flat=True))
    except DatabaseError:
        return None


def service_parameter() -> OpenApiParameter:
    """Any text: a slug we do not know, or a retired service's, is left out of the search with a warning.

    As the search reads them (split_slugs): several in one value separated by commas, spacing around each
    trimmed, blanks meaning any service (the page's form sends one).
    """
    slugs = catalogue_slugs()
    known = f" Services now: {', '.join(f'`{slug}`' for slug in slugs)}." if slugs else ""
    return OpenApiParameter(
        "service",
        {"type": "array", "items": {"type": "string"}},
        style="form",
        explode=True,
        description=(
            "A service's slug (see /api/v1/services/); repeatable, or several in one value separated by commas; "
            "a clinic must offer all. Blank for any service. A slug we don't know, or a retired service's, is "
            "not an error (old links keep working): the search runs without it and says so in `warnings` "
            f"(`unknown_service`, `retired_service`).{known}"
        ),
    )


def nearest_openapi_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH, "pattern": QUERY_PATTERN},
            description=(
                "ZIP code, 'City, ST' or street address: some letter or digit, and no control characters. "
                "Give q, or lat and lng; with both, the coordinates are searched from (q must still be valid). "
                "A condition named in q is read as the `condition` filter: 'pinched nerve near Moline, IL'."
            ),
        ),
        OpenApiParameter(
            "condition",
            {"type": "string", "maxLength": MAX_CONDITION_LENGTH},
            description=(
                "A condition's slug (`kind: condition` in /api/v1/suggest/, e.g. pinched-nerve): only clinics "
                "offering a service that treats it. An unknown slug is left out with a warning (the search runs)."
            ),
        ),
        *(_number_parameter(param) for param in NUMBERS),
        service_parameter(),
        OpenApiParameter(
            "open_now",
            {"type": "string", "pattern": FLAG_PATTERN, "default": "false"},
            description=(
                "Only clinics open now, in their own time zone: true or false, or as links write it "
                "(1 or 0, yes or no, on or off, t or f, y or n; any case; blank is false)."
            ),
        ),
    ]


class NearestSearchSchema(AutoSchema):
    """The nearest search's operation, with its parameters built when the schema is generated."""

    def get_override_parameters(self) -> list[OpenApiParameter | Serializer[Any] | type[Serializer[Any]]]:
        return [*super().get_override_parameters(), *nearest_openapi_parameters()]
