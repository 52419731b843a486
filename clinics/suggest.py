"""Suggestions as a visitor types: ZIP codes, cities and conditions, from the offline data, in a few microseconds.

Everything comes from memory: the offline ZIP/city index (clinics/geocoding/offline.py) and the condition
catalogue (clinics/conditions.py). The ZIPs and cities are sorted once per process into prefix lists, home states
(settings.HOME_STATES: where Rock Valley's clinics are) apart from the rest, so a prefix is two binary searches and
the home states' matches come first. Bigger cities come before smaller ones of the same prefix.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError

from clinics.conditions import catalogue, match_condition, words
from clinics.geocoding.offline import city_key, offline_index
from clinics.states import STATE_LOOKUP

log = logging.getLogger(__name__)

LIMIT = 8
MIN_CITY_CHARS = 2
_DIGITS_RE = re.compile(r"^\d{1,5}$")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "zip", "city" or "condition"
    label: str  # what the list shows: "61265 · Moline, IL"
    value: str  # what goes into the search box: "61265"
    slug: str = ""  # a condition's slug


@dataclass(frozen=True)
class _Entry:
    key: str  # the sort and prefix key
    rank: int  # smaller first among one prefix's matches
    suggestion: Suggestion


@dataclass(frozen=True)
class _PrefixList:
    keys: list[str]
    entries: list[_Entry]

    def starting(self, prefix: str) -> list[_Entry]:
        start = bisect.bisect_left(self.keys, prefix)
        end = bisect.bisect_left(self.keys, prefix + "\uffff", lo=start)
        return self.entries[start:end]


def _prefix_list(entries: list[_Entry]) -> _PrefixList:
    entries.sort(key=lambda entry: entry.key)
    return _PrefixList([entry.key for entry in entries], entries)


@dataclass(frozen=True)
class _Index:
    zips: tuple[_PrefixList, _PrefixList]  # home states', the others'
    cities: tuple[_PrefixList, _PrefixList]


@lru_cache(maxsize=1)
def _index() -> _Index:
    home = set(settings.HOME_STATES)
    offline = offline_index()
    zips: tuple[list[_Entry], list[_Entry]] = ([], [])
    names: set[str] = set()
    for code, area in offline.zips.items():
        place = area.label.rsplit(" ", 1)[0]  # "Moline, IL 61265" → "Moline, IL"
        state = place.rsplit(", ", 1)[-1]
        names.add(place)
        zips[state not in home].append(_Entry(code, 0, Suggestion("zip", f"{code} · {place}", code)))
    # Each place under its own name only: the index also knows other names for many places (a ZIP's
    # "acceptable cities", run together as "Newyorkcity"), which find a place when typed but read badly in a list.
    cities: tuple[list[_Entry], list[_Entry]] = ([], [])
    for key, state in {(city_key(place.rsplit(", ", 1)[0]), place.rsplit(", ", 1)[1]) for place in names}:
        city = offline.cities.get((key, state))
        if city is not None:
            cities[state not in home].append(_Entry(key, -city.zip_count, Suggestion("city", city.label, city.label)))
    return _Index(
        zips=(_prefix_list(zips[0]), _prefix_list(zips[1])),
        cities=(_prefix_list(cities[0]), _prefix_list(cities[1])),
    )


def warm_up() -> None:
    """Load the offline geocoder and build the prefix lists now, not while the first visitor types."""
    _index()


def _places(lists: tuple[_PrefixList, _PrefixList], prefix: str, limit: int) -> list[Suggestion]:
    found: list[Suggestion] = []
    for prefix_list in lists:  # home states first
        matches = prefix_list.starting(prefix)
        if len(matches) > 500:  # a one- or two-letter prefix: the biggest places are enough
            matches = sorted(matches, key=lambda entry: entry.rank)[: limit * 4]
        found += [entry.suggestion for entry in sorted(matches, key=lambda entry: (entry.rank, entry.key))]
        if len(found) >= limit:
            break
    return found[:limit]


def _conditions(text: str, limit: int) -> list[Suggestion]:
    """Conditions with a phrase that starts with the text, or whose name has a word that does ("back" → "Low back
    pain"); the last word may be half typed. Words deeper inside a phrase ("knots in my back") are not enough."""
    typed = " ".join(words(text))
    if len(typed) < MIN_CITY_CHARS:
        return []
    try:
        known = catalogue.get()
    except DatabaseError:  # the places need no database; they are still worth suggesting
        log.warning("suggestions: the condition catalogue cannot be read", exc_info=True)
        return []
    found = []
    for entry in known.entries:
        name, *_ = phrases = known.folded[entry.slug]  # the name is the first phrase
        if f" {typed}" in f" {name}" or any(phrase.startswith(typed) for phrase in phrases):
            found.append(Suggestion("condition", entry.name, entry.name, entry.slug))
    return found[:limit]


def suggest(text: str, limit: int = LIMIT) -> list[Suggestion]:
    """What the visitor may be typing: ZIP codes for digits; conditions, then cities, for words; and after a
    condition ("pinched nerve near mol"), the places for the rest, each with the condition kept in front."""
    text = text.strip()[:100]
    if not text:
        return []
    if _DIGITS_RE.match(text):
        return _place_suggestions(text, limit)
    conditions = _conditions(text, limit)
    if not conditions and (after := _after_condition(text)) is not None:
        lead, place = after
        return [
            Suggestion(found.kind, f"{lead}{found.label}", f"{lead}{found.value}")
            for found in _place_suggestions(place, limit)
        ]
    return (conditions + _place_suggestions(text, limit))[:limit]


def _place_suggestions(text: str, limit: int) -> list[Suggestion]:
    if _DIGITS_RE.match(text):
        return _places(_index().zips, text, limit)
    key = city_key(text.split(",")[0])
    cities = _places(_index().cities, key, limit) if len(key) >= MIN_CITY_CHARS else []
    # "Moline, I" narrows the cities to the state typed after the comma; "Moline, Ill" to the state it names.
    typed = text.split(",", 1)[1].strip().rstrip(".") if "," in text else ""
    if typed:
        state = STATE_LOOKUP.get(typed.lower(), typed.upper())
        cities = [city for city in cities if city.label.rsplit(", ", 1)[-1].startswith(state)]
    return cities


def _after_condition(text: str) -> tuple[str, str] | None:
    """'Pinched nerve near mol' → ('Pinched nerve near ', 'mol'): the text up to the place, and the place."""
    try:
        named = match_condition(text)
    except DatabaseError:
        return None
    if named is None or not named.place or not text.endswith(named.place):
        return None
    return text[: len(text) - len(named.place)], named.place
