"""Finding the condition a patient names in what they type: "pinched nerve near Moline" → pinched nerve, "Moline".

Patients arrive knowing what hurts, not which service treats it. Each condition (clinics.models.Condition) has a
name and the phrases patients use for it; a phrase matches when all its words appear together, in order, as whole
words, so "nerve" alone or "nervous" never means "pinched nerve". Words are compared after folding case, accents,
apostrophes and a plural "s" ("Parkinson's", "parkinsons", "pinched nerves"). When several phrases match, the
longest wins ("pinched nerve in my back" over "back pain"); the words around it are the place to search near.

The catalogue is a few dozen rows, read at most every ``LOCAL_SECONDS`` per process (edits through
clinics/editing.py are seen at once in the process that made them), so matching asks nothing of the database.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

LOCAL_SECONDS = 30.0

_TOKEN_RE = re.compile(r"\w+(?:['’]\w+)*")
# Words around a condition that belong to neither it nor the place: "sciatica treatment near me in Davenport".
_FILLER = frozenset(
    [
        "near",
        "nearby",
        "in",
        "around",
        "by",
        "close",
        "to",
        "for",
        "with",
        "me",
        "my",
        "a",
        "an",
        "the",
        "of",
        "at",
        "treatment",
        "treatments",
        "treat",
        "therapy",
        "therapist",
        "therapists",
        "clinic",
        "clinics",
        "help",
        "pt",
        "physical",
        "rehab",
        "doctor",
        "physio",
        "physiotherapy",
        "therapies",
        "office",
        "offices",
        "location",
        "locations",
        "appointment",
        "closest",
        "nearest",
        "best",
        "find",
        "where",
        "is",
        "are",
        "there",
        "any",
        "i",
        "need",
    ]
)


def fold(word: str) -> str:
    """One word as matching sees it: 'Parkinson’s' → 'parkinson', 'Nerves' → 'nerve', 'Mareo' → 'mareo'."""
    word = word.lower().replace("'", "").replace("’", "")
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    return tuple(fold(match.group()) for match in _TOKEN_RE.finditer(text))


@dataclass(frozen=True)
class ConditionEntry:
    """What matching and suggestions need of a condition, without the database."""

    slug: str
    name: str
    services: tuple[str, ...]  # service slugs that treat it
    phrases: tuple[str, ...]  # its name and synonyms, as staff wrote them
    phrase: str = ""  # how it reads after "Clinics that treat …": "a pinched nerve"

    @property
    def treated(self) -> str:
        return treated_heading(self.phrase, self.name)


@dataclass(frozen=True)
class ConditionMatch:
    condition: ConditionEntry
    phrase: str  # the text that matched, as the visitor typed it
    place: str  # the rest of the text, the place to search near ("" when there is none)


def treated_heading(phrase: str, name: str) -> str:
    """'Clinics that treat a pinched nerve' (the name, if staff gave no phrase)."""
    return f"Clinics that treat {phrase or name}"


class Catalogue:
    """The conditions and a phrase index over their names and synonyms."""

    def __init__(self, entries: Iterable[ConditionEntry]) -> None:
        self.entries = tuple(entries)
        # Each condition's phrases as matching sees them ("parkinson disease"), its name first: for suggestions.
        self.folded = {entry.slug: tuple(" ".join(words(phrase)) for phrase in entry.phrases) for entry in self.entries}
        self.by_slug = {entry.slug: entry for entry in self.entries}
        index: dict[tuple[str, ...], ConditionEntry] = {}
        for entry in self.entries:
            for phrase in entry.phrases:
                key = words(phrase)
                if key:
                    index.setdefault(key, entry)  # the first condition to claim a phrase keeps it
        self._index = index
        self._longest = max((len(key) for key in index), default=0)

    def treated_by(self, services: Iterable[str]) -> list[ConditionEntry]:
        """The conditions one of these services (slugs) treats: what a clinic offering them can help with."""
        offered = set(services)
        return [entry for entry in self.entries if offered.intersection(entry.services)]

    def match(self, text: str) -> ConditionMatch | None:
        """The condition named in ``text`` (the longest phrase found; the first of equals), or None.

        Other conditions named beside it ("pinched nerve back pain") are not part of the place."""
        found = self._first(text[:300])
        if found is None:
            return None
        place = found.place
        while place and (other := self._first(place)) is not None:
            place = other.place
        return ConditionMatch(found.condition, found.phrase, place)

    def _first(self, text: str) -> ConditionMatch | None:
        tokens = list(_TOKEN_RE.finditer(text))
        folded = [fold(token.group()) for token in tokens]
        best: tuple[int, int, ConditionEntry] | None = None  # (start token, length, entry)
        for length in range(min(self._longest, len(folded)), 0, -1):
            for start in range(len(folded) - length + 1):
                entry = self._index.get(tuple(folded[start : start + length]))
                if entry is not None:
                    best = (start, length, entry)
                    break
            if best:
                break
        if best is None:
            return None
        start, length, entry = best
        begin, end = tokens[start].start(), tokens[start + length - 1].end()
        return ConditionMatch(entry, text[begin:end], _place(text[:begin], text[end:]))


def _place(before: str, after: str) -> str:
    """The place around a condition, without the little words that joined them: '… near Moline, IL' → 'Moline, IL'."""
    return " ".join(part for part in (place_in(before), place_in(after)) if part)


def place_in(text: str) -> str:
    """``text`` without the words around a place that name no place: 'physical therapy near Moline' → 'Moline'.

    Only words at either end go, so a place or an address is never cut inside ("100 Clinic Road" stays);
    'physical therapy near me' is left with nothing, which is a search that needs the visitor's location."""
    tokens = list(_TOKEN_RE.finditer(text))
    start, end = 0, len(text)
    while tokens and fold(tokens[0].group()) in _FILLER:
        start = tokens.pop(0).end()
    while tokens and fold(tokens[-1].group()) in _FILLER and not _ends_with_a_state(tokens):
        end = tokens.pop().start()
    if not tokens:
        return ""
    # The visitor's own punctuation inside and after the place stays ("Omaha, Neb."); what joined it goes.
    begin = tokens[0].start() if start else 0
    return text[begin:end].strip(" \t,;:-")


def _ends_with_a_state(tokens: list[re.Match[str]]) -> bool:
    """'Gary, IN' and 'Portland ME' end with a state, 'near me' does not: a two-letter word after a place."""
    return len(tokens) > 1 and len(tokens[-1].group()) == 2 and fold(tokens[-2].group()) not in _FILLER


def _load() -> Catalogue:
    from clinics.models import Condition

    conditions = Condition.objects.prefetch_related("services").order_by("name")
    return Catalogue(
        ConditionEntry(
            slug=condition.slug,
            name=condition.name,
            services=tuple(sorted(service.slug for service in condition.services.all())),
            phrases=(condition.name, *condition.synonym_list),
            phrase=condition.phrase,
        )
        for condition in conditions
    )


class CatalogueCache:
    """The catalogue, read at most every LOCAL_SECONDS per process; ``forget()`` after an edit."""

    def __init__(self, load: Callable[[], Catalogue] = _load, clock: Callable[[], float] = time.monotonic) -> None:
        self._load, self._clock = load, clock
        self._kept: tuple[float, Catalogue] | None = None
        self._lock = threading.Lock()

    def get(self) -> Catalogue:
        kept = self._kept
        if kept is not None and self._clock() - kept[0] < LOCAL_SECONDS:
            return kept[1]
        with self._lock:
            kept = self._kept
            if kept is None or self._clock() - kept[0] >= LOCAL_SECONDS:
                kept = (self._clock(), self._load())
                self._kept = kept
            return kept[1]

    def forget(self) -> None:
        self._kept = None


catalogue = CatalogueCache()


def match_condition(text: str) -> ConditionMatch | None:
    """The condition a visitor's search text names, and the place beside it."""
    return catalogue.get().match(text)
