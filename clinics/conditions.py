"""Finding the condition a patient names in what they type: "pinched nerve near Moline" → pinched nerve, "Moline".

Patients arrive knowing what hurts, not which service treats it. Each condition (clinics.models.Condition) has a
name and the phrases patients use for it; a phrase matches when all its words appear together, in order, as whole
words, so "nerve" alone or "nervous" never means "pinched nerve". Words are compared after folding case, accents,
apostrophes and a plural "s" ("Parkinson's", "parkinsons", "pinched nerves"). When several phrases match, the
longest wins ("pinched nerve in my back" over "back pain"); the words around it are the place to search near.

Conditions are named in English and Spanish (clinics/translation.py). A Spanish phrase matches on every page, as an
English one does: a Spanish reader on the English page ("ciática 61265") is still understood, and clean() keeps a
phrase to one condition across both languages, so matching both never makes a search ambiguous. Accents fold as
English ones do ("ciatica" = "ciática"). What the catalogue shows (a condition's name, "Clinics that treat …")
is in the active language, English where staff left the Spanish blank.

The catalogue is a few dozen rows, read at most every ``LOCAL_SECONDS`` per process (edits through
clinics/editing.py are seen at once in the process that made them), so matching asks nothing of the database.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext
from modeltranslation.utils import get_language

from clinics.accents import without_accents

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
        # Spanish: "ciática cerca de Moline", "tratamiento para el nervio pinzado en Davenport".
        "cerca",
        "en",
        "para",
        "con",
        "tratamiento",
        "tratamientos",
        "terapia",
        "terapias",
        "terapeuta",
        "fisioterapia",
        "fisioterapeuta",
        "clinica",
        "ayuda",
        "rehabilitacion",
        "doctora",
        "medico",
        "fisica",
        "fisicas",
        "mi",
        "casa",
        "aqui",
    ]
)
# Spanish words that join a filler to what follows ("cerca de Moline", "tratamiento del nervio pinzado"): little
# words only after such a filler, since alone they begin place names (De Witt, DeKalb, Del Rio).
_JOINERS = frozenset(["de", "del", "al", "a"])
_JOINED_AFTER = frozenset(
    ["cerca", "tratamiento", "tratamientos", "terapia", "fisioterapia", "ayuda", "clinica", "dolor"]
)
# Little words that belong to the condition just after them ("mi ciática", "el nervio pinzado"), never to a place:
# dropped only at the very end of the text before the condition.
_BEFORE_CONDITION = frozenset(["mi", "mis", "el", "la", "los", "las", "un", "una", "tengo", "dolor"])


def fold(word: str) -> str:
    """One word as matching sees it: 'Parkinson’s' → 'parkinson', 'Nerves' → 'nerve', 'Mareo' → 'mareo'."""
    word = word.lower().replace("'", "").replace("’", "")
    word = without_accents(word)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    return tuple(fold(match.group()) for match in _TOKEN_RE.finditer(text))


@dataclass(frozen=True)
class Translation:
    """A condition's texts in one language, as staff wrote them ("" where left blank)."""

    lang: str  # "es"
    name: str
    phrase: str
    phrases: tuple[str, ...]  # its name and synonyms in that language


@dataclass(frozen=True)
class ConditionEntry:
    """What matching and suggestions need of a condition, without the database."""

    slug: str
    name: str
    services: tuple[str, ...]  # service slugs that treat it
    phrases: tuple[str, ...]  # its name and synonyms, as staff wrote them (in every language: all are matched)
    phrase: str = ""  # how it reads after "Clinics that treat …": "a pinched nerve"
    translations: tuple[Translation, ...] = ()

    @property
    def treated(self) -> str:
        return treated_heading(self.phrase, self.name)

    def in_language(self, lang: str) -> ConditionEntry:
        """The condition as a reader of ``lang`` sees it: its name and phrase there, English where left blank; its
        name first among the phrases (suggestions read it there), every language's phrases still matched."""
        found = next((translation for translation in self.translations if translation.lang == lang), None)
        if found is None:
            return self
        name = found.name or self.name
        phrases = tuple(dict.fromkeys((name, *found.phrases, *self.phrases)))
        return replace(self, name=name, phrase=shown_phrase(found.phrase, found.name, self.phrase), phrases=phrases)


@dataclass(frozen=True)
class ConditionMatch:
    condition: ConditionEntry
    phrase: str  # the text that matched, as the visitor typed it
    place: str  # the rest of the text, the place to search near ("" when there is none)


def shown_phrase(phrase: str, name: str, english_phrase: str) -> str:
    """How a condition reads after "Clinics that treat …" in another language: its phrase there; else nothing,
    for the heading to use its name there; the English phrase only when that name is blank too."""
    return phrase or ("" if name else english_phrase)


def treated_heading(phrase: str, name: str) -> str:
    """'Clinics that treat a pinched nerve' (the name, if staff gave no phrase)."""
    return gettext("Clinics that treat {what}").format(what=phrase or name)


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
        self._languages: dict[str, Catalogue] = {}

    def in_language(self, lang: str) -> Catalogue:
        """The catalogue as a reader of ``lang`` sees it (ConditionEntry.in_language), built once per language."""
        if not any(translation.lang == lang for entry in self.entries for translation in entry.translations):
            return self
        found = self._languages.get(lang)
        if found is None:  # two threads may both build it: the same catalogue either way
            found = self._languages[lang] = Catalogue(entry.in_language(lang) for entry in self.entries)
        return found

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
    """The place around a condition, without the little words that joined them: '… near Moline, IL' → 'Moline, IL',
    'cerca de Moline' → 'Moline'."""
    return " ".join(part for part in (place_in(before, before_condition=True), place_in(after)) if part)


def place_in(text: str, *, before_condition: bool = False) -> str:
    """``text`` without the words around a place that name no place: 'physical therapy near Moline' → 'Moline'.

    Only words at either end go, so a place or an address is never cut inside ("100 Clinic Road" stays);
    'physical therapy near me' is left with nothing, which is a search that needs the visitor's location.
    ``before_condition``: the text ends where a condition begins, so "mi" in "Moline mi ciática" goes too."""
    tokens = list(_TOKEN_RE.finditer(text))
    folded = [fold(token.group()) for token in tokens]
    joining = [_joins(folded, index) for index in range(len(folded))]
    start, end = 0, len(text)
    while tokens and joining[0]:
        start = tokens.pop(0).end()
        folded.pop(0), joining.pop(0)
    while tokens and (
        (joining[-1] and not _ends_with_a_state(folded)) or (before_condition and folded[-1] in _BEFORE_CONDITION)
    ):
        end = tokens.pop().start()
        folded.pop(), joining.pop()
    if not tokens:
        return ""
    # The visitor's own punctuation inside and after the place stays ("Omaha, Neb."); what joined it goes.
    begin = tokens[0].start() if start else 0
    return text[begin:end].strip(" \t,;:-")


def _ends_with_a_state(folded: list[str]) -> bool:
    """'Gary, IN' and 'Portland ME' end with a state, 'near me' does not: a two-letter word after a place."""
    last = folded[-1]
    return len(folded) > 1 and len(last) == 2 and last in _FILLER and folded[-2] not in _FILLER | _JOINERS


def _joins(folded: list[str], index: int) -> bool:
    """Whether the word at ``index`` only joins the condition to the place: a filler, or "de" after one."""
    word = folded[index]
    return word in _FILLER or (word in _JOINERS and index > 0 and folded[index - 1] in _JOINED_AFTER)


def condition_entry(slug: str, services: Iterable[str], texts: dict[str, Translation]) -> ConditionEntry:
    """A condition as the catalogue holds it, from its texts by language (English required, the others may be
    blank): English name and phrase, every language's phrases to match, the translations for other readers."""
    from clinics.translation import DEFAULT_LANGUAGE

    english = texts[DEFAULT_LANGUAGE]
    others = tuple(text for lang, text in texts.items() if lang != DEFAULT_LANGUAGE)
    return ConditionEntry(
        slug=slug,
        name=english.name,
        services=tuple(sorted(services)),
        phrases=tuple(dict.fromkeys([*english.phrases, *(phrase for text in others for phrase in text.phrases)])),
        phrase=english.phrase,
        translations=others,
    )


def _load() -> Catalogue:
    from clinics.models import Condition
    from clinics.translation import DEFAULT_LANGUAGE, OTHER_LANGUAGES, localized

    conditions = Condition.objects.prefetch_related("services").order_by(localized("name", DEFAULT_LANGUAGE))
    return Catalogue(
        condition_entry(
            condition.slug,
            (service.slug for service in condition.services.all()),
            {
                lang: Translation(
                    lang,
                    getattr(condition, localized("name", lang)) or "",
                    getattr(condition, localized("phrase", lang)) or "",
                    tuple(condition.phrases_in(lang)),
                )
                for lang in (DEFAULT_LANGUAGE, *OTHER_LANGUAGES)
            },
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
        """The catalogue in the active language (names and phrases shown; every language's phrases matched)."""
        return self._get().in_language(get_language())

    def _get(self) -> Catalogue:
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
