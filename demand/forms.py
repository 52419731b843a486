"""The report's choices: a date range, the distance that counts as "far", and how often is "often"."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from demand.report import ReportQuery

MAX_DAYS = 1000


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())
    miles = forms.IntegerField(
        label="Nearest clinic farther than (miles)", min_value=0, max_value=1000, help_text="For the unmet-demand list."
    )
    min_searches = forms.IntegerField(
        label="Searched at least (times)", min_value=1, max_value=1_000_000, help_text="In the whole period."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("start", f"Choose at most {MAX_DAYS} days.")
        return data

    def report_query(self) -> ReportQuery:
        data = self.cleaned_data
        return ReportQuery(data["start"], data["end"], data["miles"], data["min_searches"])


def defaults(today: date | None = None) -> dict[str, str]:
    """The last 30 days, "far" from the setting, "often" twice."""
    today = today or timezone.localdate()
    return {
        "start": (today - timedelta(days=29)).isoformat(),
        "end": today.isoformat(),
        "miles": str(settings.SEARCH_DEMAND_UNMET_MILES),
        "min_searches": "2",
    }


def report_form(query: QueryDict) -> ReportForm:
    """The form bound to the link's choices, each one missing taken from the defaults."""
    data = defaults()
    for name in ReportForm.base_fields:
        value = query.get(name, "")
        if isinstance(value, str) and value.strip():
            data[name] = value
    return ReportForm(data)
