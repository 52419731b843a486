from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinics.history import purge


class Command(BaseCommand):
    help = (
        "Delete clinic versions (the admin's History) older than CLINIC_HISTORY_DAYS days; each clinic's newest "
        "version is kept. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Keep this many days instead of CLINIC_HISTORY_DAYS."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.CLINIC_HISTORY_DAYS
        if days <= 0:
            raise CommandError("--days must be more than 0.")
        deleted = purge(days=days)
        self.stdout.write(f"Deleted {deleted} clinic version(s) older than {days} days.")
