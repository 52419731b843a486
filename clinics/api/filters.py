from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from clinics.models import Clinic
from clinics.states import STATE_CHOICES


class ClinicFilter(django_filters.FilterSet):
    # "" (any state) is listed so that a blank form field is documented as allowed.
    state = django_filters.ChoiceFilter(
        choices=[("", "Any state"), *STATE_CHOICES],
        empty_label=None,
        help_text="Two-letter state code, e.g. IA; empty for any state.",
    )
    service = django_filters.CharFilter(
        field_name="services__slug", help_text="A service slug; only clinics offering it."
    )
    q = django_filters.CharFilter(method="filter_text", max_length=100, help_text="Text in name, city or ZIP.")

    class Meta:
        model = Clinic
        fields = ["state", "service", "q"]

    def filter_text(self, queryset: QuerySet[Clinic], name: str, value: str) -> QuerySet[Clinic]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value) | Q(zip_code__startswith=value))
