"""How long search demand is kept: SEARCH_DEMAND_RETENTION_DAYS days, purged by `manage.py purge_search_demand`."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from demand.models import SearchDemand


def oldest_kept(today: date | None = None, days: int | None = None) -> date:
    """The first day still kept: today and the days before it, ``days`` in all."""
    today = today or timezone.localdate()
    return today - timedelta(days=(days or settings.SEARCH_DEMAND_RETENTION_DAYS) - 1)


def purge(today: date | None = None, days: int | None = None) -> int:
    """Delete the rows older than the retention period; returns how many were deleted."""
    deleted, _ = SearchDemand.objects.filter(date__lt=oldest_kept(today, days)).delete()
    return deleted
