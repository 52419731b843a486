from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from import_export.results import RowResult
from tqdm import tqdm

from clinics.geocoding import patient_lookups
from clinics.history import attributed, command_reason
from clinics.importing import ClinicResource, error_lines
from clinics.spreadsheets import FORMATS, UnreadableFile, read_sheet


class ProgressFile:
    """A command's stderr for tqdm: written as given (OutputWrapper would end each redraw with a newline)."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")

    def flush(self) -> None:
        self.out.flush()


class Command(BaseCommand):
    help = (
        "Import clinics from a CSV or Excel (.xlsx) file: the admin's import, with the same checks, for files "
        "too big for the admin. A file with any bad row imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or .xlsx file, with the column names in its first row.")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="The file's format; by default taken from its extension (.csv or .xlsx).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row, and save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        file_format = options["format"] or path.suffix.lower().lstrip(".")
        if file_format not in FORMATS:
            raise CommandError(
                f"Can't tell the format of {path.name} from its name: add --format csv or --format xlsx."
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Can't read {path}: {exc.strerror or exc}.") from None
        try:
            dataset = read_sheet(data, file_format, max_rows=None, max_unpacked=None)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from None

        dry_run = options["dry_run"]
        with tqdm(
            total=len(dataset),
            desc="Checking" if dry_run else "Importing",
            unit="row",
            disable=options["no_progress"],
            file=ProgressFile(self.stderr),
        ) as progress:
            resource = ClinicResource(on_row=progress.update)
            # New clinics wait their turn for the geocoder rather than fall back; changes are signed with the command.
            with patient_lookups(), attributed(reason=command_reason("import_clinics")):
                result = resource.import_data(dataset, dry_run=dry_run)

        problems = error_lines(result)
        totals = result.totals
        unchanged = totals[RowResult.IMPORT_TYPE_SKIP] - len(resource.blank_rows)
        bad_rows = totals[RowResult.IMPORT_TYPE_ERROR] + totals[RowResult.IMPORT_TYPE_INVALID]
        summary = (
            f"{totals[RowResult.IMPORT_TYPE_NEW]} new, {totals[RowResult.IMPORT_TYPE_UPDATE]} updated, "
            f"{unchanged} unchanged, {bad_rows} with errors"
        )
        if resource.blank_rows:
            summary += f"; {len(resource.blank_rows)} blank rows skipped"
        self.stdout.write(f"{path.name}: {summary}.")
        for line in problems:
            self.stderr.write(f"  {line}")
        if problems:
            raise CommandError("Nothing was imported: correct the rows above and run the command again.")
        if dry_run:
            self.stdout.write("Dry run: every row passed the checks; nothing was saved.")
        else:
            self.stdout.write("Imported.")
