"""Delete search demand older than SEARCH_DEMAND_RETENTION_DAYS (run daily: see the README)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demand.retention import oldest_kept, purge


class Command(BaseCommand):
    help = "Delete search demand older than SEARCH_DEMAND_RETENTION_DAYS days (or --days)."

    def add_arguments(self, parser: CommandParser) -> None:
        default = settings.SEARCH_DEMAND_RETENTION_DAYS
        parser.add_argument("--days", type=int, help=f"keep this many days (default {default})")

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more")
        first = oldest_kept(days=days)
        deleted = purge(days=days)
        self.stdout.write(f"Deleted {deleted} row{'s' if deleted != 1 else ''} of search demand from before {first}.")
