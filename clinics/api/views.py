"""The v1 API: thin views over the search (clinics/search/) and the Clinic queryset."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinics.api import geojson
from clinics.api.errors import GeocodeError
from clinics.api.filters import ClinicFilter
from clinics.api.openapi import NearestSearchSchema
from clinics.api.renderers import GeoJSONRenderer
from clinics.api.serializers import (
    ClinicDetailSerializer,
    ClinicSerializer,
    NearestResponseSchema,
    ServiceSerializer,
    nearby_cards,
)
from clinics.geocoding import GeocodeFailure
from clinics.health import RETRY_AFTER_SECONDS, readiness
from clinics.models import Clinic, Service
from clinics.search.nearby import search_nearby
from clinics.search.params import InvalidSearch, parse_search
from clinics.suggest import LIMIT, suggest
from clinics.throttling import AnonThrottle, SearchThrottle
from demand.recording import record_search

ERROR_SCHEMA = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()), required=False
                ),
            },
        )
    },
)


@extend_schema(
    tags=["clinics"],
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": 100, "pattern": "^[^\\u0000]*$"},
            description="Text in the name, city or ZIP code.",
        )
    ],
    responses={
        200: ClinicSerializer(many=True),
        400: ERROR_SCHEMA,
        404: OpenApiResponse(ERROR_SCHEMA, description="No such page."),
    },
)
class ClinicListView(generics.ListAPIView):
    """Active clinics, ordered by state, city and name."""

    serializer_class = ClinicSerializer
    filterset_class = ClinicFilter
    throttle_classes = [AnonThrottle]

    def get_queryset(self) -> QuerySet[Clinic]:
        # Not with_details(): the list shows no hours. Not distinct(): the one join (the service filter, one
        # slug) matches a clinic at most once, and DISTINCT over every column made each page, and its count,
        # sort the whole directory (150 ms at 100,000 clinics).
        return Clinic.objects.public().with_current_services()


@extend_schema(
    tags=["clinics"],
    parameters=[
        OpenApiParameter(
            "slug",
            {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "not": {"enum": ["nearest"]}},
            OpenApiParameter.PATH,
            description="The clinic's slug, as in its page's address.",
        )
    ],
    responses={
        200: ClinicDetailSerializer,
        400: OpenApiResponse(ERROR_SCHEMA, description="“nearest” is the search (see below), never a clinic."),
        404: ERROR_SCHEMA,
    },
)
class ClinicDetailView(generics.RetrieveAPIView):
    """One active clinic, with its week of opening hours."""

    serializer_class = ClinicDetailSerializer
    lookup_field = "slug"
    throttle_classes = [AnonThrottle]

    def get_queryset(self) -> QuerySet[Clinic]:
        return Clinic.objects.with_details()


@extend_schema(tags=["services"], responses={200: ServiceSerializer(many=True)})
class ServiceListView(generics.ListAPIView):
    """The services some clinic offers now (none retired); use a slug as the `service` filter."""

    serializer_class = ServiceSerializer
    queryset = Service.objects.offered()
    pagination_class = None
    throttle_classes = [AnonThrottle]


@extend_schema(
    tags=["search"],
    summary="Nearest clinics to a place or a point",
    description=(
        "Give `q` (a ZIP code, 'City, ST' or an address) or `lat` and `lng`. Results are nearest first. "
        "When no clinic lies within `radius`, the nearest few are returned with `within_radius: false`. "
        "A `q` that names no place we can find is a 404, not an empty answer."
    ),
    responses={
        200: NearestResponseSchema,
        400: OpenApiResponse(
            ERROR_SCHEMA,
            description=(
                "An invalid parameter (`invalid_parameters`, or for `q` `empty_query`, `query_too_long` or "
                "`invalid_query`); also when neither `q` nor both `lat` and `lng` are given."
            ),
        ),
        404: OpenApiResponse(
            ERROR_SCHEMA,
            description=(
                "No place found for `q` (`not_found`: none by that name, or a city in several states without "
                "one), or `q` is a street address and none can be looked up now (`address_lookup_unavailable`)."
            ),
        ),
        429: OpenApiResponse(ERROR_SCHEMA, description="Too many searches."),
        503: OpenApiResponse(ERROR_SCHEMA, description="The address geocoder is unavailable."),
    },
)
class NearestClinicsView(APIView):
    throttle_classes = [SearchThrottle]
    schema = NearestSearchSchema()  # its parameters list the service catalogue as it is when the schema is built

    def get(self, request: Request) -> Response:
        params = parse_search(request.query_params)
        if isinstance(params, InvalidSearch):
            raise ValidationError(params.errors)
        found = search_nearby(params)
        if isinstance(found, GeocodeFailure):
            raise GeocodeError(found)
        record_search(found, condition=params.condition.slug if params.condition else "")
        origin = found.origin
        return Response(
            {
                # Shaped as OriginSerializer documents it, without building one per request.
                "origin": {
                    "label": origin.label,
                    "latitude": origin.latitude,
                    "longitude": origin.longitude,
                    "precision": str(origin.precision),
                    "note": origin.note,
                },
                "condition": (
                    {
                        "slug": params.condition.slug,
                        "name": params.condition.name,
                        "heading": params.condition.treated,
                        "services": list(params.condition.services),
                    }
                    if params.condition
                    else None
                ),
                "radius_miles": params.radius_miles,
                "any_within_radius": found.result.any_within_radius,
                "outside_service_area": found.outside_service_area,
                "message": found.message,
                "count": len(found.result.matches),
                "results": nearby_cards(found.result.matches, request),
                "warnings": [{"code": note.code, "message": note.message} for note in params.notes],
            }
        )


@extend_schema(
    tags=["clinics"],
    summary="Active clinics as GeoJSON, a page at a time",
    description=(
        "A GeoJSON FeatureCollection of the active clinics that have a location, in the style of OGC API - "
        "Features: optionally only those inside `bbox`, at most `limit` to an answer, and a link with "
        '`"rel": "next"` in `links` while more remain. Without parameters the first page holds up to '
        f"{geojson.DEFAULT_LIMIT} clinics."
    ),
    parameters=geojson.geojson_openapi_parameters(),
    responses={
        (200, geojson.MEDIA_TYPE): geojson.FEATURE_COLLECTION_SCHEMA,
        (400, geojson.MEDIA_TYPE): OpenApiResponse(ERROR_SCHEMA, description="A bad bbox, limit or after."),
        (429, geojson.MEDIA_TYPE): OpenApiResponse(ERROR_SCHEMA, description="Too many requests."),
    },
)
class ClinicGeoJSONView(APIView):
    throttle_classes = [AnonThrottle]
    renderer_classes = [GeoJSONRenderer]

    def get(self, request: Request) -> Response:
        wanted = geojson.parse_geojson_query(request.query_params)
        if isinstance(wanted, dict):
            raise ValidationError(wanted)
        return Response(geojson.feature_collection(request, wanted))


@extend_schema(
    tags=["meta"],
    summary="Readiness: the database and the shared cache",
    description=(
        '200 with `status` "ok", or "degraded" when the shared cache is down (searches still answer); '
        '503 with `status` "unavailable" when the database cannot be reached. `failed` names what failed.'
    ),
    responses={
        200: inline_serializer(
            "Health",
            {
                "status": serializers.ChoiceField(["ok", "degraded", "unavailable"]),
                "failed": serializers.ListField(child=serializers.CharField()),
                "checks": serializers.DictField(child=serializers.DictField()),
            },
        ),
        503: OpenApiResponse(description="The database cannot be reached (same shape as 200)."),
    },
)
class HealthView(APIView):
    """The readiness check (clinics/health.py) for clients of the API; /health/live/ is the liveness check."""

    def get(self, request: Request) -> Response:
        body, code = readiness()
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if code == 503 else None
        return Response(body, status=code, headers=headers)


SUGGESTION_SCHEMA = inline_serializer(
    "Suggestions",
    {
        "query": serializers.CharField(),
        "count": serializers.IntegerField(),
        "results": inline_serializer(
            "Suggestion",
            {
                "kind": serializers.ChoiceField(["zip", "city", "condition"]),
                "label": serializers.CharField(help_text="What to show: “61265 · Moline, IL”."),
                "value": serializers.CharField(help_text="What to put in the search box (`q`): “61265”."),
                "slug": serializers.CharField(help_text="A condition's slug (its `condition` filter); else empty."),
            },
            many=True,
        ),
    },
)


@extend_schema(
    tags=["search"],
    summary="Suggestions as a visitor types",
    description=(
        "ZIP codes for digits; conditions and then cities for words, Iowa, Illinois and Nebraska first. "
        f"At most {LIMIT}. From offline data only: no geocoder is asked. An empty `q` gets no suggestions."
    ),
    parameters=[OpenApiParameter("q", str, description="What the visitor has typed so far (none: no suggestions).")],
    responses={200: SUGGESTION_SCHEMA},
)
class SuggestView(APIView):
    throttle_classes = [AnonThrottle]

    def get(self, request: Request) -> Response:
        text = request.query_params.get("q", "")
        found = suggest(text)
        return Response(
            {
                "query": text[:100],
                "count": len(found),
                "results": [
                    {"kind": item.kind, "label": item.label, "value": item.value, "slug": item.slug} for item in found
                ],
            }
        )
