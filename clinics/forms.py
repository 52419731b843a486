"""The visitor search form: what /find/ accepts in its query string, checked before anything is looked up.

Every message here is written for a visitor who typed (or was sent) a bad link: it says what to do next.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from clinics.geocoding import MAX_QUERY_LENGTH
from clinics.nearby import SearchParams, parse_flag, split_slugs, unknown_services
from clinics.search import DEFAULT_LIMIT, DEFAULT_RADIUS_MILES, MAX_LIMIT, MAX_RADIUS_MILES

# The distances offered in the form; any other radius up to the maximum still works from a link.
RADIUS_CHOICES: tuple[int, ...] = (5, 10, 25, 50, 100, 250)
MIN_RADIUS_MILES = 0.1

# The query-string names that make a request to /find/ a search (anything else, e.g. utm_*, is ignored).
SEARCH_PARAMS = ("q", "lat", "lng", "radius", "service", "open_now", "limit")


def _shorten(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class ServiceSlugsField(forms.Field):
    """One or more service slugs, repeated (``service=a&service=b``) or comma-separated; blanks mean "any"."""

    widget = forms.SelectMultiple  # reads every value of a repeated parameter

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        return split_slugs([value] if isinstance(value, str) else value)

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        unknown = unknown_services(value)
        if unknown:
            raise ValidationError(
                "We don't offer a service called “%(name)s”. Choose a service from the list, or “Any service”.",
                code="unknown_service",
                params={"name": _shorten(unknown[0])},
            )


class OpenNowInput(forms.CheckboxInput):
    """A checkbox whose link value is read as the API reads it: "1", "true", "on"… or "0", "no", "off"…."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=lambda value: parse_flag(value) is True)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class OpenNowField(forms.Field):
    widget = OpenNowInput

    def to_python(self, value: Any) -> bool:
        flag = parse_flag(value)
        if flag is None:
            raise ValidationError("“Open now” must be on or off.", code="invalid")
        return flag


def coordinate_field(limit: float) -> forms.FloatField:
    """A latitude (90) or longitude (180) from "Use my location"; one message for anything wrong with it."""
    message = "Your location didn't come through correctly. Try “Use my location” again, or type a ZIP code."
    return forms.FloatField(
        required=False,
        min_value=-limit,
        max_value=limit,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), message),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="ZIP code, city or address",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": f"That is too long for a ZIP code, city or address. Use at most {MAX_QUERY_LENGTH} "
            "characters.",
        },
    )
    lat = coordinate_field(90)
    lng = coordinate_field(180)
    radius = forms.FloatField(
        label="Distance",
        required=False,
        min_value=MIN_RADIUS_MILES,
        max_value=MAX_RADIUS_MILES,
        error_messages={
            key: f"Choose a distance from the list (up to {MAX_RADIUS_MILES:g} miles)."
            for key in ("invalid", "min_value", "max_value")
        },
    )
    service = ServiceSlugsField(label="Service", required=False)
    open_now = OpenNowField(label="Open now", required=False)
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={
            key: f"We can show between 1 and {MAX_LIMIT} clinics at a time."
            for key in ("invalid", "min_value", "max_value")
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        # Only complain about a missing half when the other half itself was fine.
        if (lat is None) != (lng is None) and "lat" not in self.errors and "lng" not in self.errors:
            self.add_error(
                "lng" if lng is None else "lat",
                ValidationError(
                    "Your location was incomplete. Try “Use my location” again, or type a ZIP code.",
                    code="incomplete_location",
                ),
            )
        elif lat is None and not cleaned.get("q") and not self.errors:
            self.add_error(
                "q", ValidationError("Enter a ZIP code, a city and state, or an address.", code="empty_query")
            )
        return cleaned

    def search_params(self) -> SearchParams:
        """Only valid after ``is_valid()``; fills in the defaults a link may leave out."""
        data = self.cleaned_data
        return SearchParams(
            text=data.get("q") or "",
            latitude=data.get("lat"),
            longitude=data.get("lng"),
            radius_miles=data.get("radius") or DEFAULT_RADIUS_MILES,
            services=data.get("service") or [],
            open_now=bool(data.get("open_now")),
            limit=data.get("limit") or DEFAULT_LIMIT,
        )
