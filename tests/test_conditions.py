"""Finding the condition a patient names: phrasings → condition → services, and the place beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinics.conditions import Catalogue, CatalogueCache, ConditionEntry, match_condition
from clinics.demo_data import load_demo_conditions, load_demo_data
from clinics.editing import condition_save
from clinics.models import Condition, Service

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def demo_catalogue() -> Catalogue:
    """The demo catalogue as the fixture file states it, without the database."""
    rows = json.loads((FIXTURES / "conditions.json").read_text(encoding="utf-8"))
    return Catalogue(
        ConditionEntry(row["slug"], row["name"], tuple(sorted(row["services"])), (row["name"], *row["synonyms"]))
        for row in rows
    )


# What a patient types → the condition, the place left to search near, and the services that treat it.
KNOWN_ANSWERS = [
    ("pinched nerve near Moline", "pinched-nerve", "Moline"),
    ("Pinched Nerves", "pinched-nerve", ""),
    ("pinched nerve near me", "pinched-nerve", ""),
    ("help with a pinched nerve in Davenport, IA", "pinched-nerve", "Davenport, IA"),
    ("61265 pinched nerve", "pinched-nerve", "61265"),
    ("trapped nerve 52403", "pinched-nerve", "52403"),
    ("sciatica", "sciatica", ""),
    ("shooting pain down my leg", "sciatica", ""),
    ("Shooting pain down my leg, Omaha NE", "sciatica", "Omaha NE"),
    ("sciatica treatment in Peoria", "sciatica", "Peoria"),
    ("low back pain", "low-back-pain", ""),
    ("my back hurts moline", "low-back-pain", "moline"),
    ("neck pain Cedar Rapids", "neck-pain", "Cedar Rapids"),
    ("stiff neck", "neck-pain", ""),
    ("vertigo", "vertigo-and-dizziness", ""),
    ("Dizzy spells near 52403", "vertigo-and-dizziness", "52403"),
    ("BPPV", "vertigo-and-dizziness", ""),
    ("Parkinson's", "parkinsons-disease", ""),
    ("parkinsons disease cedar rapids", "parkinsons-disease", "cedar rapids"),
    ("Parkinson’s disease", "parkinsons-disease", ""),
    ("broken wrist", "hand-or-wrist-injury", ""),
    ("hand injury Bettendorf, Iowa", "hand-or-wrist-injury", "Bettendorf, Iowa"),
    ("torn ACL", "sports-injury", ""),
    ("sports injury physical therapy Peoria IL", "sports-injury", "Peoria IL"),
    ("rehab after surgery", "rehab-after-surgery", ""),
    ("knee replacement rehab Moline", "rehab-after-surgery", "Moline"),
    ("trigger points", "muscle-knots", ""),
    ("unsteady on my feet", "balance-problems", ""),
    # The longest phrase wins where two conditions share words.
    ("pinched nerve back pain", "pinched-nerve", ""),
    ("pain down the back of my leg", "sciatica", ""),
]

SERVICES = {
    "pinched-nerve": {"physical-therapy", "orthopedic-manual-therapy", "dry-needling"},
    "sciatica": {"physical-therapy"},
    "low-back-pain": {"physical-therapy", "orthopedic-manual-therapy"},
    "neck-pain": {"physical-therapy", "orthopedic-manual-therapy"},
    "vertigo-and-dizziness": {"vestibular-rehabilitation"},
    "balance-problems": {"vestibular-rehabilitation"},
    "parkinsons-disease": {"lsvt-big"},
    "hand-or-wrist-injury": {"hand-therapy", "occupational-therapy"},
    "sports-injury": {"sports-injury-prevention", "physical-therapy"},
    "rehab-after-surgery": {"physical-therapy"},
    "muscle-knots": {"dry-needling", "physical-therapy"},
}

# Text that names no condition: places, services, single words of a phrase, words that merely contain one.
MATCHES_NOTHING = [
    "",
    "61265",
    "Moline, IL",
    "850 43rd Avenue, Moline IL",
    "physical therapy near me",
    "aquatic therapy",
    "nerve",
    "pinched",
    "pain",
    "back",
    "neck",
    "I am nervous",
    "backpack",
    "Dizzyland Road, Omaha",
    "sciatic",  # one word of "sciatic pain"; no fuzzy guessing
    "Parkin",
]


@pytest.mark.parametrize(("text", "slug", "place"), KNOWN_ANSWERS)
def test_phrasing_names_condition_and_leaves_the_place(demo_catalogue: Catalogue, text: str, slug: str, place: str):
    found = demo_catalogue.match(text)
    assert found is not None, text
    assert (found.condition.slug, found.place) == (slug, place)
    assert set(found.condition.services) == SERVICES[slug]


@pytest.mark.parametrize("text", MATCHES_NOTHING)
def test_text_naming_no_condition_matches_nothing(demo_catalogue: Catalogue, text: str):
    assert demo_catalogue.match(text) is None


def test_match_keeps_the_words_the_visitor_typed(demo_catalogue: Catalogue):
    found = demo_catalogue.match("Sciatic Nerve Pain near Moline")
    assert found is not None and found.phrase == "Sciatic Nerve Pain"


def test_every_demo_condition_is_sourced_or_marked_sample():
    rows = json.loads((FIXTURES / "conditions.json").read_text(encoding="utf-8"))
    assert len(rows) >= 10
    services = {row["slug"] for row in json.loads((FIXTURES / "services.json").read_text(encoding="utf-8"))}
    for row in rows:
        assert set(row["services"]) <= services, row["slug"]
        if row["is_sample"]:
            assert row["source"].startswith("Sample mapping"), row["slug"]
        else:
            assert "services.csv" in row["source"], row["slug"]
    # The list of conditions patients name is all there.
    names = {row["slug"] for row in rows}
    assert {"pinched-nerve", "sciatica", "low-back-pain", "neck-pain", "vertigo-and-dizziness"} <= names
    assert {"parkinsons-disease", "hand-or-wrist-injury", "sports-injury", "rehab-after-surgery"} <= names


@pytest.mark.django_db
def test_demo_conditions_load_once_and_match_from_the_database():
    load_demo_data()
    first = load_demo_conditions()
    again = load_demo_conditions()
    assert len(first.created) == Condition.objects.count() >= 10
    assert again.created == again.updated == []
    assert Condition.objects.get(slug="sciatica").is_sample
    assert not Condition.objects.get(slug="pinched-nerve").is_sample
    found = match_condition("vertigo near 52403")
    assert found is not None
    assert found.condition.services == ("vestibular-rehabilitation",)
    assert found.place == "52403"


@pytest.mark.django_db
def test_staff_edit_to_synonyms_is_matched_at_once_in_this_process():
    service = Service.objects.create(name="Physical therapy", slug="physical-therapy")
    condition = Condition(name="Tennis elbow", slug="tennis-elbow", description="Pain on the outside of the elbow.")
    condition_save(condition=condition, services=[service])
    assert match_condition("sore elbow from golf") is None
    condition.synonyms = "sore elbow\ngolfer's elbow"
    assert condition_save(condition=condition)
    found = match_condition("sore elbow from golf")
    assert found is not None and found.condition.slug == "tennis-elbow"
    assert found.place == "from golf"


@pytest.mark.django_db
def test_condition_without_a_description_is_refused_and_nothing_is_saved():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        condition_save(condition=Condition(name="Whiplash", slug="whiplash", description=""))
    assert "description" in caught.value.message_dict
    assert not Condition.objects.exists()


def test_catalogue_is_read_again_only_after_its_time():
    loads = []
    now = [0.0]

    def load() -> Catalogue:
        loads.append(now[0])
        return Catalogue([])

    cache = CatalogueCache(load, clock=lambda: now[0])
    cache.get()
    now[0] = 29.0
    cache.get()
    now[0] = 31.0
    cache.get()
    cache.forget()
    cache.get()
    assert loads == [0.0, 31.0, 31.0]


@pytest.mark.django_db
def test_staff_add_a_condition_in_the_admin_and_it_is_matched_at_once(admin_client):
    hand = Service.objects.create(name="Hand therapy", slug="hand-therapy")
    response = admin_client.post(
        "/admin/clinics/condition/add/",
        {
            "name": "Trigger finger",
            "slug": "trigger-finger",
            "description": "A finger that catches or locks when it bends.",
            "synonyms": "finger locks\nlocking finger",
            "services": [hand.pk],
            "source": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    found = match_condition("locking finger near Moline")
    assert found is not None
    assert (found.condition.name, found.condition.services) == ("Trigger finger", ("hand-therapy",))
    assert found.place == "Moline"


@pytest.mark.django_db
def test_admin_condition_without_services_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/clinics/condition/add/",
        {"name": "Whiplash", "slug": "whiplash", "description": "Neck injury from a jolt.", "synonyms": ""},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Condition.objects.exists()


@pytest.mark.django_db
def test_a_phrase_another_condition_has_is_refused_naming_it():
    from django.core.exceptions import ValidationError

    service = Service.objects.create(name="Physical therapy", slug="physical-therapy")
    sciatica = Condition(name="Sciatica", slug="sciatica", description="Leg pain.", synonyms="zinging leg")
    condition_save(condition=sciatica, services=[service])
    back = Condition(name="Low back pain", slug="low-back-pain", description="Back pain.", synonyms="Zinging legs")
    with pytest.raises(ValidationError) as caught:
        condition_save(condition=back, services=[service])
    assert "“Zinging legs” already means Sciatica" in caught.value.message_dict["synonyms"][0]
    assert not Condition.objects.filter(slug="low-back-pain").exists()
    assert match_condition("zinging leg near 61265").condition.slug == "sciatica"
