"""The condition catalogue in the admin: staff edit what patients call their problem and the services that treat it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from modeltranslation.utils import get_translation_fields

from clinics.bilingual_admin import (
    BilingualForm,
    TranslationMissingFilter,
    both_languages,
    flat,
    side_by_side,
    spanish_status,
)
from clinics.conditions import catalogue
from clinics.editing import condition_delete, condition_save
from clinics.models import Condition

FORM_ROWS = side_by_side(
    Condition, "name", "slug", "phrase", "description", "synonyms", "services", "source", "is_sample"
)


class ConditionForm(BilingualForm):
    translation_help = {
        "phrase": "How it reads in Spanish after “Clinics that treat …”: “un nervio pinzado”, “la ciática” "
        "(blank: its Spanish name, or the English phrase if that is blank too).",
        "synonyms": "Other words Spanish-speaking patients use, one phrase per line (“nervio atrapado”). "
        "They are matched on every page, so none may mean another condition in either language.",
    }

    class Meta:
        model = Condition
        fields = flat(FORM_ROWS)
        widgets = {
            **{field: forms.Textarea(attrs={"rows": 4, "cols": 40}) for field in both_languages("description")},
            **{field: forms.Textarea(attrs={"rows": 6, "cols": 40}) for field in both_languages("synonyms")},
        }


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    """The catalogue: each condition's name, phrase, description and synonyms in English and Spanish side by
    side (clinics/bilingual_admin.py); Spanish phrases are matched in searches as English ones are."""

    form = ConditionForm
    list_display = ("name", "service_list", "is_sample", spanish_status)
    list_filter = ("is_sample", TranslationMissingFilter, "services")
    search_fields = get_translation_fields("name", "synonyms", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = FORM_ROWS
    formfield_overrides = {Condition.services.field.__class__: {"widget": forms.CheckboxSelectMultiple}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Condition]:
        return super().get_queryset(request).prefetch_related("services")

    @admin.display(description="Treated by")
    def service_list(self, obj: Condition) -> str:
        return ", ".join(service.name for service in obj.services.all())

    def save_model(self, request: HttpRequest, obj: Condition, form: forms.ModelForm, change: bool) -> None:
        condition_save(condition=obj)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        catalogue.forget()  # the services were set by the form, after condition_save

    def delete_model(self, request: HttpRequest, obj: Condition) -> None:
        condition_delete(condition=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Condition]) -> None:
        for condition in queryset:
            condition_delete(condition=condition)
