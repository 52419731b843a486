"""The one entry point, ``geocode()``: what a visitor typed -> a Place, or a GeocodeFailure that says why not.

Order: reject what cannot be a place; a ZIP or "City, ST" from the offline index; a city alone
(the larger one in our home states); then a street address from the online geocoder, falling
back to the ZIP or city inside the address when there is none or it fails.
"""

from __future__ import annotations

import dataclasses
import re

from django.conf import settings
from django.utils.translation import gettext, ngettext

from clinics.conditions import place_in, words
from clinics.geocoding.offline import city_sizes, lookup_city, lookup_zip
from clinics.geocoding.online import geocode_online, online_geocoder_configured
from clinics.geocoding.parsing import ZIP_IN_TEXT_RE, ZIP_QUERY_RE, normalize_query, split_city_state
from clinics.geocoding.results import FailureCode, GeocodeFailure, GeocodeResult, Place
from clinics.states import US_STATES

MAX_QUERY_LENGTH = 200

# Control characters a place's name never holds (tab, line feed and carriage return are only spacing).
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# What validate_query accepts (up to MAX_QUERY_LENGTH characters): no control character and some letter or digit.
# Written in the syntax ECMA-262 and Python share, so that the API's OpenAPI schema states the same rule.
QUERY_PATTERN = f"^[^{_CONTROL}]*[0-9A-Za-z][^{_CONTROL}]*$"
_QUERY_RE = re.compile(QUERY_PATTERN)


def validate_query(text: str | None) -> GeocodeFailure | None:
    if text is None or not text.strip():
        return GeocodeFailure(FailureCode.EMPTY, gettext("Enter a ZIP code, a city and state, or an address."))
    if len(text) > MAX_QUERY_LENGTH:
        return GeocodeFailure(
            FailureCode.TOO_LONG,
            gettext("That is too long to be an address; use at most {most} characters.").format(most=MAX_QUERY_LENGTH),
        )
    if not _QUERY_RE.fullmatch(text):
        return GeocodeFailure(
            FailureCode.INVALID,
            gettext("That doesn't look like a place. Enter a ZIP code, a city and state, or an address."),
        )
    return None


def geocode(text: str | None) -> GeocodeResult:
    """Turn what a visitor typed into a Place, or a GeocodeFailure that says why not."""
    invalid = validate_query(text)
    if invalid:
        return invalid
    assert text is not None
    # "physical therapy near Moline" is a search near Moline; "physical therapy near me" names no place at all.
    named = place_in(text)
    if not named and words(text):
        return GeocodeFailure(
            FailureCode.NOT_FOUND,
            gettext("Where should we look? Type your ZIP code or town, for example 61265, or use your location."),
        )
    query = normalize_query(named or text)

    zip_match = ZIP_QUERY_RE.match(query)
    if zip_match:
        place = lookup_zip(zip_match[1])
        if place:
            return place
        return GeocodeFailure(
            FailureCode.NOT_FOUND,
            gettext("{zip} isn't a US ZIP code we know. Check the number and try again.").format(zip=zip_match[1]),
        )

    not_a_zip = _almost_a_zip(query)
    if not_a_zip:
        return GeocodeFailure(FailureCode.NOT_FOUND, not_a_zip)

    city_state = split_city_state(query)
    if city_state and not re.search(r"\d", city_state[0]):
        place = lookup_city(*city_state)
        if place:
            return place
        city, state = city_state
        return GeocodeFailure(
            FailureCode.NOT_FOUND,
            gettext(
                "We couldn't find a city called “{city}” in {state}. Check the spelling, or try a ZIP code."
            ).format(city=city.title(), state=US_STATES[state]),
        )

    if not re.search(r"\d", query):
        bare = _lookup_bare_city(query)
        if bare:
            return bare

    if online_geocoder_configured():
        result = geocode_online(text)
        if isinstance(result, Place) or not result.is_service_failure:
            return result
        return _fallback_from_address(query) or result

    return _fallback_from_address(query) or _address_unsupported(query)


# Text that can only be meant as a ZIP code: digits (with a dash or a space), or digits and a stray letter.
_ALMOST_ZIP_RE = re.compile(r"^(?:[\d -]{1,14}|\d{3,}[a-z]|[a-z]\d{3,})$")


def _almost_a_zip(query: str) -> str:
    """What is wrong with text meant as a ZIP code that is not one ("1234", "612655", "61265-12"), or ""."""
    if not _ALMOST_ZIP_RE.match(query) or not re.search(r"\d", query):
        return ""
    if query.isdigit():
        count = len(query)
        return ngettext(
            "“{query}” has {count} digit, but a ZIP code has 5, like 61265.",
            "“{query}” has {count} digits, but a ZIP code has 5, like 61265.",
            count,
        ).format(query=query, count=count)
    if re.fullmatch(r"\d{5}[ -]\d+", query):
        return gettext(
            "“{query}” isn't a ZIP+4 code. Enter the 5-digit ZIP code, like 61265, or all 9, like 61265-1234."
        ).format(query=query)
    return gettext("“{query}” isn't a ZIP code. A ZIP code has 5 digits, like 61265.").format(query=query)


def _lookup_bare_city(query: str) -> Place | GeocodeFailure | None:
    """A city typed without its state: the only one of that name, else the largest in our home states."""
    sizes = city_sizes(query)
    if not sizes:
        return None
    states = list(sizes)
    if len(states) == 1:
        return lookup_city(query, states[0])
    home = sorted((state for state in states if state in settings.HOME_STATES), key=sizes.__getitem__, reverse=True)
    if home and (len(home) == 1 or sizes[home[0]] > sizes[home[1]]):
        place = lookup_city(query, home[0])
        if place:
            city = place.label.split(",")[0]
            note = gettext("Showing clinics near {place}. Add the state if you meant another {city}.")
            return _with_note(place, note.format(place=place.label, city=city))
    first = lookup_city(query, states[0])
    city = first.label.split(",")[0] if first else query.title()
    return GeocodeFailure(
        FailureCode.NOT_FOUND,
        gettext("There is more than one {city}. Add the state, like “{city}, {state}”.").format(
            city=city, state=(home or states)[0]
        ),
    )


def _fallback_from_address(query: str) -> Place | None:
    """Without a street-address geocoder, use the ZIP or city inside an address, and say so."""
    no_streets_now = gettext("We can't look up street addresses right now, so we're showing clinics near {place}.")
    zip_match = ZIP_IN_TEXT_RE.search(query)
    if zip_match:
        place = lookup_zip(zip_match[1])
        if place:
            return _with_note(place, no_streets_now.format(place=zip_match[1]))
    if "," in query:
        tail = query.split(",", 1)[1]
        parts = split_city_state(tail)
        if parts:
            place = lookup_city(*parts)
            if place:
                return _with_note(place, no_streets_now.format(place=place.label))
    return None


def _with_note(place: Place, note: str) -> Place:
    """``note`` in the visitor's language: a Place is never cached with its note (only the geocoder's codes are)."""
    return dataclasses.replace(place, note=note)


def _address_unsupported(query: str) -> GeocodeFailure:
    if re.search(r"[a-z]", query) and not re.search(r"\d", query):
        return GeocodeFailure(
            FailureCode.NOT_FOUND,
            gettext("We couldn't find that place. Add the state (for example “Moline, IL”) or enter a ZIP code."),
        )
    return GeocodeFailure(
        FailureCode.ADDRESS_UNSUPPORTED,
        gettext(
            "We can't look up street addresses yet. Enter a ZIP code or a city and state, like “61265” or “Moline, IL”."
        ),
    )
