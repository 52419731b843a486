"""Search demand is kept SEARCH_DEMAND_RETENTION_DAYS days; `purge_search_demand` deletes the rest."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from demand.models import SearchDemand

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


def days_kept() -> list[int]:
    return sorted((TODAY - d).days for d in SearchDemand.objects.values_list("date", flat=True))


@pytest.fixture
def history():
    """A row for today and for 1, 29, 30, 31, 394, 395 and 400 days ago."""
    for ago in (0, 1, 29, 30, 31, 394, 395, 400):
        SearchDemand.objects.create(date=TODAY - timedelta(days=ago), area="61265", searches=1)


def purge(*args: str) -> str:
    out = StringIO()
    with time_machine.travel("2026-12-01 18:00:00+00:00", tick=False):
        call_command("purge_search_demand", *args, stdout=out)
    return out.getvalue()


def test_the_purge_keeps_the_configured_number_of_days(history):
    assert purge() == "Deleted 2 rows of search demand from before 2025-11-02.\n"
    assert days_kept() == [0, 1, 29, 30, 31, 394]  # 395 days, today included


def test_the_retention_comes_from_the_setting(history, settings):
    settings.SEARCH_DEMAND_RETENTION_DAYS = 30
    purge()
    assert days_kept() == [0, 1, 29]


def test_days_can_be_given_to_the_command(history):
    assert purge("--days", "2") == "Deleted 6 rows of search demand from before 2026-11-30.\n"
    assert days_kept() == [0, 1]


def test_a_second_purge_deletes_nothing(history):
    purge()
    assert purge().startswith("Deleted 0 rows")


def test_days_below_one_are_refused_and_delete_nothing(history):
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        purge("--days", "0")
    assert len(days_kept()) == 8
