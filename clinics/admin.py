"""Admin registrations, explicit because the project uses SimpleAdminConfig.

django-leaflet's own admin module imports GeoDjango (GDAL), so the clinic form gets a small
location picker of ours (static/clinics/admin/location_picker.js) on django-leaflet's Leaflet.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from typing import Any

# Registers django-axes's sign-in attempts with this admin site (no autodiscovery here, see settings):
# deleting an attempt unlocks its user name or address.
import axes.admin  # noqa: F401

# Registers Users and Groups, so a superuser can give staff accounts a role (the "Clinic editor" group,
# clinics/roles.py); editors themselves have no permission on either.
import django.contrib.auth.admin  # noqa: F401
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Replace
from django.forms.models import BaseInlineFormSet, construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm
from modeltranslation.utils import get_translation_fields

from clinics import history, publishing
from clinics.addresses import fill_from_zip, unknown_zip_message, zip_info
from clinics.bilingual_admin import (
    BilingualForm,
    TranslationMissingFilter,
    both_languages,
    flat,
    side_by_side,
    spanish_status,
)
from clinics.editing import (
    clinic_restore,
    clinic_save,
    clinics_delete,
    clinics_relocate,
    clinics_set_status,
    clinics_using,
    mark_changed,
    service_delete,
    service_save,
    services_set_retired,
    special_hours_set,
)
from clinics.fields import ZIP_RE
from clinics.hours import Interval, first_overlap
from clinics.import_uploads import ImportUploadStorage, UploadExpired, sweep_uploads
from clinics.importing import IMPORT_COLUMNS, ClinicResource
from clinics.locating import Outcome
from clinics.models import (
    APPROXIMATE_SOURCES,
    PUBLIC_STATUSES,
    Clinic,
    ClinicStatus,
    LocationSource,
    OpeningHours,
    Service,
    SpecialHours,
)
from clinics.spreadsheets import EXPORT_FORMATS, IMPORT_FORMATS, UnreadableFile, check_upload_size
from clinics.states import US_STATES

logger = logging.getLogger(__name__)


class OpeningHoursFormSet(BaseInlineFormSet):
    """Checks the day's intervals against each other as submitted, not against what is stored.

    It is also where a clinic to be made public is checked for completeness (clinics/publishing.py):
    the last place in the admin's validation that knows the clinic's fields, its hours and (from
    ``posted_services``, given by ClinicAdmin.get_formset_kwargs) its services as submitted.
    """

    def __init__(self, *args: Any, posted_services: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.posted_services = posted_services
        self.publish_refusal = ""

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
        if self.posted_services is not None and self.instance.status in PUBLIC_STATUSES:
            ids = [value for value in self.posted_services if value.isdigit()]
            services = Service.objects.filter(pk__in=ids).count() if ids else 0
            requirements = publishing.checklist(self.instance, has_hours=bool(seen), service_count=services)
            self.publish_refusal = publishing.refusal(requirements)
            if self.publish_refusal:
                raise forms.ValidationError(self.publish_refusal, code="incomplete")


# Times as staff write them, "07:00", not "07:00:00".
HOURS_AND_MINUTES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TimeField: {"widget": forms.TimeInput(format="%H:%M")}
}


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 1
    fields = ("weekday", "opens", "closes")
    formfield_overrides = HOURS_AND_MINUTES


class SpecialHoursInline(admin.TabularInline):
    """Dates with other hours, or closed; for many clinics at once, the list's "Add special hours" action."""

    model = SpecialHours
    extra = 1
    fields = ("date", "label", "opens", "closes")
    formfield_overrides = HOURS_AND_MINUTES
    verbose_name_plural = "Special hours (holidays, staff days: leave the times empty for closed all day)"


def _https_urls(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Links typed without a scheme are taken to be https://.

    Django builds a ModelForm's fields once when the class is defined (this callback) and the
    admin builds them again per request (formfield_overrides below); both need the scheme.
    """
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ClinicAdminForm(forms.ModelForm):
    """The clinic form. City and state may be left blank for the ZIP to fill in (the page's script does it as
    staff type; the form again on save); the model checks that they agree with the ZIP (clinics/addresses.py)."""

    pin_confirmed = forms.BooleanField(
        label="Yes, the pin is right",
        required=False,
        help_text="Needed only when the pin is far from the ZIP code's centre or outside the clinic's state.",
    )

    # Whether the hours inline comes with this form (set by ClinicAdmin.get_form). It checks publishing with the
    # hours as submitted; without it (staff who may not edit hours) the form checks, against the saved hours.
    hours_inline_shown = True

    class Meta:
        formfield_callback = _https_urls
        model = Clinic
        fields = "__all__"  # noqa: DJ007 -- ClinicAdmin.fieldsets chooses what is shown
        widgets = {
            "notice": forms.TextInput(attrs={"size": 80}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "closure_reason": forms.TextInput(attrs={"size": 80}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("city", "state"):
            if name in self.fields:
                self.fields[name].required = False
        if "zip_code" in self.fields:
            # Read by static/clinics/admin/address_autofill.js; "00000" stands for the ZIP typed.
            self.fields["zip_code"].widget.attrs["data-zip-lookup"] = reverse(
                "admin:clinics_clinic_zip", args=["00000"]
            )
            self.fields["zip_code"].help_text = "City and state are filled in from it when left blank."

    def clean(self) -> dict[str, Any]:
        """City and state from the ZIP where left blank; then, for staff who may not edit hours, publishing's
        rule against the saved hours (with the hours inline, the admin checks the hours as submitted)."""
        data = super().clean() or self.cleaned_data
        if "city" in self.fields and "state" in self.fields:
            data["city"], data["state"] = fill_from_zip(
                city=data.get("city") or "", state=data.get("state") or "", zip_code=data.get("zip_code") or ""
            )
            for name, label in (("city", "city"), ("state", "state")):
                if not data[name] and name not in self.errors:
                    self.add_error(name, f"Enter the {label}, or a ZIP code we know to fill it in.")
        self.instance.pin_confirmed = bool(data.get("pin_confirmed"))
        if not self.hours_inline_shown and data.get("status") in PUBLIC_STATUSES:
            candidate = construct_instance(self, copy.copy(self.instance))
            services = data.get("services")
            requirements = publishing.checklist(
                candidate,
                has_hours=candidate.pk is not None and candidate.hours.exists(),
                service_count=len(services) if services is not None else 0,
            )
            refusal = publishing.refusal(requirements)
            if refusal:
                self.add_error("status", refusal)
        return data


class SpecialHoursActionForm(forms.Form):
    """Special hours for the clinics chosen on the list: one date, closed or other hours, and what to call it."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(max_length=100, help_text="Shown to visitors, e.g. “Thanksgiving”.")
    closed = forms.BooleanField(required=False, initial=True, label="Closed all day")
    opens = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="For other hours instead: untick “Closed all day” and give both times.",
    )
    closes = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("closed"):
            data["opens"] = data["closes"] = None
        elif not data.get("opens") or not data.get("closes"):
            raise forms.ValidationError("Give the opening and closing times, or tick “Closed all day”.")
        elif data["closes"] <= data["opens"]:
            raise forms.ValidationError("The closing time must be after the opening time.")
        return data


class TemporaryClosureActionForm(forms.Form):
    closure_reason = forms.CharField(
        label="Reason (shown to visitors)", max_length=200, help_text="For example “Closed for renovation”."
    )
    reopens_on = forms.DateField(
        label="Reopens on", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="If known."
    )


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


class StateFilter(admin.SimpleListFilter):
    """Only the states that have clinics (not all 56 states and territories), by name."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = Clinic.objects.order_by().values_list("state", flat=True).distinct()
        return sorted(((code, US_STATES.get(code, code)) for code in codes), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> QuerySet[Clinic]:
        value = self.value()
        return queryset.filter(state=value) if value else queryset


# A search term that looks like (part of) a phone number: digits with the usual separators.
PHONE_SEARCH_RE = re.compile(r"^\+?[\d\s().-]+$")


def phone_digits_search(term: str) -> str:
    """The digits to look for in clinics' phone numbers, or "" when the term is not a phone number.

    "563-555-0123", "(563) 555 0123", "5635550123" and "+1 563 555 0123" all find 563-555-0123; so do
    at least four of its digits in a row ("0123"). A ZIP code (5 digits alone) is searched as a ZIP too.
    """
    term = term.strip()
    if not PHONE_SEARCH_RE.match(term):
        return ""
    digits = re.sub(r"\D", "", term)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 4 else ""


class ClinicImportForm(ImportForm):
    """The import form: the file's size is checked before any of it is read, and the limits are shown beside it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = format_html(
            "A CSV file (UTF-8) or an Excel workbook (.xlsx) with the clinics' column names in its first row, up "
            "to {} and {} rows. Bigger files: <code>manage.py import_clinics FILE</code> on the server.",
            filesizeformat(settings.ADMIN_IMPORT_MAX_BYTES),
            settings.ADMIN_IMPORT_MAX_ROWS,
        )

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        try:
            check_upload_size(upload.size, settings.ADMIN_IMPORT_MAX_BYTES)
        except UnreadableFile as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class ClinicConfirmImportForm(ConfirmImportForm):
    """The confirmation names one of the formats offered (a tampered one is a form error, not a 500)."""

    def clean_format(self) -> str:
        value = self.cleaned_data["format"]
        if value not in {str(index) for index in range(len(IMPORT_FORMATS))}:
            raise forms.ValidationError("Choose CSV or Excel (.xlsx).")
        return value


@admin.register(Clinic)
class ClinicAdmin(ImportExportModelAdmin):
    """Clinics: the columns and filters operations needs, hours inline, CSV/Excel import and export."""

    resource_classes = [ClinicResource]
    import_template_name = "admin/clinics/clinic/import.html"  # errors as messages, without tracebacks

    # django-import-export lets any staff member import and export unless told otherwise: an import adds and
    # changes clinics, so it needs both rights; an export shows them, so it needs the right to view them.
    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_or_change_permission(request)

    # CSV and Excel only (clinics/spreadsheets.py): nothing parses YAML, JSON or HTML from an upload.
    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_form_class = ClinicImportForm
    confirm_form_class = ClinicConfirmImportForm
    tmp_storage_class = ImportUploadStorage  # clinics/import_uploads.py: swept, never left behind for long
    to_encoding = "utf-8-sig"  # a CSV export Excel opens with its accents and dashes intact
    form = ClinicAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [OpeningHoursInline, SpecialHoursInline]
    list_display = (
        "name",
        "city",
        "state",
        "zip_code",
        "phone",
        "service_list",
        "location_display",
        "status",
        "updated_at",
    )
    list_display_links = ("name",)
    list_filter = ("status", StateFilter, LocationSourceFilter, "services", "city")
    search_fields = ("name", "city", "zip_code", "street", "phone")
    search_help_text = "Name, city, street, ZIP code or phone number (any format)."
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("services",)
    readonly_fields = ("location_map", "publish_checklist", "preview_link", "created_at", "updated_at")
    list_per_page = 50
    actions = [
        "locate_selected",
        "publish_selected",
        "close_selected",
        "retire_selected",
        "special_hours_selected",
    ]
    fieldsets = (
        (None, {"fields": ("name", "slug")}),
        (
            "Publishing",
            {
                "description": "Visitors see published and temporarily closed clinics only. A temporarily closed "
                "clinic is shown as closed, with its reason and reopening date, and without a Schedule button.",
                "fields": ("status", "publish_checklist", "closure_reason", "reopens_on", "notice", "preview_link"),
            },
        ),
        ("Address", {"fields": ("street", "address_line2", "city", "state", "zip_code")}),
        ("Contact and booking", {"fields": ("phone", "email", "schedule_url", "website_url")}),
        (
            "Location",
            {
                "description": "Located automatically from the address when saved. Click the map or drag the pin "
                "to place it by hand.",
                "fields": (
                    "location_map",
                    ("latitude", "longitude"),
                    "pin_confirmed",
                    "location_source",
                    "timezone",
                ),
            },
        ),
        ("Services", {"fields": ("services",)}),
        ("Staff notes", {"classes": ("collapse",), "fields": ("internal_notes", "created_at", "updated_at")}),
    )

    class Media:
        # Classes, never style attributes: the Content-Security-Policy allows only our style sheets.
        css = {"all": ("leaflet/leaflet.css", "clinics/admin/location_picker.css", "clinics/admin/clinic_admin.css")}
        js = ("leaflet/leaflet.js", "clinics/admin/location_picker.js", "clinics/admin/address_autofill.js")

    # --- Addresses: the ZIP's city and state for the form's script, and phone numbers in any format ---

    def get_urls(self) -> list[URLPattern]:
        lookup = path(
            "zip/<str:zip_code>/",
            self.admin_site.admin_view(self.zip_lookup_view),
            name="clinics_clinic_zip",
        )
        restore = path(
            "<path:object_id>/history/<int:version_id>/restore/",
            self.admin_site.admin_view(self.restore_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_restore",
        )
        return [lookup, restore, *super().get_urls()]

    def zip_lookup_view(self, request: HttpRequest, zip_code: str) -> JsonResponse:
        """What the offline data knows about a ZIP (city, other names, state, centre), for staff editing clinics."""
        if not self.has_view_or_change_permission(request):
            return JsonResponse({"error": "You may not view clinics."}, status=403)
        info = zip_info(zip_code) if ZIP_RE.match(zip_code) else None
        if info is None:
            return JsonResponse({"error": unknown_zip_message(zip_code)}, status=404)
        return JsonResponse(
            {
                "zip_code": info.zip_code,
                "city": info.city,
                "other_cities": list(info.other_cities),
                "state": info.state,
                "state_name": US_STATES.get(info.state, info.state),
                "latitude": info.latitude,
                "longitude": info.longitude,
                "max_pin_miles": settings.PIN_MAX_MILES_FROM_ZIP,
            }
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Clinic], search_term: str
    ) -> tuple[QuerySet[Clinic], bool]:
        """The usual search, and phone numbers by their digits in whatever format they are typed."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = phone_digits_search(search_term)
        if digits:
            by_phone = queryset.annotate(phone_digits=Replace("phone", Value("-"), Value(""))).filter(
                phone_digits__contains=digits
            )
            results = results | queryset.filter(pk__in=by_phone.values("pk"))
        return results, may_have_duplicates

    # --- Import: every file gets a clear answer, and no upload outlives its preview for long ---

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The import page. An upload whose preview offers nothing to confirm is deleted at once."""
        sweep_uploads()
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        upload = request.FILES.get("import_file")
        stored_as = getattr(upload, "tmp_storage_name", None)
        if stored_as and not context.get("confirm_form"):
            ImportUploadStorage(name=stored_as).remove()
        if "fields_list" in context and not any(columns for _, columns in context["fields_list"]):
            # django-import-export lists no columns when the file could not be read; staff need them most then.
            resource = ClinicResource()
            context["fields_list"] = [(resource.get_display_name(), IMPORT_COLUMNS)]
        return response

    def add_data_read_fail_error_to_form(self, form: forms.Form, e: Exception) -> None:
        """Why the file could not be read, in words for staff (not the exception's class name)."""
        if isinstance(e, UnreadableFile):
            message = str(e)
        else:
            logger.warning("Import file could not be read", exc_info=e)
            message = (
                "This file can't be read in the format chosen. Choose the format the file was saved in (CSV or "
                "Excel .xlsx), or export the clinics to get a file in the right shape."
            )
        form.add_error("import_file", message)

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """Confirm import. A preview that has expired (or whose file can no longer be read) asks for the file again."""
        try:
            return super().process_import(request, **kwargs)
        except UploadExpired:
            message = (
                f"That preview has expired (previews are kept for {settings.IMPORT_UPLOAD_MAX_AGE_MINUTES} minutes), "
                "so nothing was imported. Choose the file again."
            )
        except UnreadableFile as exc:  # the limits changed since the preview
            message = f"Nothing was imported. {exc}"
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:clinics_clinic_import"))

    def process_result(self, result: Any, request: HttpRequest) -> HttpResponse:
        """After Confirm import: if the file no longer passes (data changed since the preview), say so."""
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                "Nothing was imported: the file no longer passes the checks, probably because clinics changed "
                "since the preview. Import it again to see which rows.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:clinics_clinic_import"))
        return super().process_result(result, request)

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

    @admin.display(description="Ready to publish")
    def publish_checklist(self, obj: Clinic | None) -> str:
        """What publishing needs, ticked off or still to add (as saved; the save itself checks what is submitted)."""
        requirements = publishing.saved_checklist(obj or Clinic())
        items = format_html_join(
            "",
            '<li class="publish-checklist__item publish-checklist__item--{}"><span aria-hidden="true">{}</span> '
            "{}{}</li>",
            (
                (
                    "met" if item.met else "missing",
                    "✓" if item.met else "✗",
                    item.label,
                    "" if item.met else format_html(": <strong>{}</strong>", item.to_do),
                )
                for item in requirements
            ),
        )
        summary = (
            "Complete: it can be published."
            if not publishing.missing(requirements)
            else "Not complete: it can be saved as a draft, but not published until everything is ticked."
        )
        return format_html(
            '<p class="publish-checklist__summary">{}</p><ul class="publish-checklist">{}</ul>', summary, items
        )

    @admin.display(description="Preview")
    def preview_link(self, obj: Clinic | None) -> str:
        if obj is None or obj.pk is None:
            return "Save the clinic to preview its page."
        if obj.is_public:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">View its public page</a>', obj.get_absolute_url()
            )
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview its page</a> (staff only; visitors cannot see it)',
            reverse("clinics:preview", args=[obj.slug]),
        )

    def view_on_site(self, obj: Clinic) -> str:
        """ "View on site" of a clinic visitors cannot see opens its staff preview, not a page not found."""
        return obj.get_absolute_url() if obj.is_public else reverse("clinics:preview", args=[obj.slug])

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.hours_inline_shown = any(
            isinstance(inline, OpeningHoursInline) for inline in self.get_inline_instances(request, obj)
        )
        return form

    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any, prefix: str) -> dict[str, Any]:
        """The hours formset checks publishing, and needs the services as submitted for it."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, OpeningHoursInline) and request.method == "POST":
            kwargs["posted_services"] = request.POST.getlist("services")
        return kwargs

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        """A refusal to publish is shown at the status field too, not only beside the hours far below."""
        form = context["adminform"].form
        for inline_formset in context.get("inline_admin_formsets", []):
            refusal = getattr(inline_formset.formset, "publish_refusal", "")
            if refusal and "status" in form.fields and refusal not in form.errors.get("status", []):
                form.add_error("status", refusal)
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: Clinic, form: forms.ModelForm, change: bool) -> None:
        result = clinic_save(clinic=obj)
        unknown_zip = bool(obj.zip_code) and zip_info(obj.zip_code) is None
        if unknown_zip:  # saved, but patients searching near it may not find it: say so plainly
            located = "" if obj.is_located else f"{obj.name} has no location. "
            self.message_user(request, located + unknown_zip_message(obj.zip_code), messages.WARNING)
        if result.outcome == Outcome.APPROXIMATE:
            self.message_user(
                request,
                f"{obj.name} was placed at its {APPROXIMATE_PLACES[obj.location_source]} (approximate). "
                "Drag the pin to its door for a precise location.",
                messages.WARNING,
            )
        elif result.outcome == Outcome.FAILED and not unknown_zip:
            self.message_user(request, f"{obj.name} could not be located: {result.message}", messages.ERROR)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        """Services and hours are saved by the form after the clinic: the clinic changed again."""
        super().save_related(request, form, formsets, change)
        mark_changed([form.instance.pk])

    def delete_model(self, request: HttpRequest, obj: Clinic) -> None:
        clinics_delete(clinics=Clinic.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        clinics_delete(clinics=queryset)

    # --- History: every version of the clinic, and restoring one (clinics/history.py) ---

    HISTORY_SHOWN = 100

    def _clinic_or_redirect(self, request: HttpRequest, object_id: str) -> Clinic | HttpResponse:
        clinic = self.get_object(request, unquote(object_id))
        if clinic is None:
            self.message_user(request, "That clinic no longer exists (it may have been deleted).", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:clinics_clinic_changelist"))
        return clinic

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The History button: the clinic's versions with what changed in each, and a restore button per version."""
        clinic = self._clinic_or_redirect(request, object_id)
        if isinstance(clinic, HttpResponse):
            return clinic
        if not self.has_view_or_change_permission(request, clinic):
            raise PermissionDenied
        entries = history.entries(clinic.pk, limit=self.HISTORY_SHOWN)
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {clinic}",
            "subtitle": None,
            "object": clinic,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "entries": entries,
            "more": len(entries) == self.HISTORY_SHOWN,
            "can_restore": self.has_change_permission(request, clinic),
            "keep_days": settings.CLINIC_HISTORY_DAYS,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/clinics/clinic/history.html", context)

    def restore_view(self, request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
        """Put the clinic back as one of its versions had it (staff who may change clinics only), as a new version."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        clinic = self._clinic_or_redirect(request, object_id)
        if isinstance(clinic, HttpResponse):
            return clinic
        if not self.has_change_permission(request, clinic):
            raise PermissionDenied
        back = HttpResponseRedirect(reverse("admin:clinics_clinic_history", args=[clinic.pk]))
        version = history.versions_of(clinic.pk).filter(history_id=version_id).first()
        if version is None:
            self.message_user(
                request, "That version of the clinic no longer exists; nothing was restored.", messages.ERROR
            )
            return back
        when = formats.date_format(timezone.localtime(version.history_date), "DATETIME_FORMAT")
        try:
            with history.attributed(user=request.user, reason=f"restored the version of {when}"):
                clinic_restore(clinic=clinic, version=version)
        except (ValidationError, ValueError) as exc:
            problems = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            self.message_user(request, f"Nothing was restored: {' '.join(problems)}", messages.ERROR)
            return back
        self.message_user(
            request,
            f"{clinic.name} is back as it was on {when}; the restore is the newest change below.",
            messages.SUCCESS,
        )
        return back

    @admin.action(description="Locate selected clinics", permissions=["change"])
    def locate_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        report = clinics_relocate(queryset)
        self.message_user(request, report.summary(), messages.SUCCESS)
        if report.failures:
            self.message_user(request, "Could not locate: " + "; ".join(report.failures), messages.ERROR)

    def _report_status(self, request: HttpRequest, done: str, report: Any) -> None:
        if report.changed:
            self.message_user(request, f"{done}: {', '.join(c.name for c in report.changed)}.", messages.SUCCESS)
        for clinic, reason in report.refused:
            self.message_user(request, f"{clinic.name} was left as it was. {reason}", messages.ERROR)

    @admin.action(description="Publish selected clinics (complete ones only)", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        report = clinics_set_status(clinics=queryset, status=ClinicStatus.PUBLISHED)
        self._report_status(request, "Published (visitors see them now)", report)

    @admin.action(description="Retire selected clinics (hide from visitors)", permissions=["change"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> None:
        report = clinics_set_status(clinics=queryset, status=ClinicStatus.RETIRED)
        self._report_status(request, "Retired (visitors no longer see them)", report)

    @admin.action(description="Mark selected clinics temporarily closed…", permissions=["change"])
    def close_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> HttpResponse | None:
        form = TemporaryClosureActionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            report = clinics_set_status(
                clinics=queryset,
                status=ClinicStatus.TEMPORARILY_CLOSED,
                closure_reason=form.cleaned_data["closure_reason"],
                reopens_on=form.cleaned_data["reopens_on"],
            )
            self._report_status(request, "Marked temporarily closed", report)
            return None
        return self._action_page(request, queryset, form, "close_selected", "Mark clinics temporarily closed")

    @admin.action(description="Add special hours (holiday, closure) to selected clinics…", permissions=["change"])
    def special_hours_selected(self, request: HttpRequest, queryset: QuerySet[Clinic]) -> HttpResponse | None:
        form = SpecialHoursActionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            data = form.cleaned_data
            count = special_hours_set(
                clinics=queryset, day=data["date"], label=data["label"], opens=data["opens"], closes=data["closes"]
            )
            what = "closed" if data["opens"] is None else f"open {data['opens']:%H:%M}–{data['closes']:%H:%M}"
            self.message_user(
                request,
                f"{data['label']} ({data['date']:%a %b %d, %Y}): {what} at {count} clinic(s).",
                messages.SUCCESS,
            )
            return None
        return self._action_page(request, queryset, form, "special_hours_selected", "Add special hours")

    def _action_page(
        self, request: HttpRequest, queryset: QuerySet[Clinic], form: forms.Form, action: str, title: str
    ) -> HttpResponse:
        """The page between choosing an action and applying it: the clinics chosen, and the form it needs."""
        return TemplateResponse(
            request,
            "admin/clinics/clinic/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "clinics": list(queryset),
                "form": form,
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


# How many clinics a "cannot be deleted" message names before it says how many more.
CLINICS_NAMED = 10


@dataclass(frozen=True)
class OfferedBy:
    """A service that cannot be deleted, as its delete page lists it (and the retire button sends it)."""

    service: Service
    clinic_names: list[str]

    def __str__(self) -> str:
        shown = ", ".join(self.clinic_names[:CLINICS_NAMED])
        more = len(self.clinic_names) - CLINICS_NAMED
        return f"{self.service.name}: offered by {shown}" + (f" and {more} more" if more > 0 else "")


SERVICE_FORM_ROWS = side_by_side(Service, "name", "slug", "description", "is_retired")


class ServiceForm(BilingualForm):
    class Meta:
        model = Service
        fields = flat(SERVICE_FORM_ROWS)
        widgets = {field: forms.Textarea(attrs={"rows": 3, "cols": 40}) for field in both_languages("description")}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """Services: one in use is retired, never deleted (its clinics would silently lose it, and links to it break).

    Their name and description are written in English and Spanish side by side (clinics/bilingual_admin.py)."""

    form = ServiceForm
    fields = SERVICE_FORM_ROWS
    list_display = ("name", "slug", "clinic_count", "is_retired", "description", spanish_status)
    list_filter = ("is_retired", TranslationMissingFilter)
    search_fields = get_translation_fields("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    actions = ["delete_selected", "retire_selected", "restore_selected"]
    delete_confirmation_template = "admin/clinics/service/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/clinics/service/delete_selected_confirmation.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return super().get_queryset(request).annotate(clinic_total=Count("clinics"))

    @admin.display(description="Clinics", ordering="clinic_total")
    def clinic_count(self, obj: Service) -> int:
        return obj.clinic_total  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Service, form: forms.ModelForm, change: bool) -> None:
        service_save(service=obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        """A service some clinic offers is "protected": Django then refuses to delete it, and our template says
        which clinics use it and offers to retire it instead."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = [OfferedBy(service, names) for service in objs if (names := clinics_using(service))]
        return to_delete, counts, perms_needed, in_use or protected

    def delete_model(self, request: HttpRequest, obj: Service) -> None:
        service_delete(service=obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            service_delete(service=service)

    @admin.action(
        description="Retire selected services (kept on clinics, hidden from visitors)", permissions=["change"]
    )
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        count = services_set_retired(services=queryset, retired=True)
        self.message_user(
            request,
            f"Retired {count} service(s): visitors no longer see them or find them in the search filter; "
            "the clinics keep them for the record.",
            messages.SUCCESS,
        )

    @admin.action(description="Restore selected services", permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        count = services_set_retired(services=queryset, retired=False)
        self.message_user(request, f"Restored {count} service(s); visitors see them again.", messages.SUCCESS)


admin.site.site_header = "Rock Valley clinic locator"
admin.site.site_title = "Clinic locator admin"
admin.site.index_title = "Clinics, services and hours"
# No navigation sidebar: at 1366 px it took a quarter of the width and the clinic list's last columns were cut
# off. The breadcrumbs and the index lead everywhere it did.
admin.site.enable_nav_sidebar = False
