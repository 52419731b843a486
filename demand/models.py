"""Search demand: how often each area searched, and how far its nearest clinic was, per day. Counters only."""

from __future__ import annotations

from django.db import models


class SearchDemand(models.Model):
    """One day's searches and Schedule clicks from one area with one filter, as counters.

    One row per (date, area, services, condition), its counters incremented in place, never one row per search.
    A row per request would be a visit log: the order and rhythm of one person's searches, from one ZIP, on one
    day, which the report does not need and the clinic should not keep. Counters also keep the table small (at
    most the areas searched times the filters used, per day) and the report's sums cheap.

    What a row never holds: an IP address, a street, coordinates, a user agent, a session or cookie, or a time
    of day. ``area`` is a 5-digit ZIP or a city as the offline index names it ("Moline, IL"); a search from
    "Use my location" (coordinates only) is not recorded at all.
    """

    date = models.DateField(help_text="The day of the searches, in the site's time zone (no time of day).")
    area = models.CharField(
        max_length=60,
        blank=True,
        help_text='The 5-digit ZIP or "City, ST" searched; empty for a Schedule click that did not come from a search.',
    )
    services = models.CharField(
        max_length=300, blank=True, help_text="The service filter: slugs in alphabetical order, comma-separated."
    )
    # For the condition filter to come. Empty, not NULL, for "none": a unique constraint treats every NULL as
    # different, so two searches without a condition would make two rows instead of counting in one.
    condition = models.CharField(max_length=100, blank=True, default="")
    searches = models.PositiveIntegerField(default=0)
    schedule_clicks = models.PositiveIntegerField(default=0)
    nearest_miles = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Miles to the nearest published clinic matching the filter, rounded; empty when none was found.",
    )

    class Meta:
        verbose_name = "search demand"
        verbose_name_plural = "search demand"
        constraints = [
            models.UniqueConstraint(
                fields=["date", "area", "services", "condition"], name="search_demand_one_row_per_day_area_filter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.area or '(not from a search)'} {self.services}".strip()
