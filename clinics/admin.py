"""Admin registrations, explicit because the project uses SimpleAdminConfig.

django-leaflet's own admin module imports GeoDjango (GDAL), so the clinic form gets a small
location picker of ours (static/clinics/admin/location_picker.js) on django-leaflet's Leaflet.
"""

from __future__ import annotations

from typing import Any

# Registers django-axes's sign-in attempts with this admin site (no autodiscovery here, see settings):
# deleting an attempt unlocks its user name or address.
import axes.admin  # noqa: F401
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin

from clinics.editing import (
    clinic_save,
    clinics_delete,
    clinics_relocate,
    clinics_set_active,
    mark_changed,
    service_delete,
    service_save,
)
from clinics.hours import Interval, first_overlap
from clinics.importing import ClinicResource
from clinics.locating import Outcome
from clinics.models import APPROXIMATE_SOURCES, Clinic, LocationSource, OpeningHours, Service


class OpeningHoursFormSet(BaseInlineFormSet):
    """Checks the day's intervals against each other as submitted, not against what is stored."""

    def clean(self) -> None:
        super().clean()
        seen: list[Interval] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or None in (data.get("weekday"), data.get("opens"), data.get("closes")):
                continue
            interval = (int(data["weekday"]), data["opens"], data["closes"])
            other = first_overlap(interval, seen)
            if other:
                form.add_error(None, f"These hours overlap {other[1]:%H:%M}–{other[2]:%H:%M} on the same day.")
            seen.append(interval)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 1
    fields = ("weekday", "opens", "closes")


def _https_urls(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Links typed without a scheme are taken to be https://.

    Django builds a ModelForm's fields once when the class is defined (this callback) and the
    admin builds them again per request (formfield_overrides below); both need the scheme.
    """
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ClinicAdminForm(forms.ModelForm):
    class Meta:
        formfield_callback = _https_urls
        model = Clinic
        fields = "__all__"  # noqa: DJ007 -- ClinicAdmin.fieldsets chooses what is shown
        widgets = {
            "notice": forms.TextInput(attrs={"size": 80}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }


# How a warning names an approximate location ("placed at its ZIP code centre").
APPROXIMATE_PLACES: dict[str, str] = {LocationSource.ZIP: "ZIP code centre", LocationSource.CITY: "city centre"}


class LocationSourceFilter(admin.SimpleListFilter):
    title = "location"
    parameter_name = "location"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("approximate", "Approximate (ZIP or city centre)"), ("missing", "Not located")] + [
            (value, label) for value, label in LocationSource.choices if value
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> QuerySet[Clinic]:
        value = self.value()
        if value == "approximate":
            return queryset.filter(location_source__in=APPROXIMATE_SOURCES)
        if value == "missing":
            return queryset.filter(latitude__isnull=True)
        if value:
            return queryset.filter(location_source=value)
        return queryset


@admin.register(Clinic)
class ClinicAdmin(ImportExportModelAdmin):
    """Clinics: the columns and filters operations needs, hours inline, CSV/Excel import and export."""

    resource_classes = [ClinicResource]
    import_template_name = "admin/clinics/clinic/import.html"  # errors as messages, without tracebacks
    form = ClinicAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [OpeningHoursInline]
    list_display = (
        "name",
        "city",
        "state",
        "zip_code",
        "phone",
        "service_list",
        "location_display",
        "is_active",
        "updated_at",
    )
    list_display_links = ("name",)
    list_filter = ("is_active", "state", LocationSourceFilter, "services", "city")
    search_fields = ("name", "city", "zip_code", "street")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("services",)
    readonly_fields = ("location_map", "created_at", "updated_at")
    list_per_page = 50
    actions = ["locate_selected", "retire_selected", "reactivate_selected"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_active", "notice")}),
        ("Address", {"fields": ("street", "address_line2", "city", "state", "zip_code")}),
        ("Contact and booking", {"fields": ("phone", "email", "schedule_url", "website_url")}),
        (
            "Location",
            {
                "description": "Located automatically from the address when saved. Click the map or drag the pin "
                "to place it by hand.",
                "fields": ("location_map", ("latitude", "longitude"), "location_source", "timezone"),
            },
        ),
        ("Services", {"fields": ("services",)}),
        ("Staff notes", {"classes": ("collapse",), "fields": ("internal_notes", "created_at", "updated_at")}),
    )

    class Media:
        # Classes, never style attributes: the Content-Security-Policy allows only our style sheets.
        css = {"all": ("leaflet/leaflet.css", "clinics/admin/location_picker.css", "clinics/admin/clinic_admin.css")}
        js = ("leaflet/leaflet.js", "clinics/admin/location_picker.js")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Clinic]:
        return super().get_queryset(request).prefetch_related("services")

    @admin.display(description="Services")
    def service_list(self, obj: Clinic) -> str:
        return ", ".join(service.name for service in obj.services.all())

    @admin.display(description="Location", ordering="location_source")
    def location_display(self, obj: Clinic) -> str:
        if not obj.is_located:
            return format_html('<span class="location-status location-status--missing">{}</span>', "Not located")
        if obj.location_is_approximate:
            return format_html(
                '<span class="location-status location-status--approximate">Approximate ({})</span>',
                obj.location_source.upper(),
            )
        return obj.get_location_source_display()

    @admin.display(description="Map")
    def location_map(self, obj: Clinic | None) -> str:
        return format_html(
            '<div id="location-picker" class="location-picker" role="application" '
            'aria-label="Map: click or drag the pin to set the clinic\'s location" '
            'data-tiles-url="{}" data-tiles-attribution="{}" data-center-lat="{}" data-center-lng="{}"></div>',
            settings.MAP_TILES_URL,
            settings.MAP_TILES_ATTRIBUTION,
            settings.LEAFLET_CONFIG["DEFAULT_CENTER"][0],
            settings.LEAFLET_CONFIG["DEFAULT_CENTER"][1],
        )

    def save_model(self, request: HttpRequest, obj: Clinic, form: forms.ModelForm, change: bool) -> None:
        result = clinic_save(clinic=obj)
        if result.outcome == Outcome.APPROXIMATE:
            self.message_user(
                request,
                f"{obj.name} was placed at its {APPROXIMATE_PLACES[obj.location_source]} (approximate). "
                "Drag the pin to its door for a precise location.",
                messages.WARNING,
            )
        elif result.outcome == Outcome.FAILED:
            self.message_user(request, f"{obj.name} could not be located: {result.message}", messages.ERROR)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        """Services and hours are saved by the form after the clinic: the clinic changed again."""
        super().save_related(request, form, formsets, change)
        mark_changed([form.instance.pk])

    def delete_model(self, request: HttpRequest, obj: Clinic) -> None:
        clinics_delete(clinics=Clinic.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        clinics_delete(clinics=queryset)

    @admin.action(description="Locate selected clinics", permissions=["change"])
    def locate_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        report = clinics_relocate(queryset)
        self.message_user(request, report.summary(), messages.SUCCESS)
        if report.failures:
            self.message_user(request, "Could not locate: " + "; ".join(report.failures), messages.ERROR)

    @admin.action(description="Retire selected clinics (hide from visitors)", permissions=["change"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        count = clinics_set_active(clinics=queryset, active=False)
        self.message_user(request, f"Retired {count} clinic(s); visitors no longer see them.", messages.SUCCESS)

    @admin.action(description="Reactivate selected clinics", permissions=["change"])
    def reactivate_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        count = clinics_set_active(clinics=queryset, active=True)
        self.message_user(request, f"Reactivated {count} clinic(s).", messages.SUCCESS)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "clinic_count", "description")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return super().get_queryset(request).annotate(clinic_total=Count("clinics"))

    @admin.display(description="Clinics", ordering="clinic_total")
    def clinic_count(self, obj: Service) -> int:
        return obj.clinic_total  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Service, form: forms.ModelForm, change: bool) -> None:
        service_save(service=obj)

    def delete_model(self, request: HttpRequest, obj: Service) -> None:
        service_delete(service=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            service_delete(service=service)


admin.site.site_header = "Rock Valley clinic locator"
admin.site.site_title = "Clinic locator admin"
admin.site.index_title = "Clinics, services and hours"
