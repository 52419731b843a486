"""Staff write each visitor-facing text of a service or condition in English and in Spanish, side by side.

The English text keeps its field's own name in the form (``name``), so it is what it always was; the Spanish one
sits beside it (``name_es``), labelled, and may be left blank: visitors reading Spanish then see the English text.
The lists show which rows still lack Spanish, so staff can finish them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from modeltranslation import settings as mt_settings

from clinics.translation import (
    DEFAULT_LANGUAGE,
    OTHER_LANGUAGES,
    in_default_language,
    localized,
    needs_translation,
    translated_fields,
    untranslated,
)

LANGUAGE_NAMES = dict(mt_settings.settings.LANGUAGES)  # "en" → "English", "es" → "Español"


FALLBACK_HELP = "Left blank, visitors reading Spanish see the English text."


class BilingualForm(forms.ModelForm):
    """A model form whose translated fields are ``name`` (English) and ``name_es`` (Spanish), labelled so."""

    # Help for a translated field's other-language box, where the English field's own help does not fit.
    translation_help: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with in_default_language():  # ``name`` is the English text, whatever language the admin is in
            super().__init__(*args, **kwargs)
        for field in translated_fields(self._meta.model):
            if field in self.fields:
                english = self.fields[field]
                english.label = f"{capfirst(str(english.label))} ({LANGUAGE_NAMES[DEFAULT_LANGUAGE]})"
            for lang in OTHER_LANGUAGES:
                other = self.fields.get(localized(field, lang))
                if other is None:
                    continue
                name = self._meta.model._meta.get_field(field).verbose_name
                other.label = f"{capfirst(str(name))} ({LANGUAGE_NAMES[lang]})"
                other.help_text = self.translation_help.get(field, FALLBACK_HELP)
                other.widget.attrs["lang"] = lang

    class Media:
        css = {"all": ("clinics/admin/bilingual.css",)}

    def full_clean(self) -> None:
        with in_default_language():  # the form's ``name`` sets the English column
            super().full_clean()


def side_by_side(model: type[Model], *fields: str) -> tuple[str | tuple[str, ...], ...]:
    """A form's rows: each translated field as one row, English then Spanish; the others as they are."""
    translated = translated_fields(model)
    return tuple(
        (field, *(localized(field, lang) for lang in OTHER_LANGUAGES)) if field in translated else field
        for field in fields
    )


def flat(rows: tuple[str | tuple[str, ...], ...]) -> tuple[str, ...]:
    """The fields of ``side_by_side``'s rows, for a form's Meta."""
    return tuple(field for row in rows for field in ((row,) if isinstance(row, str) else row))


def both_languages(*fields: str) -> tuple[str, ...]:
    """The form fields that hold ``fields`` in every language: ('synonyms',) → ('synonyms', 'synonyms_es')."""
    return tuple(name for field in fields for name in (field, *(localized(field, lang) for lang in OTHER_LANGUAGES)))


class TranslationMissingFilter(admin.SimpleListFilter):
    title = "Spanish text"
    parameter_name = "spanish"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("missing", "Still to translate"), ("done", "Translated")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        missing = needs_translation(queryset.model)
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "done":
            return queryset.exclude(missing)
        return queryset


@admin.display(description="Spanish")
def spanish_status(obj: Model) -> str:
    """'Translated', or what is still in English only: 'Missing: name, description'."""
    gaps = untranslated(obj)
    return f"Missing: {', '.join(gaps)}" if gaps else "Translated"
