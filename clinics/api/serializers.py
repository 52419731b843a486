"""Input and output shapes of the v1 API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinics.hours import Week, status_at, week_table
from clinics.links import public_url
from clinics.models import CONTACT_FIELDS, PUBLIC_STATUSES, Clinic, Service
from clinics.search.ranking import ClinicMatch


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["slug", "name", "description"]


class ServiceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["slug", "name"]


# A clinic in every API answer that shows one (list, detail, nearest search, GeoJSON properties).
# Beside the address and contact fields that spreadsheets share (models.CONTACT_FIELDS): whether
# the location is approximate (not where it came from), and links; never what only staff see.
API_CLINIC_FIELDS = [
    *CONTACT_FIELDS,
    "latitude",
    "longitude",
    "location_approximate",
    "timezone",
    "status",
    "closure_reason",
    "reopens_on",
    "notice",
    "services",
    "schedule_url",
    "directions_url",
    "url",
]


class ClinicSerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    location_approximate = serializers.BooleanField(source="location_is_approximate")
    services = ServiceRefSerializer(many=True)
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in PUBLIC_STATUSES],
        help_text="“temporarily_closed”: closed until further notice (see closure_reason and reopens_on); never open "
        "now, and no schedule_url.",
    )
    closure_reason = serializers.CharField(help_text="Why a temporarily closed clinic is closed; empty otherwise.")
    reopens_on = serializers.DateField(
        allow_null=True, help_text="When a temporarily closed clinic expects to reopen, if known."
    )
    schedule_url = serializers.CharField(
        source="bookable_schedule_url", help_text="Where to book online; empty while the clinic is temporarily closed."
    )
    directions_url = serializers.URLField()
    url = serializers.SerializerMethodField(help_text="The clinic's page on this site.")

    class Meta:
        model = Clinic
        fields = API_CLINIC_FIELDS

    def get_url(self, obj: Clinic) -> str:
        return public_url(self.context.get("request"), obj.get_absolute_url())


class DayHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday … 6 = Sunday")
    name = serializers.CharField(source="label", help_text='"Monday" ("Lunes" with lang=es)')
    text = serializers.CharField(help_text='"7 AM–7 PM", or "Closed" ("7 a. m.–7 p. m.", "Cerrado" with lang=es)')
    intervals = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_intervals(self, obj: Any) -> list[dict[str, str]]:
        return [{"opens": f"{a:%H:%M}", "closes": f"{b:%H:%M}"} for a, b in obj.intervals]


class SpecialDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField(help_text="“Thanksgiving”")  # type: ignore[assignment]  # a field, as OriginSerializer's
    closed = serializers.BooleanField()
    text = serializers.CharField(help_text='"9 AM–1 PM", or "Closed"')


class ClinicDetailSerializer(ClinicSerializer):
    open_now = serializers.SerializerMethodField()
    hours_today = serializers.SerializerMethodField()
    hours = serializers.SerializerMethodField()
    special_hours = serializers.SerializerMethodField(
        help_text="Dates in the next 60 days with other hours than the week's, or closed (holidays), soonest first; "
        "open_now and hours_today already follow them."
    )

    class Meta(ClinicSerializer.Meta):
        fields = [*API_CLINIC_FIELDS, "open_now", "hours_today", "hours", "special_hours"]

    def get_open_now(self, obj: Clinic) -> bool:
        return status_at(obj).open_now

    def get_hours_today(self, obj: Clinic) -> str:
        return status_at(obj).hours_today

    @extend_schema_field(DayHoursSerializer(many=True))
    def get_hours(self, obj: Clinic) -> list[dict[str, Any]]:
        return DayHoursSerializer(week_table(obj), many=True).data  # type: ignore[return-value]

    @extend_schema_field(SpecialDaySerializer(many=True))
    def get_special_hours(self, obj: Clinic) -> list[dict[str, Any]]:
        return SpecialDaySerializer(Week.for_clinic(obj).upcoming(), many=True).data  # type: ignore[return-value]


def _coordinate(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


# How clinic_json computes the API fields that are not stored as they are shown.
_COMPUTED: dict[str, Callable[[Clinic], Any]] = {
    "latitude": lambda clinic: _coordinate(clinic.latitude),
    "longitude": lambda clinic: _coordinate(clinic.longitude),
    "location_approximate": lambda clinic: clinic.location_is_approximate,
    # Prefetched without retired services (models.current_services): the clinic keeps them, visitors never see them.
    "services": lambda clinic: [{"slug": s.slug, "name": s.name} for s in clinic.services.all()],
    "reopens_on": lambda clinic: clinic.reopens_on.isoformat() if clinic.reopens_on else None,
    "schedule_url": lambda clinic: clinic.bookable_schedule_url,
}


_STORED = [name for name in API_CLINIC_FIELDS if name != "url"]


def clinic_json(clinic: Clinic, request: Any) -> dict[str, Any]:
    """ClinicSerializer's output, built directly for the nearest search's answers.

    DRF's field machinery costs more than the search itself (docs/performance.md); the fields
    are the same list (API_CLINIC_FIELDS), and a test keeps the two outputs identical.
    """
    out = {name: _COMPUTED[name](clinic) if name in _COMPUTED else getattr(clinic, name) for name in _STORED}
    out["url"] = public_url(request, clinic.get_absolute_url())
    return out


def nearby_cards(matches: list[ClinicMatch], request: Any) -> list[dict[str, Any]]:
    """Clinics in a nearest-search answer, with distance and today's status (see NearbyClinicSchema)."""
    return [
        {
            **clinic_json(match.clinic, request),
            "distance_miles": match.distance_miles,
            "within_radius": match.within_radius,
            "open_now": match.open_now,
            "hours_today": match.hours_today,
            "opens_next": match.opens_next,
        }
        for match in matches
    ]


class NearbyClinicSchema(ClinicSerializer):
    """Only for the OpenAPI schema: the fields nearby_cards writes."""

    distance_miles = serializers.FloatField()
    within_radius = serializers.BooleanField()
    open_now = serializers.BooleanField()
    hours_today = serializers.CharField()
    opens_next = serializers.CharField(help_text="While closed: when it opens next, worded for people; else empty.")

    class Meta(ClinicSerializer.Meta):
        fields = [*API_CLINIC_FIELDS, "distance_miles", "within_radius", "open_now", "hours_today", "opens_next"]


class OriginSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label: DRF takes it off the class
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    precision = serializers.ChoiceField(choices=["address", "zip", "city", "point"])
    note = serializers.CharField(allow_blank=True)


class SearchWarningSchema(serializers.Serializer):
    code = serializers.ChoiceField(["unknown_service", "retired_service", "unknown_condition"])
    message = serializers.CharField()


class SearchConditionSchema(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    heading = serializers.CharField(help_text="“Clinics that treat a pinched nerve”.")
    services = serializers.ListField(child=serializers.CharField(), help_text="The services (slugs) that treat it.")


class NearestResponseSchema(serializers.Serializer):
    origin = OriginSerializer()
    condition = SearchConditionSchema(
        allow_null=True, help_text="The condition searched for (the `condition` parameter, or named in `q`)."
    )
    radius_miles = serializers.FloatField()
    any_within_radius = serializers.BooleanField()
    outside_service_area = serializers.BooleanField(
        help_text="The nearest clinic is farther than the service area (100 miles by default): `message` says where "
        "the clinics are and how far the nearest is; a client may offer to call it instead of booking."
    )
    message = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    results = NearbyClinicSchema(many=True)
    warnings = SearchWarningSchema(
        many=True,
        help_text="What the search left out, though it ran: an unknown or retired service, an unknown condition.",
    )
