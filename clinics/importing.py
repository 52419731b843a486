"""Spreadsheet import and export of clinics (django-import-export), for the admin.

Rows are matched by slug. Every row is validated like the admin form (full_clean), an
imported clinic without coordinates is located as on save, and a file with any bad row
changes nothing: the admin shows each row's error instead.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from clinics.editing import clinic_save, mark_changed, replace_hours
from clinics.hours import hours_from_text, hours_to_text
from clinics.models import CONTACT_FIELDS, Clinic, Service
from clinics.search.params import split_slugs

logger = logging.getLogger(__name__)


class ServiceSlugsWidget(widgets.ManyToManyWidget):
    """Services as 'physical-therapy;aquatic-therapy'; an unknown slug is an error, not silently dropped."""

    def __init__(self) -> None:
        super().__init__(Service, separator=";", field="slug")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        slugs = split_slugs(str(value or "").split(";"))
        unknown = Service.objects.unknown_slugs(slugs)
        if unknown:
            raise ValueError(f"Unknown service: {', '.join(unknown)}.")
        return list(Service.objects.filter(slug__in=slugs))


class ClinicResource(resources.ModelResource):
    services = fields.Field(attribute="services", column_name="services", widget=ServiceSlugsWidget())
    hours = fields.Field(column_name="hours")

    def handle_import_error(self, result: Any, error: Exception, raise_errors: bool = False) -> None:
        """A whole-file error: staff see its message; the traceback goes to the log, not the page."""
        logger.warning("Clinic import failed: %s", error, exc_info=error)
        super().handle_import_error(result, error, raise_errors)

    class Meta:
        model = Clinic
        import_id_fields = ["slug"]
        # The API's fields as staff edit them: where the location came from (not just whether it is
        # approximate), the public page, whether the clinic is active, and its week as text.
        fields = [
            *CONTACT_FIELDS,
            "latitude",
            "longitude",
            "location_source",
            "timezone",
            "schedule_url",
            "website_url",
            "is_active",
            "notice",
            "services",
            "hours",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def import_data(self, dataset: Any, dry_run: bool = False, raise_errors: bool = False, **kwargs: Any) -> Any:
        """A file with any invalid row imports nothing (not only files with a crashing row)."""
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        if "slug" not in (dataset.headers or []):
            raise ValueError(
                "The file has no “slug” column. Each row needs the clinic's slug, which says which clinic it adds "
                "or updates. Export the clinics to get a file with every column."
            )

    def dehydrate_hours(self, clinic: Clinic) -> str:
        return hours_to_text(clinic.hours.all())

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # Read the hours first, so a bad hours cell is that row's error, shown beside it.
        text = row.get("hours")
        try:
            row["_parsed_hours"] = None if text is None else hours_from_text(str(text))
        except ValueError as exc:
            raise ValidationError({"hours": [str(exc)]}) from None

    def skip_row(self, instance: Clinic, original: Clinic, row: Any, import_validation_errors: Any = None) -> bool:
        parsed = row.get("_parsed_hours")
        hours_changed = (
            parsed is not None
            and original.pk is not None
            and sorted(original.hours.values_list("weekday", "opens", "closes")) != sorted(parsed)
        )
        if hours_changed:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance: Clinic, is_create: bool) -> None:
        """Saved as every clinic is saved: located, validated, marked changed (clinics/editing.py)."""
        clinic_save(clinic=instance)

    def after_save_instance(self, instance: Clinic, row: Any, **kwargs: Any) -> None:
        parsed = row.get("_parsed_hours")
        if parsed is not None:
            replace_hours(clinic=instance, intervals=parsed)

    def save_m2m(self, instance: Clinic, row: Any, **kwargs: Any) -> None:
        super().save_m2m(instance, row, **kwargs)
        mark_changed([instance.pk])  # its services may have changed

    def get_export_queryset(self, request: Any = None) -> Any:
        return Clinic.objects.prefetch_related("services", "hours")
