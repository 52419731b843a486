"""The demo data: Rock Valley's clinics from the public reference data, loaded idempotently."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from clinics.models import Clinic, OpeningHours, Service

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def snapshot():
    return (
        sorted(Clinic.objects.values_list("slug", "updated_at", "latitude", "longitude", "phone")),
        sorted(OpeningHours.objects.values_list("pk", "clinic__slug", "weekday", "opens", "closes")),
        sorted(Service.objects.values_list("pk", "slug", "name")),
        sorted(Clinic.services.through.objects.values_list("clinic_id", "service_id")),
    )


def test_loading_twice_changes_nothing_and_duplicates_nothing(capsys):
    call_command("load_demo_data")
    first = snapshot()
    call_command("load_demo_data")
    assert snapshot() == first
    assert "0 created, 0 updated, 13 unchanged" in capsys.readouterr().out


def test_every_demo_clinic_is_located_timed_and_bookable(demo_data):
    expected = json.loads((FIXTURES / "clinics.json").read_text())
    assert Clinic.objects.count() == len(expected) == 13
    for clinic in Clinic.objects.all():
        assert clinic.is_located, clinic
        assert clinic.location_source in {"zip", "city", "address"}, clinic
        assert clinic.timezone == "America/Chicago"
        assert clinic.schedule_url.startswith("https://")
        assert clinic.hours.exists()
        assert clinic.services.exists()


def test_real_published_facts_are_kept_as_they_are(demo_data):
    cedar_rapids = Clinic.objects.get(slug="cedar-rapids-pci-vestibular-clinic")
    assert cedar_rapids.phone == "319-247-3425"
    assert cedar_rapids.street == "202 10th Street SE"
    assert cedar_rapids.address_line2 == "Suite 210"
    assert sorted(cedar_rapids.services.values_list("slug", flat=True)) == [
        "lsvt-big",
        "physical-therapy",
        "vestibular-rehabilitation",
    ]
    moline = Clinic.objects.get(slug="moline-valley-view")
    assert moline.zip_code == "61265"
    assert moline.location_source == "zip"


def test_unpublished_values_are_obviously_sample(demo_data):
    for clinic in Clinic.objects.exclude(slug="cedar-rapids-pci-vestibular-clinic"):
        assert "-555-01" in clinic.phone, clinic
        assert "example.com" in clinic.schedule_url
        assert "Sample values" in clinic.internal_notes


def test_clinics_without_a_published_street_sit_at_their_city_centre(demo_data):
    west_branch = Clinic.objects.get(slug="west-branch")
    assert west_branch.street == ""
    assert west_branch.location_source == "city"
    assert abs(float(west_branch.latitude) - 41.67) < 0.05


def test_demo_admin_login_is_created_once(settings):
    from django.contrib.auth.models import User

    settings.DEBUG = True
    call_command("load_demo_data", "--demo-admin")
    call_command("load_demo_data", "--demo-admin")
    assert User.objects.filter(username="admin", is_staff=True, is_superuser=True).count() == 1
    assert User.objects.get(username="admin").check_password("rockvalley-demo")


def test_demo_admin_is_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_data", "--demo-admin")
