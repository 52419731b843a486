"""Input and output shapes of the v1 API."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinics.hours import status_at, week_table
from clinics.models import Clinic, Service
from clinics.search import ClinicMatch


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["slug", "name", "description"]


class ServiceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["slug", "name"]


def absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


class ClinicSerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    location_approximate = serializers.BooleanField(source="location_is_approximate")
    services = ServiceRefSerializer(many=True)
    directions_url = serializers.URLField()
    url = serializers.SerializerMethodField(help_text="The clinic's page on this site.")

    class Meta:
        model = Clinic
        fields = [
            "slug",
            "name",
            "street",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "phone",
            "email",
            "latitude",
            "longitude",
            "location_approximate",
            "timezone",
            "notice",
            "services",
            "schedule_url",
            "directions_url",
            "url",
        ]

    def get_url(self, obj: Clinic) -> str:
        return absolute(self.context.get("request"), obj.get_absolute_url())


class DayHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday … 6 = Sunday")
    name = serializers.CharField()
    text = serializers.CharField(help_text='"7 AM–7 PM", or "Closed"')
    intervals = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_intervals(self, obj: Any) -> list[dict[str, str]]:
        return [{"opens": f"{a:%H:%M}", "closes": f"{b:%H:%M}"} for a, b in obj.intervals]


class ClinicDetailSerializer(ClinicSerializer):
    open_now = serializers.SerializerMethodField()
    hours_today = serializers.SerializerMethodField()
    hours = serializers.SerializerMethodField()

    class Meta(ClinicSerializer.Meta):
        fields = [*ClinicSerializer.Meta.fields, "open_now", "hours_today", "hours"]

    def get_open_now(self, obj: Clinic) -> bool:
        return status_at(obj).open_now

    def get_hours_today(self, obj: Clinic) -> str:
        return status_at(obj).hours_today

    @extend_schema_field(DayHoursSerializer(many=True))
    def get_hours(self, obj: Clinic) -> list[dict[str, Any]]:
        return DayHoursSerializer(week_table(obj), many=True).data  # type: ignore[return-value]


PAGE_SLUG_MARKER = "clinic-slug-marker"


@functools.lru_cache(maxsize=16)
def _clinic_page_path(script_prefix: str, urlconf: str | None, root_urlconf: str) -> str:
    """The clinic page's path with a marker for the slug: resolved once per prefix and URLconf, not per search."""
    return reverse("clinics:detail", args=[PAGE_SLUG_MARKER])


def clinic_page_url(request: Any) -> Callable[[str], str]:
    """slug -> the clinic page's absolute URL."""
    template = absolute(request, _clinic_page_path(get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF))
    return lambda slug: template.replace(PAGE_SLUG_MARKER, slug)


def clinic_json(clinic: Clinic, request: Any, page_url: Callable[[str], str] | None = None) -> dict[str, Any]:
    """ClinicSerializer's output, built directly: the nearest search's hot path.

    DRF's field machinery cost more than the search itself (docs/performance.md); a test
    keeps the two identical.
    """
    page_url = page_url or clinic_page_url(request)
    fields = _fixed_fields(clinic)
    # The cached services stay as they are, whatever a caller does with its answer.
    return {**fields, "services": [dict(service) for service in fields["services"]], "url": page_url(clinic.slug)}


_FIXED_FIELDS = "_api_fixed_fields"


def _fixed_fields(clinic: Clinic) -> dict[str, Any]:
    """Everything in clinic_json but the page URL, built once per clinic instance and kept on it.

    A search hands out the same cached clinic instance until the clinic is edited (an edit makes
    a new version, hence a new instance: clinics/search_sql.py), so the fields are built once per
    edit, not once per search. The instances given here are never modified afterwards.
    """
    fields = clinic.__dict__.get(_FIXED_FIELDS)
    if fields is None:
        fields = clinic.__dict__[_FIXED_FIELDS] = {
            "slug": clinic.slug,
            "name": clinic.name,
            "street": clinic.street,
            "address_line2": clinic.address_line2,
            "city": clinic.city,
            "state": clinic.state,
            "zip_code": clinic.zip_code,
            "phone": clinic.phone,
            "email": clinic.email,
            "latitude": None if clinic.latitude is None else float(clinic.latitude),
            "longitude": None if clinic.longitude is None else float(clinic.longitude),
            "location_approximate": clinic.location_is_approximate,
            "timezone": clinic.timezone,
            "notice": clinic.notice,
            "services": [{"slug": s.slug, "name": s.name} for s in clinic.services.all()],
            "schedule_url": clinic.schedule_url,
            "directions_url": clinic.directions_url,
        }
    return fields


def nearby_cards(matches: list[ClinicMatch], request: Any) -> list[dict[str, Any]]:
    """Clinics in a nearest-search answer, with distance and today's status (see NearbyClinicSchema)."""
    page_url = clinic_page_url(request)
    return [
        {
            **clinic_json(match.clinic, request, page_url),
            "distance_miles": match.distance_miles,
            "within_radius": match.within_radius,
            "open_now": match.open_now,
            "hours_today": match.hours_today,
        }
        for match in matches
    ]


class NearbyClinicSchema(ClinicSerializer):
    """Only for the OpenAPI schema: the fields nearby_cards writes."""

    distance_miles = serializers.FloatField()
    within_radius = serializers.BooleanField()
    open_now = serializers.BooleanField()
    hours_today = serializers.CharField()

    class Meta(ClinicSerializer.Meta):
        fields = [*ClinicSerializer.Meta.fields, "distance_miles", "within_radius", "open_now", "hours_today"]


class OriginSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label: DRF takes it off the class
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    precision = serializers.ChoiceField(choices=["address", "zip", "city", "point"])
    note = serializers.CharField(allow_blank=True)


class NearestResponseSchema(serializers.Serializer):
    origin = OriginSerializer()
    radius_miles = serializers.FloatField()
    any_within_radius = serializers.BooleanField()
    message = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    results = NearbyClinicSchema(many=True)
