"""Conditions named in Spanish: phrasings → condition and place, accents folded, on the Spanish and English pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from clinics.conditions import Catalogue, Translation, condition_entry, match_condition
from clinics.editing import condition_save
from clinics.models import Condition, Service
from clinics.suggest import suggest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def demo_catalogue() -> Catalogue:
    """The demo catalogue in both languages as the fixture file states it, without the database."""
    rows = json.loads((FIXTURES / "conditions.json").read_text(encoding="utf-8"))
    return Catalogue(
        condition_entry(
            row["slug"],
            row["services"],
            {
                "en": Translation("en", row["name"], row["phrase"], (row["name"], *row["synonyms"])),
                "es": Translation("es", row["name_es"], row["phrase_es"], (row["name_es"], *row["synonyms_es"])),
            },
        )
        for row in rows
    )


# What a Spanish-speaking patient types → the condition and the place left to search near.
KNOWN_ANSWERS = [
    ("nervio pinzado cerca de Moline", "pinched-nerve", "Moline"),
    ("Nervios pinzados", "pinched-nerve", ""),
    ("nervio pellizcado en Davenport, IA", "pinched-nerve", "Davenport, IA"),
    ("nervio pinzado cerca de DeKalb", "pinched-nerve", "DeKalb"),
    ("ciática 61265", "sciatica", "61265"),
    ("ciatica 61265", "sciatica", "61265"),  # typed without the accent
    ("CIÁTICA cerca de Peoria", "sciatica", "Peoria"),
    ("tengo ciática en Davenport", "sciatica", "Davenport"),
    ("dolor de ciática cerca de 52403", "sciatica", "52403"),
    ("tratamiento para la ciática en Peoria IL", "sciatica", "Peoria IL"),
    ("mi ciática, Moline", "sciatica", "Moline"),
    ("dolor que me baja por la pierna, Omaha NE", "sciatica", "Omaha NE"),
    ("dolor lumbar", "low-back-pain", ""),
    ("me duele la espalda Moline", "low-back-pain", "Moline"),
    ("dolor de espalda baja cerca de Cedar Rapids", "low-back-pain", "Cedar Rapids"),
    ("lumbago", "low-back-pain", ""),
    ("torticolis", "neck-pain", ""),
    ("cuello tieso en Bettendorf, Iowa", "neck-pain", "Bettendorf, Iowa"),
    ("mareos cerca de 52403", "vertigo-and-dizziness", "52403"),
    ("vértigo", "vertigo-and-dizziness", ""),
    ("todo me da vueltas", "vertigo-and-dizziness", ""),
    ("pérdida del equilibrio", "balance-problems", ""),
    ("párkinson Cedar Rapids", "parkinsons-disease", "Cedar Rapids"),
    ("Enfermedad de Parkinson", "parkinsons-disease", ""),
    ("muñeca rota 52403", "hand-or-wrist-injury", "52403"),
    ("muneca rota", "hand-or-wrist-injury", ""),
    ("lesiones deportivas Peoria IL", "sports-injury", "Peoria IL"),
    ("desgarro del LCA", "sports-injury", ""),
    ("rehabilitación después de una cirugía Moline", "rehab-after-surgery", "Moline"),
    ("reemplazo de rodilla en Moline", "rehab-after-surgery", "Moline"),
    ("puntos gatillo", "muscle-knots", ""),
    ("rigidez articular", "stiff-joints", ""),
    ("volver al trabajo Davenport", "daily-living-after-injury", "Davenport"),
    # Little Spanish words that begin place names stay with the place.
    ("ciática De Witt", "sciatica", "De Witt"),
    ("ciática La Salle, IL", "sciatica", "La Salle, IL"),
    # The longest phrase wins; another condition named beside it is not part of the place.
    ("dolor que baja por la pierna, dolor de espalda", "sciatica", ""),
    ("dolor de espalda nervio pinzado", "low-back-pain", ""),
]

# Words that name no condition: part of a phrase, a service's name, or only the place.
MATCH_NOTHING = [
    "nervio",
    "nervioso",
    "pinzado",
    "espalda",
    "me duele",
    "dolor",
    "lesión",
    "cerca de Moline",
    "terapia física en Moline",
    "clínica en Davenport",
]


@pytest.mark.parametrize(("text", "slug", "place"), KNOWN_ANSWERS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_spanish_phrasing_finds_its_condition_on_either_page(demo_catalogue, text, slug, place, lang):
    found = demo_catalogue.in_language(lang).match(text)
    assert found is not None, text
    assert (found.condition.slug, found.place) == (slug, place)


@pytest.mark.parametrize("text", MATCH_NOTHING)
def test_words_that_name_no_condition_match_nothing(demo_catalogue, text):
    assert demo_catalogue.in_language("es").match(text) is None
    assert demo_catalogue.match(text) is None


def test_the_condition_reads_in_the_pages_language_whichever_language_was_typed(demo_catalogue):
    for text in ("ciática cerca de Moline", "sciatica near Moline"):
        spanish = demo_catalogue.in_language("es").match(text)
        english = demo_catalogue.in_language("en").match(text)
        assert spanish and (spanish.condition.name, spanish.condition.phrase) == ("Ciática", "la ciática")
        assert english and (english.condition.name, english.condition.treated) == (
            "Sciatica",
            "Clinics that treat sciatica",
        )


def test_english_known_answers_are_unchanged_on_the_spanish_page(demo_catalogue):
    from tests.test_conditions import KNOWN_ANSWERS as ENGLISH

    spanish_page = demo_catalogue.in_language("es")
    for text, slug, place in ENGLISH:
        found = spanish_page.match(text)
        assert found is not None and (found.condition.slug, found.place) == (slug, place), text


def test_a_condition_without_spanish_reads_in_english_on_the_spanish_page():
    entry = condition_entry(
        "whiplash",
        ["physical-therapy"],
        {
            "en": Translation("en", "Whiplash", "whiplash", ("Whiplash", "neck sprain")),
            "es": Translation("es", "", "", ()),
        },
    )
    found = Catalogue([entry]).in_language("es").match("whiplash 61265")
    assert found is not None
    assert (found.condition.name, found.condition.phrase, found.place) == ("Whiplash", "whiplash", "61265")


def test_a_spanish_name_without_a_spanish_phrase_heads_with_the_spanish_name():
    entry = condition_entry(
        "whiplash",
        ["physical-therapy"],
        {
            "en": Translation("en", "Whiplash", "whiplash", ("Whiplash",)),
            "es": Translation("es", "Latigazo cervical", "", ("Latigazo cervical",)),
        },
    )
    shown = Catalogue([entry]).in_language("es").entries[0]
    assert (shown.name, shown.phrase) == ("Latigazo cervical", "")  # the heading then reads its Spanish name


# --- From the database -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_conditions_match_in_spanish_from_the_database(demo_data):
    with translation.override("es"):
        found = match_condition("nervio pinzado cerca de Moline")
    assert found is not None
    assert (found.condition.slug, found.condition.name, found.place) == ("pinched-nerve", "Nervio pinzado", "Moline")
    with translation.override("en"):
        found = match_condition("ciática 61265")
    assert found is not None and (found.condition.name, found.place) == ("Sciatica", "61265")


@pytest.mark.django_db
def test_staff_add_a_spanish_synonym_and_it_is_matched_at_once():
    service = Service.objects.create(name="Physical therapy", slug="physical-therapy")
    condition = Condition(name="Tennis elbow", slug="tennis-elbow", description="Pain on the outside of the elbow.")
    condition_save(condition=condition, services=[service])
    assert match_condition("codo de tenista en Moline") is None
    condition.name_es, condition.synonyms_es = "Codo de tenista", "epicondilitis\ndolor de codo"
    assert condition_save(condition=condition)
    for lang in ("es", "en"):
        with translation.override(lang):
            found = match_condition("codo de tenista en Moline")
            assert found is not None and found.place == "Moline"
            assert found.condition.name == ("Codo de tenista" if lang == "es" else "Tennis elbow")
            assert match_condition("epicondilitis") is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("synonyms_es", "taken"),
    [
        ("nervio atrapado", "nervio atrapado"),  # the other condition's Spanish synonym
        ("Pinched nerve", "Pinched nerve"),  # its English name, written among the Spanish phrases
        ("Nérvio Pinzado", "Nérvio Pinzado"),  # its Spanish name, accents and capitals aside
    ],
)
def test_a_spanish_phrase_another_condition_has_in_either_language_is_refused(synonyms_es, taken):
    service = Service.objects.create(name="Physical therapy", slug="physical-therapy")
    condition_save(
        condition=Condition(
            name="Pinched nerve",
            name_es="Nervio pinzado",
            slug="pinched-nerve",
            description="A nerve pressed by the tissue around it.",
            synonyms_es="nervio atrapado",
        ),
        services=[service],
    )
    other = Condition(name="Sciatica", slug="sciatica", description="Pain down a leg.", synonyms_es=synonyms_es)
    with pytest.raises(ValidationError) as caught:
        condition_save(condition=other)
    assert caught.value.message_dict["synonyms_es"] == [
        f"“{taken}” already means Pinched nerve; a phrase can mean one condition only. Remove it here, or from that "
        "condition first."
    ]
    assert not Condition.objects.filter(slug="sciatica").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "lang", "label"),
    [
        ("ciát", "es", "Ciática"),
        ("ciat", "es", "Ciática"),
        ("vért", "es", "Vértigo y mareos"),
        ("nervio pin", "es", "Nervio pinzado"),
        ("ciát", "en", "Sciatica"),  # a Spanish prefix on the English page suggests the English name
        ("pinched", "es", "Nervio pinzado"),  # and an English one on the Spanish page the Spanish name
    ],
)
def test_suggestions_name_conditions_in_the_pages_language_and_match_spanish_prefixes(demo_data, typed, lang, label):
    with translation.override(lang):
        conditions = [item.label for item in suggest(typed) if item.kind == "condition"]
    assert conditions[0] == label
