"""The clinics as GeoJSON, a page at a time, optionally inside a bounding box.

Shaped as OGC API - Features answers its ``/items`` (a GeoJSON FeatureCollection with ``links``,
``numberReturned``, and a ``next`` link while more features remain), with its ``bbox`` and
``limit`` parameters. The next page starts after the last feature's id (``after=<slug>``):
clinics are sent in slug order, so each page is one indexed range read, however deep, where an
offset would read and skip every clinic before it.

Each feature's properties are ``clinic_json``'s (the one list of public fields, API_CLINIC_FIELDS):
plain dicts, never a serializer per feature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from clinics.api.serializers import ClinicSerializer, clinic_json
from clinics.fields import to_coordinate
from clinics.links import public_url
from clinics.models import Clinic, Service, current_services
from clinics.search.params import Number

DEFAULT_LIMIT = 500  # the real chain (about 60 clinics) in one answer, with room to grow
MAX_LIMIT = 1000
MEDIA_TYPE = "application/geo+json"

BBOX_PARTS = (
    Number("west", False, -180, 180, None, "", "Westmost longitude."),
    Number("south", False, -90, 90, None, "", "Southmost latitude."),
    Number("east", False, -180, 180, None, "", "Eastmost longitude."),
    Number("north", False, -90, 90, None, "", "Northmost latitude."),
)
BBOX_MESSAGE = gettext_lazy(
    "Give bbox as four numbers: west,south,east,north (longitudes from -180 to 180, latitudes from -90 to 90, "
    "south not above north)."
)
LIMIT = Number(
    "limit",
    True,
    1,
    MAX_LIMIT,
    DEFAULT_LIMIT,
    format_lazy(gettext_lazy("Enter a whole number from 1 to {most}."), most=MAX_LIMIT),
    "",
)
AFTER_PATTERN = r"^[-a-zA-Z0-9_]{1,150}$"  # a clinic's slug (Clinic.slug), for OpenAPI: ECMA-262 syntax
AFTER_RE = re.compile(r"[-a-zA-Z0-9_]{1,150}")  # used with fullmatch: "$" would let a final newline through
AFTER_MESSAGE = gettext_lazy("Give after as a clinic's id (its slug), as in the next link.")


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class GeoJSONQuery:
    bbox: BBox | None
    limit: int
    after: str  # "" for the first page


def parse_bbox(raw: str) -> BBox | None:
    """west,south,east,north in plain decimal numbers, or None. West above east crosses the 180th meridian."""
    parts = raw.split(",")
    if len(parts) != len(BBOX_PARTS):
        return None
    values = [part.parse(text) for part, text in zip(BBOX_PARTS, parts, strict=True)]
    if any(value is None for value in values):
        return None
    west, south, east, north = (float(value) for value in values)  # type: ignore[arg-type]
    return BBox(west, south, east, north) if south <= north else None


def parse_geojson_query(query: Mapping[str, Any]) -> GeoJSONQuery | dict[str, list[str]]:
    """The page asked for, or a message for each bad parameter."""
    errors: dict[str, list[str]] = {}
    bbox = None
    if (raw_bbox := query.get("bbox")) is not None:
        bbox = parse_bbox(str(raw_bbox))
        if bbox is None:
            errors["bbox"] = [str(BBOX_MESSAGE)]
    limit = DEFAULT_LIMIT
    if (raw_limit := query.get("limit")) is not None:
        parsed = LIMIT.parse(str(raw_limit))
        if parsed is None:
            errors["limit"] = [str(LIMIT.message)]
        else:
            limit = int(parsed)
    after = query.get("after")
    if after is not None and not AFTER_RE.fullmatch(str(after)):
        errors["after"] = [str(AFTER_MESSAGE)]
    return errors or GeoJSONQuery(bbox, limit, str(after or ""))


def clinics_page(wanted: GeoJSONQuery) -> tuple[list[Clinic], bool]:
    """The page's clinics (located, active, in slug order) and whether more follow."""
    clinics: QuerySet[Clinic] = (
        Clinic.objects.public()
        .located()
        .prefetch_related(current_services(Service.objects.only("slug", "name")))
        .order_by("slug")
    )
    if (box := wanted.bbox) is not None:
        clinics = clinics.filter(latitude__gte=to_coordinate(box.south), latitude__lte=to_coordinate(box.north))
        west, east = to_coordinate(box.west), to_coordinate(box.east)
        if box.west <= box.east:
            clinics = clinics.filter(longitude__gte=west, longitude__lte=east)
        else:  # across the 180th meridian
            clinics = clinics.filter(Q(longitude__gte=west) | Q(longitude__lte=east))
    if wanted.after:
        clinics = clinics.filter(slug__gt=wanted.after)
    found = list(clinics[: wanted.limit + 1])  # one more than the page: is there a next one?
    return found[: wanted.limit], len(found) > wanted.limit


def _page_url(request: Any, after: str) -> str:
    """This answer's address on the site's public address, starting after ``after`` (the first page for "")."""
    query = request.query_params.copy()  # the client's own parameters, as it wrote them
    query.pop("after", None)
    if after:
        query["after"] = after
    path = request.path if not query else f"{request.path}?{query.urlencode(safe=',')}"
    return public_url(request, path)


def feature_collection(request: Any, wanted: GeoJSONQuery) -> dict[str, Any]:
    """One page of features, with a ``self`` link and, while more remain, a ``next`` link (absolute URLs)."""
    clinics, more = clinics_page(wanted)
    features = [
        {
            "type": "Feature",
            "id": clinic.slug,
            "geometry": {"type": "Point", "coordinates": [float(clinic.longitude), float(clinic.latitude)]},  # type: ignore[arg-type]
            "properties": clinic_json(clinic, request),
        }
        for clinic in clinics
    ]
    links = [{"rel": "self", "type": MEDIA_TYPE, "title": "This page", "href": _page_url(request, wanted.after)}]
    if more:
        links.append(
            {
                "rel": "next",
                "type": MEDIA_TYPE,
                "title": "Next page",
                "href": _page_url(request, clinics[-1].slug),
            }
        )
    return {"type": "FeatureCollection", "features": features, "links": links, "numberReturned": len(features)}


# --- OpenAPI -------------------------------------------------------------------------------------


def geojson_openapi_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "bbox",
            {
                "type": "array",
                "items": {"type": "number", "minimum": -180, "maximum": 180},
                "minItems": 4,
                "maxItems": 4,
            },
            style="form",
            explode=False,
            description=(
                "Only clinics inside this box: west,south,east,north in degrees (longitude, latitude, WGS 84), "
                "as in OGC API - Features. Latitudes from -90 to 90, south not above north; west above east "
                "crosses the 180th meridian."
            ),
        ),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            description="Most features in one answer; follow the `next` link for the rest.",
        ),
        OpenApiParameter(
            "after",
            {"type": "string", "pattern": AFTER_PATTERN},
            description="Start after the clinic with this id. Written into the `next` link; follow that link.",
        ),
    ]


FEATURE_COLLECTION_SCHEMA = inline_serializer(
    "ClinicFeatureCollection",
    {
        "type": serializers.ChoiceField(choices=["FeatureCollection"]),
        "features": inline_serializer(
            "ClinicFeature",
            {
                "type": serializers.ChoiceField(choices=["Feature"]),
                "id": serializers.CharField(help_text="The clinic's slug."),
                "geometry": inline_serializer(
                    "Point",
                    {
                        "type": serializers.ChoiceField(choices=["Point"]),
                        "coordinates": serializers.ListField(
                            child=serializers.FloatField(),
                            min_length=2,
                            max_length=2,
                            help_text="[longitude, latitude]",
                        ),
                    },
                ),
                "properties": ClinicSerializer(),
            },
            many=True,
        ),
        "links": inline_serializer(
            "Link",
            {
                "rel": serializers.ChoiceField(choices=["self", "next"]),
                "type": serializers.CharField(),
                "title": serializers.CharField(),
                "href": serializers.URLField(),
            },
            many=True,
        ),
        "numberReturned": serializers.IntegerField(min_value=0),
    },
)
