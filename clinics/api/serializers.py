"""Input and output shapes of the v1 API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinics.hours import status_at, week_table
from clinics.models import Clinic, Service
from clinics.search import DEFAULT_LIMIT, DEFAULT_RADIUS_MILES, MAX_LIMIT, MAX_RADIUS_MILES, ClinicMatch


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


class NearbyClinicSerializer(serializers.Serializer):
    """A clinic in a nearest-search answer, with its distance and today's status."""

    def to_representation(self, match: ClinicMatch) -> dict[str, Any]:
        data = ClinicSerializer(match.clinic, context=self.context).data
        data.update(
            distance_miles=match.distance_miles,
            within_radius=match.within_radius,
            open_now=match.open_now,
            hours_today=match.hours_today,
        )
        return data


class NearbyClinicSchema(ClinicSerializer):
    """Only for the OpenAPI schema: the fields NearbyClinicSerializer writes."""

    distance_miles = serializers.FloatField()
    within_radius = serializers.BooleanField()
    open_now = serializers.BooleanField()
    hours_today = serializers.CharField()

    class Meta(ClinicSerializer.Meta):
        fields = [*ClinicSerializer.Meta.fields, "distance_miles", "within_radius", "open_now", "hours_today"]


class OriginSerializer(serializers.Serializer):
    label = serializers.CharField()
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


class NearestQuerySerializer(serializers.Serializer):
    """The nearest search's query string: a place (q) or coordinates (lat and lng), and filters."""

    q = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="ZIP code, city and state, or address."
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, min_value=-180, max_value=180)
    radius = serializers.FloatField(
        required=False, default=DEFAULT_RADIUS_MILES, min_value=0.1, max_value=MAX_RADIUS_MILES, help_text="Miles."
    )
    service = serializers.ListField(
        child=serializers.SlugField(), required=False, default=list, help_text="Service slug; repeatable."
    )
    open_now = serializers.BooleanField(required=False, default=False)
    limit = serializers.IntegerField(required=False, default=DEFAULT_LIMIT, min_value=1, max_value=MAX_LIMIT)

    def validate_service(self, value: list[str]) -> list[str]:
        known = set(Service.objects.filter(slug__in=value).values_list("slug", flat=True))
        unknown = [slug for slug in value if slug not in known]
        if unknown:
            raise serializers.ValidationError(f"Unknown service: {', '.join(unknown)}. See /api/v1/services/.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_lat, has_lng = "lat" in attrs, "lng" in attrs
        if has_lat != has_lng:
            missing = "lng" if has_lat else "lat"
            raise serializers.ValidationError({missing: ["Give both lat and lng, or neither."]})
        if not has_lat and not attrs.get("q", "").strip():
            raise serializers.ValidationError({"q": ["Give a ZIP code, city or address (q), or lat and lng."]})
        return attrs
