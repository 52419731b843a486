"""What visitors read of services and conditions, in every language of settings.LANGUAGES (django-modeltranslation).

Each field named here gets a column per language (``name_en``, ``name_es``); reading ``service.name`` gives the
active language's text, or English when that one is blank, so a Spanish page never shows a hole. English is
required, the others optional: a blank Spanish text is a translation still to write, which the admin's lists show
(clinics/admin.py, clinics/condition_admin.py).

The untranslated column (``name``) is kept by modeltranslation and always holds the English text: every write
goes through clinics/editing.py, which saves in English (``in_default_language``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db.models import Model, Q
from django.utils import translation
from modeltranslation import settings as mt_settings
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname, get_language

from clinics.accents import without_accents
from clinics.models import Condition, Service

T = TypeVar("T")

DEFAULT_LANGUAGE: str = mt_settings.DEFAULT_LANGUAGE
# The languages besides English that staff translate into ("es").
OTHER_LANGUAGES: tuple[str, ...] = tuple(lang for lang in mt_settings.AVAILABLE_LANGUAGES if lang != DEFAULT_LANGUAGE)


# The visitor-facing texts with a column per language, in form order.
SERVICE_TEXTS = ("name", "description")
CONDITION_TEXTS = ("name", "phrase", "description", "synonyms")


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = SERVICE_TEXTS
    required_languages = (DEFAULT_LANGUAGE,)
    # A blank Spanish name is stored as NULL: names are unique, and many services may lack a Spanish one.
    empty_values = {"name": None}


@register(Condition)
class ConditionTranslation(TranslationOptions):
    fields = CONDITION_TEXTS
    required_languages = (DEFAULT_LANGUAGE,)
    empty_values = {"name": None}


def localized(field: str, lang: str) -> str:
    """The column holding ``field`` in ``lang``: ('name', 'es') → 'name_es'."""
    return build_localized_fieldname(field, lang)


def translated_fields(model: type[Model]) -> tuple[str, ...]:
    """The fields of ``model`` that have a text per language ('name', 'description')."""
    return SERVICE_TEXTS if model is Service else CONDITION_TEXTS


def needs_translation(model: type[Model]) -> Q:
    """Rows with a visitor-facing text written in English but not yet in another language."""
    missing = Q()
    for field in translated_fields(model):
        english = localized(field, DEFAULT_LANGUAGE)
        for lang in OTHER_LANGUAGES:
            other = localized(field, lang)
            written = Q(**{f"{english}__isnull": False}) & ~Q(**{english: ""})
            missing |= written & (Q(**{f"{other}__isnull": True}) | Q(**{other: ""}))
    return missing


def untranslated(obj: Model) -> list[str]:
    """The fields of ``obj`` written in English and blank in another language ('name', 'description'), for staff."""
    return [
        field
        for field in translated_fields(type(obj))
        if getattr(obj, localized(field, DEFAULT_LANGUAGE))
        and any(not getattr(obj, localized(field, lang)) for lang in OTHER_LANGUAGES)
    ]


def sort_key(text: str) -> str:
    """Sorting names as a reader expects in any language: "Órtesis" beside "Ortopedia", not after "Z"."""
    return without_accents(text).casefold()


def in_reading_order(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """Rows the database gave in English order (by ``name_en``), in the order of their names as the active language
    shows them: unchanged in English, by ``sort_key`` in Spanish (where a blank translation shows the English)."""
    if get_language() == DEFAULT_LANGUAGE:
        return list(items)
    return sorted(items, key=lambda item: sort_key(name(item)))


@contextmanager
def in_default_language() -> Iterator[None]:
    """English inside, whatever language the request is in: writes set and save the English texts (what
    ``service.name = …`` means, and what the untranslated column keeps), and spreadsheets read and write numbers
    with a decimal point (clinics/importing.py)."""
    with translation.override(DEFAULT_LANGUAGE):
        yield
