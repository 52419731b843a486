from __future__ import annotations

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from clinics.models import Clinic
from clinics.states import STATE_CHOICES

# A service's slug (Service.slug: at most 100 letters, digits, hyphens and underscores), or blank for any service.
SERVICE_FILTER_PATTERN = r"^[-a-zA-Z0-9_]{0,100}$"  # for OpenAPI: ECMA-262 syntax
_SERVICE_SLUG = RegexValidator(
    r"\A[-a-zA-Z0-9_]{1,100}\Z",  # blank values are never validated: they mean any service
    message="Give service as a service's slug (see /api/v1/services/).",
)


@extend_schema_field(
    {
        "type": "string",
        "pattern": SERVICE_FILTER_PATTERN,
        "description": "A service's slug (see /api/v1/services/): only clinics offering it, so none for a slug "
        "no service has or a retired service's. Empty for any service.",
    }
)
class ServiceSlugFilter(django_filters.CharFilter):
    """Documented with the pattern its validator checks; django-filter's own schema would say only "string"."""


class ClinicFilter(django_filters.FilterSet):
    # "" (any state) is listed so that a blank form field is documented as allowed.
    state = django_filters.ChoiceFilter(
        choices=[("", "Any state"), *STATE_CHOICES],
        empty_label=None,
        help_text="Two-letter state code, e.g. IA; empty for any state.",
    )
    # Not stripped, here or for q: the rules apply to the value as sent, as the schema states them.
    service = ServiceSlugFilter(
        field_name="services__slug",
        method="filter_service",
        validators=[_SERVICE_SLUG],
        strip=False,
    )
    q = django_filters.CharFilter(
        method="filter_text", max_length=100, strip=False, help_text="Text in name, city or ZIP."
    )

    class Meta:
        model = Clinic
        fields = ["state", "service", "q"]

    def filter_service(self, queryset: QuerySet[Clinic], name: str, value: str) -> QuerySet[Clinic]:
        """One join: the clinic offers this service, and it is not retired (visitors never see a retired one)."""
        if not value:
            return queryset
        return queryset.filter(services__slug=value, services__is_retired=False)

    def filter_text(self, queryset: QuerySet[Clinic], name: str, value: str) -> QuerySet[Clinic]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value) | Q(zip_code__startswith=value))
