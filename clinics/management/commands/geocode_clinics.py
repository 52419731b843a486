from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from clinics.editing import clinics_relocate
from clinics.geocoding import patient_lookups
from clinics.history import attributed, command_reason
from clinics.models import Clinic, LocationSource


class Command(BaseCommand):
    help = (
        "Locate clinics from their addresses: street address through the configured geocoder, "
        "else ZIP or city centre. Pins placed by hand are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Also re-locate clinics that already have coordinates.")
        parser.add_argument(
            "--approximate", action="store_true", help="Re-locate only clinics placed at a ZIP or city centre."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = Clinic.objects.exclude(location_source=LocationSource.MANUAL).order_by("pk")
        if options["approximate"]:
            clinics = clinics.filter(location_source__in=[LocationSource.ZIP, LocationSource.CITY])
        elif not options["all"]:
            clinics = clinics.filter(latitude__isnull=True) | clinics.filter(longitude__isnull=True)
        progress = tqdm(list(clinics), desc="Locating", unit="clinic", disable=options["no_progress"], file=self.stderr)
        # A command waits its turn for the geocoder rather than fall back; its changes are signed with its name.
        with patient_lookups(), attributed(reason=command_reason("geocode_clinics")):
            report = clinics_relocate(progress)
        self.stdout.write(report.summary())
        for line in report.failures:
            self.stderr.write(f"  failed: {line}")
