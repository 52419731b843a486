"""Services and conditions in English and Spanish (clinics/translation.py): what each language reads, the English
where a Spanish text is blank, and staff writing both in the admin, with nothing English changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clinics import editing, history
from clinics.counts import state_counts
from clinics.importing import ClinicResource
from clinics.models import Clinic, Condition, Service
from clinics.roles import CLINIC_EDITOR
from clinics.translation import needs_translation
from tests.test_importing import snapshot

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def english_column(model, pk: int, field: str) -> str:
    """The untranslated column as stored (modeltranslation's ``rewrite(False)`` reads it, not the active language's)."""
    return model.objects.rewrite(False).filter(pk=pk).values_list(field, flat=True).get()


# --- What each language reads ----------------------------------------------------------------------------------


def test_a_service_reads_in_spanish_under_spanish_and_in_english_otherwise(demo_data):
    service = Service.objects.get(slug="vestibular-rehabilitation")
    with translation.override("es"):
        assert (service.name, service.description) == (
            "Rehabilitación vestibular",
            "Tratamiento para los mareos, el vértigo y los problemas de equilibrio (VPPB).",
        )
    assert (service.name, service.description) == (
        "Vestibular rehabilitation",
        "Treatment for dizziness, vertigo and balance problems (BPPV).",
    )


def test_a_condition_reads_in_spanish_under_spanish(demo_data):
    condition = Condition.objects.get(slug="sciatica")
    with translation.override("es"):
        assert (condition.name, condition.phrase, condition.phrase_shown) == ("Ciática", "la ciática", "la ciática")
        assert condition.synonym_list[0] == "dolor ciático"
    assert (condition.name, condition.treated) == ("Sciatica", "Clinics that treat sciatica")


def test_a_blank_spanish_text_reads_as_the_english():
    service = Service(name="Aquatic therapy", slug="aquatic-therapy", description="Therapy in a warm pool.")
    editing.service_save(service=service)
    condition = Condition(name="Whiplash", slug="whiplash", phrase="whiplash", description="A neck injury.")
    editing.condition_save(condition=condition, services=[service])
    service.refresh_from_db()
    condition.refresh_from_db()
    assert service.name_es is None and not service.description_es
    with translation.override("es"):
        assert (service.name, service.description) == ("Aquatic therapy", "Therapy in a warm pool.")
        assert (condition.name, condition.description, condition.phrase_shown) == (
            "Whiplash",
            "A neck injury.",
            "whiplash",
        )


def test_a_spanish_name_without_a_spanish_phrase_heads_with_the_spanish_name():
    condition = Condition(name="Whiplash", slug="whiplash", phrase="whiplash", description="A neck injury.")
    condition.name_es = "Latigazo cervical"
    with translation.override("es"):
        assert (condition.name, condition.phrase_shown) == ("Latigazo cervical", "")  # the heading reads the name


def test_many_services_may_lack_a_spanish_name_but_two_may_not_share_one():
    for slug in ("aquatic-therapy", "hand-therapy"):
        editing.service_save(service=Service(name=slug.replace("-", " ").capitalize(), slug=slug))
    assert Service.objects.filter(name_es__isnull=True).count() == 2
    Service.objects.filter(slug="aquatic-therapy").update(name_es="Terapia acuática")
    twin = Service(name="Pool therapy", slug="pool-therapy", name_es="Terapia acuática")
    with pytest.raises(ValidationError) as caught:
        editing.service_save(service=twin)
    assert "name_es" in caught.value.message_dict
    assert not Service.objects.filter(slug="pool-therapy").exists()


def test_saving_while_spanish_is_active_keeps_the_english_text_in_the_untranslated_column():
    service = Service(name="Hand therapy", slug="hand-therapy")
    editing.service_save(service=service)
    with translation.override("es"):
        service.name = "Terapia de la mano"  # in Spanish, the Spanish name
        editing.service_save(service=service)
    service.refresh_from_db()
    assert (service.name_en, service.name_es) == ("Hand therapy", "Terapia de la mano")
    assert english_column(Service, service.pk, "name") == "Hand therapy"


def test_english_is_required_even_when_spanish_is_written():
    with pytest.raises(ValidationError) as caught:
        editing.service_save(service=Service(slug="dry-needling", name_es="Punción seca"))
    assert "name" in caught.value.message_dict


# --- Caches: one read serves both languages ---------------------------------------------------------------------


def test_the_service_filter_lists_names_in_the_active_language_from_one_count(demo_data, django_assert_num_queries):
    state_counts.forget()
    english = dict(state_counts.get().services)
    with django_assert_num_queries(0), translation.override("es"):
        spanish = state_counts.get().services
    assert english["vestibular-rehabilitation"] == "Vestibular rehabilitation"
    assert dict(spanish)["vestibular-rehabilitation"] == "Rehabilitación vestibular"
    assert [name for _, name in spanish] == sorted((name for _, name in spanish), key=lambda n: n.replace("ó", "o"))
    assert [slug for slug, _ in state_counts.get().services] == sorted(english, key=english.__getitem__)


def test_a_spanish_rename_is_seen_at_once(demo_data):
    service = Service.objects.get(slug="aquatic-therapy")
    with translation.override("es"):
        assert dict(state_counts.get().services)["aquatic-therapy"] == "Terapia acuática"
    service.name_es = "Terapia en el agua"
    editing.service_save(service=service)
    with translation.override("es"):
        assert dict(state_counts.get().services)["aquatic-therapy"] == "Terapia en el agua"


# --- History, import and export ---------------------------------------------------------------------------------


def test_a_clinics_history_names_its_services_in_the_readers_language(demo_data):
    clinic = Clinic.objects.get(slug="burlington")
    aquatic = Service.objects.get(slug="aquatic-therapy")
    editing.set_services(clinic=clinic, services=[*clinic.services.all(), aquatic])
    with translation.override("es"):
        assert "services: + Terapia acuática" in history.entries(clinic.pk)[0].changes
    assert "services: + Aquatic therapy" in history.entries(clinic.pk)[0].changes


def test_translating_a_service_adds_no_clinic_version(demo_data):
    clinic = Clinic.objects.get(slug="burlington")
    before = history.versions_of(clinic.pk).count()
    service = clinic.services.first()
    service.name_es, service.description_es = "Terapia física (revisada)", "Texto revisado."
    editing.service_save(service=service)
    assert history.versions_of(clinic.pk).count() == before


def test_an_export_made_in_spanish_is_the_english_one_and_imports_back_unchanged(demo_data):
    english = ClinicResource().export()
    with translation.override("es"):
        spanish = ClinicResource().export()
        assert spanish.dict == english.dict  # services by slug: no language in them
        before = snapshot()
        result = ClinicResource().import_data(spanish, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 13
    assert snapshot() == before


# --- Demo data --------------------------------------------------------------------------------------------------


def test_every_demo_service_and_condition_has_draft_spanish_texts():
    for name, fields in (
        ("services.json", ("name_es", "description_es")),
        ("conditions.json", ("name_es", "phrase_es", "description_es", "synonyms_es")),
    ):
        for row in json.loads((FIXTURES / name).read_text(encoding="utf-8")):
            assert row["translation_status"] == "draft", row["slug"]
            assert all(row[field] for field in fields), row["slug"]


def test_demo_data_loads_both_languages_and_nothing_lacks_spanish(demo_data):
    assert not Service.objects.filter(needs_translation(Service)).exists()
    assert not Condition.objects.filter(needs_translation(Condition)).exists()
    assert Condition.objects.get(slug="vertigo-and-dizziness").name_es == "Vértigo y mareos"


# --- The admin --------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123"))
    return client


def service_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Aquatic therapy",
        "name_es": "Terapia acuática",
        "slug": "aquatic-therapy",
        "description": "Therapy in a warm pool.",
        "description_es": "Terapia en una piscina de agua tibia.",
        **overrides,
    }


def test_the_service_form_shows_both_languages_labelled(demo_data, staff_client):
    service = Service.objects.get(slug="dry-needling")
    page = staff_client.get(reverse("admin:clinics_service_change", args=[service.pk])).content.decode()
    for label in ("Name (English)", "Name (Español)", "Description (English)", "Description (Español)"):
        assert f">{label}:</label>" in page
    assert 'value="Dry needling"' in page and 'value="Punción seca"' in page
    assert 'lang="es"' in page


def test_staff_add_a_service_in_both_languages(staff_client):
    response = staff_client.post(reverse("admin:clinics_service_add"), service_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(slug="aquatic-therapy")
    assert (service.name_en, service.name_es) == ("Aquatic therapy", "Terapia acuática")
    assert service.description_es == "Terapia en una piscina de agua tibia."


def test_staff_may_leave_the_spanish_blank_and_the_list_shows_it_missing(staff_client):
    response = staff_client.post(reverse("admin:clinics_service_add"), service_form(name_es="", description_es=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Service.objects.get(slug="aquatic-therapy").name_es is None
    listing = staff_client.get(reverse("admin:clinics_service_changelist"), {"spanish": "missing"}).content.decode()
    assert "Aquatic therapy" in listing and "Missing: name, description" in listing
    done = staff_client.get(reverse("admin:clinics_service_changelist"), {"spanish": "done"}).content.decode()
    assert "Aquatic therapy" not in done


def test_the_admin_in_spanish_still_saves_the_english_field_as_english(staff_client):
    with translation.override("es"):  # and in the way a Spanish browser asks for it, once pages choose a language
        response = staff_client.post(reverse("admin:clinics_service_add"), service_form(), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(slug="aquatic-therapy")
    assert (service.name_en, service.name_es) == ("Aquatic therapy", "Terapia acuática")
    assert english_column(Service, service.pk, "name") == "Aquatic therapy"


def test_staff_edit_a_conditions_spanish_texts(demo_data, staff_client):
    condition = Condition.objects.get(slug="neck-pain")
    page = staff_client.get(reverse("admin:clinics_condition_change", args=[condition.pk])).content.decode()
    assert ">Synonyms (Español):</label>" in page and "cuello tieso" in page
    form = {
        "name": condition.name_en,
        "name_es": "Dolor de cuello",
        "slug": condition.slug,
        "phrase": condition.phrase_en,
        "phrase_es": "el dolor de cuello",
        "description": condition.description_en,
        "description_es": "Dolor o rigidez en el cuello.",
        "synonyms": condition.synonyms_en,
        "synonyms_es": "cuello tieso\nnuca adolorida",
        "services": [str(pk) for pk in condition.services.values_list("pk", flat=True)],
        "source": condition.source,
        "is_sample": "on",
    }
    response = staff_client.post(reverse("admin:clinics_condition_change", args=[condition.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    condition.refresh_from_db()
    assert condition.synonyms_es == "cuello tieso\nnuca adolorida"
    assert condition.synonyms_en == form["synonyms"]
    from clinics.conditions import match_condition

    found = match_condition("nuca adolorida en Moline")
    assert found is not None and found.condition.slug == "neck-pain" and found.place == "Moline"


def test_a_clashing_spanish_synonym_is_shown_beside_the_spanish_field(demo_data, staff_client):
    condition = Condition.objects.get(slug="neck-pain")
    form = {
        "name": condition.name_en,
        "slug": condition.slug,
        "description": condition.description_en,
        "synonyms_es": "lumbago",  # low back pain's
        "services": [str(pk) for pk in condition.services.values_list("pk", flat=True)],
    }
    response = staff_client.post(reverse("admin:clinics_condition_change", args=[condition.pk]), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["synonyms_es"] == [
        "“lumbago” already means Low back pain; a phrase can mean one condition only. Remove it here, or from that "
        "condition first."
    ]


def test_a_clinic_editor_translates_services_as_before(demo_data, client):
    editor = User.objects.create_user("editor", password="pw-editor-123", is_staff=True)
    editor.groups.add(Group.objects.get(name=CLINIC_EDITOR))
    client.force_login(editor)
    service = Service.objects.get(slug="hand-therapy")
    form = {
        "name": service.name_en,
        "name_es": "Terapia para la mano",
        "slug": service.slug,
        "description": service.description_en,
        "description_es": service.description_es,
    }
    response = client.post(reverse("admin:clinics_service_change", args=[service.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.name_es == "Terapia para la mano"
    assert client.get(reverse("admin:clinics_service_delete", args=[service.pk])).status_code == 403


# --- Migration 0015 ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_services_and_conditions_from_before_spanish_keep_their_english_texts():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("clinics", "0014_clinic_versions_special_hours")],
        [("clinics", "0015_services_and_conditions_in_spanish")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("clinics", "Condition").objects.all().delete()
    old_apps.get_model("clinics", "Service").objects.all().delete()
    old_apps.get_model("clinics", "Service").objects.create(
        name="Hand therapy", slug="hand-therapy", description="Splints."
    )
    old_apps.get_model("clinics", "Condition").objects.create(
        name="Trigger finger",
        slug="trigger-finger",
        phrase="trigger finger",
        description="A finger that locks.",
        synonyms="locking finger",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    service = new_apps.get_model("clinics", "Service").objects.get()
    condition = new_apps.get_model("clinics", "Condition").objects.get()
    assert (service.name_en, service.description_en, service.name_es) == ("Hand therapy", "Splints.", None)
    assert (condition.name_en, condition.phrase_en, condition.description_en, condition.synonyms_en) == (
        "Trigger finger",
        "trigger finger",
        "A finger that locks.",
        "locking finger",
    )
    assert condition.name_es is None and not condition.synonyms_es
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_start_up_with_translations_imports_no_geodjango():
    """django-modeltranslation and its admin load without GeoDjango, which needs GDAL (not installed in production)."""
    import os
    import subprocess
    import sys

    script = (
        "import sys, django; django.setup(); import clinics.admin, clinics.condition_admin, clinics.translation; "
        "print(sorted(name for name in sys.modules if name.startswith('django.contrib.gis')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "locator.settings", "ENV_FILE": "/dev/null"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=FIXTURES.parent, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
