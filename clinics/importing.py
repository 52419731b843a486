"""Spreadsheet import and export of clinics (django-import-export), for the admin and ``import_clinics``.

Rows are matched by slug. Every row is validated like the admin form (full_clean), an
imported clinic without coordinates is located as on save, and a file with any bad row
changes nothing: the admin shows each row's errors instead. Each row is checked whole, in
one pass (``check_row``): its fields, hours, services and slug together, so one preview lists
every problem of every row, never one kind of problem per try. A row that makes a clinic public
(published or temporarily closed) must give it what publishing needs (clinics/publishing.py),
reported beside the row's other errors; a new clinic in a file without a ``status`` column is a
draft. Rows are numbered as in the
spreadsheet, the column names being row 1. A slug on two rows is an error on the second,
naming the first, never a silent merge.

Exported text is made inert for spreadsheets (``escape_cell``), and imported back unchanged.
Reading the files themselves (formats, caps, encodings) is clinics/spreadsheets.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from diff_match_patch import diff_match_patch
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from import_export import fields, resources, widgets
from import_export.results import Error, Result, RowResult

from clinics import history, publishing
from clinics.addresses import fill_from_zip
from clinics.editing import clinic_save, mark_changed, replace_hours
from clinics.hours import Interval, hours_from_text, hours_to_text
from clinics.models import CONTACT_FIELDS, Clinic, ClinicStatus, Service
from clinics.search.params import split_slugs
from clinics.spreadsheets import escape_formula, unescape_formula
from clinics.translation import in_default_language

logger = logging.getLogger(__name__)

HEADER_ROWS = 1  # the column names
# What a "pin_confirmed" column may say to keep a pin far from its ZIP (an optional column, never exported).
CONFIRMED = frozenset({"yes", "y", "true", "1", "x"})


def sheet_row(number: int) -> int:
    """django-import-export's row number (1 for the first row after the column names) as the spreadsheet shows it."""
    return number + HEADER_ROWS


# The only columns holding numbers, and what a plain number looks like. Every other column is text a
# person typed (names, streets, notices, URLs, services, hours; ZIP codes and phone numbers too, though
# stored phones are always 319-555-0100 and ZIP codes digits, so they never start like a formula).
NUMBER_COLUMNS = frozenset({"latitude", "longitude"})
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def escape_cell(column: str, value: Any) -> Any:
    """An exported cell, made safe to open in a spreadsheet (OWASP's CSV-injection advice).

    Text starting with = + - @ or a tab or carriage return gets a leading quote, so Excel shows it
    and never runs it ("=cmd|' /C calc'!A0", but also a clinic named "-Moline-": the import takes the
    quote off again, see ``unescape_formula``). Left alone: values that are not text (numbers and
    booleans in an .xlsx), and a coordinate that is a plain number, so a longitude of -90.5 stays a
    number Excel can sort and sum. A coordinate is a validated decimal and can hold nothing else,
    but one that did would be escaped too.
    """
    if not isinstance(value, str):
        return value
    if column in NUMBER_COLUMNS and PLAIN_NUMBER.fullmatch(value):
        return value
    return escape_formula(value)


@dataclass(frozen=True)
class ProblemRow:
    """A row that cannot be imported, as the admin's preview shows it: every problem beside the row's own cells."""

    number: int  # as in the spreadsheet
    problems: list[tuple[str, str]]  # (column, or "" for the row as a whole; message)
    cells: list[tuple[str, bool]]  # the row's cells in the file's order, and whether each has a problem


class SheetResult(Result):
    """An import's result, its rows numbered as in the spreadsheet (``sheet_row``) for the admin and the command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers: list[str] = []  # the file's columns, in its order
        # Each invalid row's cells as the file has them (django-import-export keeps them in its own column order).
        self.file_cells: dict[int, list[Any]] = {}

    def append_invalid_row(self, number: int, row: Any, validation_error: ValidationError) -> None:
        self.file_cells[sheet_row(number)] = list(row.values())
        super().append_invalid_row(sheet_row(number), row, validation_error)

    def row_errors(self) -> list[tuple[int, list[Error]]]:
        return [(sheet_row(error_row.number), error_row.errors) for error_row in self.error_rows]

    def problem_rows(self) -> list[ProblemRow]:
        """Every invalid row with all its problems, in the file's column order (then anything about the whole row)."""
        rows = []
        for invalid in self.invalid_rows:
            order = {name: index for index, name in enumerate(self.headers)}
            columns = sorted(invalid.error_dict, key=lambda name: order.get(name, len(order)))
            problems = [
                ("" if column == NON_FIELD_ERRORS else column, str(message))
                for column in columns
                for message in invalid.error_dict[column]
            ]
            values = ["" if value is None else str(value) for value in self.file_cells.get(invalid.number, [])]
            cells = [(value, name in invalid.error_dict) for name, value in zip(self.headers, values, strict=False)]
            rows.append(ProblemRow(invalid.number, problems, cells))
        return rows


class ServiceSlugsWidget(widgets.ManyToManyWidget):
    """Services as 'physical-therapy;aquatic-therapy'; an unknown slug is an error, not silently dropped.

    A retired service may stay on a clinic that has it (an export imports back unchanged), but not be added.
    """

    def __init__(self) -> None:
        super().__init__(Service, separator=";", field="slug")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        slugs = split_slugs(str(value or "").split(";"))
        found = Service.objects.by_slug(slugs)
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise ValueError(f"Unknown service: {', '.join(unknown)}.")
        retired = [slug for slug in slugs if found[slug].is_retired]
        if retired:
            clinic_slug = str((row or {}).get("slug") or "").strip()
            kept = set(
                Service.objects.filter(slug__in=retired, clinics__slug=clinic_slug).values_list("slug", flat=True)
            )
            added = [found[slug].name for slug in retired if slug not in kept]
            if added:
                raise ValueError(
                    f"Retired service: {', '.join(added)}. Restore it under Services first to add it to a clinic."
                )
        return [found[slug] for slug in slugs]


class HoursField(fields.Field):
    """The week as text ("Mon 07:00-19:00; ..."), for the export and for the preview's columns alike.

    Not a model attribute, so django-import-export would show it blank in the preview; hours are
    written by ``after_save_instance`` (clinics/editing.py's replace_hours).
    """

    def get_value(self, instance: Clinic) -> str:
        return hours_to_text(instance.hours.all()) if instance.pk is not None else ""


# The columns a clinic spreadsheet may have, in the export's order: the API's fields as staff edit them, with
# where the location came from (not just whether it is approximate), the public page, the clinic's status (an
# older file's "active" column is read too: ``status_from_row``), and its week as text.
IMPORT_COLUMNS = [
    *CONTACT_FIELDS,
    "latitude",
    "longitude",
    "location_source",
    "timezone",
    "schedule_url",
    "website_url",
    "status",
    "closure_reason",
    "reopens_on",
    "notice",
    "services",
    "hours",
    "exported_at",
]
EXPORTED_AT_COLUMN = "exported_at"


# How a preview marks a change: classes (import.css colours them), never style attributes, which the
# Content-Security-Policy refuses (django-import-export's own diff writes <ins style="background:...">).
DIFF_TAGS = {
    diff_match_patch.DIFF_INSERT: "ins",
    diff_match_patch.DIFF_DELETE: "del",
    diff_match_patch.DIFF_EQUAL: "span",
}


class ClinicDiff(resources.Diff):
    """A preview row's cells: what the import changes in each, as HTML without inline styles."""

    def as_html(self) -> list[SafeString]:
        cells = []
        matcher = diff_match_patch()
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            changes = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(changes)
            cells.append(
                mark_safe("".join(f"<{DIFF_TAGS[op]}>{escape(text)}</{DIFF_TAGS[op]}>" for op, text in changes))
            )
        return cells


class ExportedAtField(fields.Field):
    """When the clinic last changed, as the export saw it (the last column): an import row that carries it is
    refused if the clinic has changed since, so an old spreadsheet never quietly undoes newer edits. Never
    written to the clinic: ``updated_at`` is the editing rule's own (clinics/editing.py)."""

    def get_value(self, instance: Clinic) -> str:
        return instance.updated_at.isoformat() if instance.pk is not None else ""

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        return None


def changed_since_export(clinic: Clinic, row: Any) -> str:
    """Why a row may not overwrite its clinic: it was exported before the clinic's last change; "" if it may."""
    text = str(row.get(EXPORTED_AT_COLUMN) or "").strip()
    if clinic.pk is None or not text:
        return ""  # a new clinic, or a file without the column (or with it cleared on purpose): as written
    try:
        exported = datetime.fromisoformat(text)
    except ValueError:
        return (
            f"“{text[:40]}” is not a time this site wrote; keep the {EXPORTED_AT_COLUMN} cell as exported or clear it."
        )
    stored = Clinic.objects.filter(pk=clinic.pk).values_list("updated_at", flat=True).first()
    if stored is None or exported.tzinfo is None or stored <= exported:
        return ""
    when = timezone.localtime(stored)
    return (
        f"{clinic.name} was changed after this file was exported (on {when:%b %-d at %-I:%M %p}): importing the "
        "row would undo that change. Export a fresh file and make your changes there, or clear this row's "
        f"{EXPORTED_AT_COLUMN} cell to overwrite on purpose."
    )


class ClinicResource(resources.ModelResource):
    services = fields.Field(attribute="services", column_name="services", widget=ServiceSlugsWidget())
    hours = HoursField(column_name="hours")
    exported_at = ExportedAtField(column_name="exported_at", readonly=True)

    def __init__(self, *, on_row: Callable[[], object] | None = None, **kwargs: Any) -> None:
        """``on_row`` is called after each row, imported or not (the command's progress bar)."""
        super().__init__(**kwargs)
        self.on_row = on_row
        self.slug_rows: dict[str, int] = {}
        self.blank_rows: list[int] = []
        # Each row's week as read from its hours cell (by spreadsheet row), written after the clinic is saved.
        self.parsed_hours: dict[int, list[Interval]] = {}
        self.row_number = 0  # the spreadsheet row being imported

    class Meta:
        model = Clinic
        import_id_fields = ["slug"]
        fields = IMPORT_COLUMNS
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    @classmethod
    def get_result_class(cls) -> type[Result]:
        return SheetResult

    def get_diff_class(self) -> type[resources.Diff]:
        return ClinicDiff

    def handle_import_error(self, result: Any, error: Exception, raise_errors: bool = False) -> None:
        """A whole-file error: staff see its message; the traceback goes to the log, not the page."""
        logger.warning("Clinic import failed: %s", error, exc_info=error)
        super().handle_import_error(result, error, raise_errors)

    def import_data(self, dataset: Any, dry_run: bool = False, raise_errors: bool = False, **kwargs: Any) -> Any:
        """A file with any invalid row imports nothing (not only files with a crashing row).

        Column names are checked first: without a slug column no row could be matched, and each
        would repeat the same error.
        """
        with in_default_language():  # see export()
            return self._import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def _import_data(self, dataset: Any, dry_run: bool, raise_errors: bool, **kwargs: Any) -> Any:
        kwargs.setdefault("rollback_on_validation_errors", True)
        self.slug_rows, self.blank_rows, self.parsed_hours = {}, [], {}
        headers = list(dataset.headers or [])
        problem = column_problem(headers)
        if problem:
            result = self.get_result_class()()
            result.append_base_error(self.get_error_result_class()(ValueError(problem)))
        else:
            with history.one_change():  # a row's fields, hours and services: one version of its clinic
                result = super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        result.headers = headers
        return result

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> RowResult:
        """A blank row between clinics is skipped (it keeps the rows after it numbered as in the spreadsheet)."""
        self.row_number = sheet_row(kwargs["row_number"])  # for skip_row, which is not told it
        if all(value in (None, "") for value in row.values()):
            self.blank_rows.append(sheet_row(kwargs["row_number"]))
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
        else:
            row_result = super().import_row(row, instance_loader, **kwargs)
        if self.on_row is not None:
            self.on_row()
        return row_result

    def after_init_instance(self, instance: Clinic, new: bool, row: Any, **kwargs: Any) -> None:
        """A pin far from its ZIP is imported only with a "pin_confirmed" column saying yes (clinics/addresses.py)."""
        super().after_init_instance(instance, new, row, **kwargs)
        instance.pin_confirmed = str(row.get("pin_confirmed") or "").strip().lower() in CONFIRMED

    def export(self, *args: Any, **kwargs: Any) -> Any:
        """In English whatever language the admin is in: numbers keep their decimal point ("41.5067", never
        "41,5067"), so a file exported by one member of staff reads the same when any other imports it."""
        with in_default_language():
            return super().export(*args, **kwargs)

    def export_field(self, field: fields.Field, instance: Clinic, **kwargs: Any) -> Any:
        """Every exported cell goes through ``escape_cell``, whatever format it is written in."""
        return escape_cell(field.column_name, super().export_field(field, instance, **kwargs))

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # What the export escaped comes back as it was: "'-Moline-" is "-Moline-" again.
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = unescape_formula(value)

    def import_instance(self, instance: Clinic, row: Any, **kwargs: Any) -> None:
        """The row's fields set on the clinic, and the whole row checked at once (``check_row``), publishing's
        needs included for a row that makes the clinic public (clinics/publishing.py)."""
        errors: dict[str, Any] = {}
        number = sheet_row(kwargs["row_number"])
        try:
            status_from_row(row)  # "Temporarily closed", or an older file's "active" column
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # A blank city or state is taken from the ZIP (and checked against it on validation: clinics/addresses.py).
        instance.city, instance.state = fill_from_zip(
            city=instance.city, state=instance.state, zip_code=instance.zip_code
        )
        for column, messages in self.check_row(row, number).items():
            errors.setdefault(column, []).extend(messages)
        stale = changed_since_export(instance, row)
        if stale:
            errors.setdefault(EXPORTED_AT_COLUMN, []).append(stale)
        if "status" not in errors and "hours" not in errors:
            row["_parsed_hours"] = self.parsed_hours.get(number)
            try:
                publishing.check_public(instance, row_checklist(instance, row))
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            # validate_instance adds full_clean()'s errors for every other field: one list for the row.
            raise ValidationError(errors)

    def check_row(self, row: Any, number: int) -> dict[str, list[str]]:
        """What is wrong with a row besides its fields' own values: its slug, hours and services."""
        errors: dict[str, list[str]] = {}
        duplicate = self._repeated_slug(row, number)
        if duplicate:
            errors["slug"] = [duplicate]
        text = row.get("hours")
        if text is not None:
            try:
                self.parsed_hours[number] = hours_from_text(str(text))
            except ValueError as exc:
                errors["hours"] = [str(exc)]
        if "services" in row:
            try:
                self.fields["services"].clean(row)
            except ValueError as exc:
                errors["services"] = [str(exc)]
        return errors

    def _repeated_slug(self, row: Any, number: int) -> str:
        """A clinic appears on one row only: a second row with its slug would silently overwrite the first."""
        slug = str(row.get("slug") or "").strip()
        if not slug:
            return ""  # a new clinic; clinic_save gives it a slug of its own
        first = self.slug_rows.setdefault(slug, number)
        if first != number:
            return f"Rows {first} and {number} both have the slug “{slug}”: each clinic may appear only once."
        return ""

    def skip_row(self, instance: Clinic, original: Clinic, row: Any, import_validation_errors: Any = None) -> bool:
        parsed = self.parsed_hours.get(self.row_number)
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
        parsed = self.parsed_hours.get(self.row_number)
        if parsed is not None:
            replace_hours(clinic=instance, intervals=parsed)

    def save_m2m(self, instance: Clinic, row: Any, **kwargs: Any) -> None:
        super().save_m2m(instance, row, **kwargs)
        mark_changed([instance.pk])  # its services may have changed

    def get_export_queryset(self, request: Any = None) -> Any:
        return Clinic.objects.prefetch_related("services", "hours")


# An older file's column (before clinics had a status), and the words a spreadsheet may hold for yes and no.
LEGACY_ACTIVE_COLUMNS = ("active", "is_active")
YES = frozenset({"1", "true", "yes", "y"})
NO = frozenset({"0", "false", "no", "n"})


def row_checklist(clinic: Clinic, row: Any) -> list[publishing.Requirement]:
    """Publishing's checklist for a row before it is written: its hours and services as the row gives them,
    else as stored."""
    parsed = row.get("_parsed_hours")
    has_hours = bool(parsed) if parsed is not None else clinic.pk is not None and clinic.hours.exists()
    if row.get("services") is not None:
        slugs = split_slugs(str(row["services"]).split(";"))
        services = Service.objects.filter(slug__in=slugs).count() if slugs else 0
    else:
        services = clinic.services.count() if clinic.pk is not None else 0
    return publishing.checklist(clinic, has_hours=has_hours, service_count=services)


def status_from_row(row: Any) -> None:
    """The row's status as stored: "Temporarily closed" as temporarily_closed; an older file's active column
    (yes: published, no: retired) when the row gives no status. An unreadable "active" is the row's error."""
    status = str(row.get("status") or "").strip()
    if status:
        row["status"] = status.lower().replace(" ", "_").replace("-", "_")
        return
    for column in LEGACY_ACTIVE_COLUMNS:
        value = row.get(column)
        if value is None or str(value).strip() == "":
            continue
        text = str(value).strip().lower()
        if text not in YES | NO:
            raise ValidationError({"status": [f"Can't read “{value}” in the {column} column: write TRUE or FALSE."]})
        row["status"] = ClinicStatus.PUBLISHED if text in YES else ClinicStatus.RETIRED
        return


def column_problem(headers: list[str]) -> str:
    """What is wrong with a file's column names, in words for staff; "" when nothing is."""
    named = [name for name in headers if name]
    if "slug" not in named:
        first_row = ", ".join(named[:4]) + (", …" if len(named) > 4 else "")
        hint = ""
        if len(named) == 1 and ";" in named[0]:
            hint = (
                " Its columns seem to be separated by semicolons: save it from Excel as “CSV UTF-8 (Comma delimited)”."
            )
        return (
            "The file has no “slug” column. The first row must hold the column names (slug, name, city, …), and "
            f"each clinic's slug says which clinic the row adds or updates; this file's first row is “{first_row}”."
            f"{hint} Export the clinics to get a file with every column."
        )
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        return (
            f"The column “{repeated[0]}” appears more than once in the first row. Keep one column of each name, "
            "so it is clear which value to import."
        )
    return ""


def error_lines(result: Result) -> list[str]:
    """Every problem an import found, one line each, rows numbered as in the spreadsheet (for the command)."""
    lines = [str(error.error) for error in result.base_errors]
    problems: list[tuple[int, str]] = [
        (number, str(error.error)) for number, errors in result.row_errors() for error in errors
    ]
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            label = "" if column == "__all__" else f"{column}: "
            problems.extend((invalid.number, f"{label}{message}") for message in messages)
    lines.extend(f"Row {number}: {message}" for number, message in sorted(problems, key=lambda item: item[0]))
    return lines
