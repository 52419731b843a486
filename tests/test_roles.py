"""The "Clinic editor" group: edits clinics, their hours and services, and cannot open the staff accounts."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from clinics.models import Clinic
from clinics.roles import CLINIC_EDITOR, ensure_clinic_editor_group
from tests.factories import ClinicFactory
from tests.test_admin import clinic_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_user("editor", password="pw-editor-123", is_staff=True)
    editor.groups.add(Group.objects.get(name=CLINIC_EDITOR))
    client.force_login(editor)
    return client


def test_the_migration_creates_the_group_with_clinic_permissions_only():
    codenames = set(Group.objects.get(name=CLINIC_EDITOR).permissions.values_list("codename", flat=True))
    assert {"add_clinic", "change_clinic", "view_clinic", "change_openinghours", "change_service"} <= codenames
    assert not {name for name in codenames if name.endswith(("_user", "_group", "_permission"))}
    assert "delete_clinic" not in codenames


def test_creating_the_group_again_changes_nothing():
    before = sorted(Group.objects.get(name=CLINIC_EDITOR).permissions.values_list("codename", flat=True))
    ensure_clinic_editor_group(apps)
    call_command("setup_roles", stdout=None)
    assert Group.objects.filter(name=CLINIC_EDITOR).count() == 1
    assert sorted(Group.objects.get(name=CLINIC_EDITOR).permissions.values_list("codename", flat=True)) == before


def test_a_clinic_editor_can_edit_a_clinic_and_its_hours(editor_client):
    clinic = ClinicFactory(name="Rock Island – Test", city="Rock Island", state="IL", zip_code="61201", hours=[])
    form = clinic_form(phone="309-555-0199", latitude=str(clinic.latitude), longitude=str(clinic.longitude))
    response = editor_client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    clinic = Clinic.objects.get(pk=clinic.pk)
    assert clinic.phone == "309-555-0199"
    assert clinic.hours.count() == 2


def test_a_clinic_editor_sees_clinics_and_services_but_not_users_or_groups(editor_client):
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Clinics" in index and "Services" in index
    assert reverse("admin:auth_user_changelist") not in index
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_clinic_editor_cannot_delete_a_clinic(editor_client):
    clinic = ClinicFactory()
    assert editor_client.get(reverse("admin:clinics_clinic_delete", args=[clinic.pk])).status_code == 403


def test_a_clinic_editor_keeps_special_hours_on_a_clinics_page(editor_client):
    codenames = set(Group.objects.get(name=CLINIC_EDITOR).permissions.values_list("codename", flat=True))
    assert {"add_specialhours", "change_specialhours", "delete_specialhours", "view_specialhours"} <= codenames
    clinic = ClinicFactory(name="Moline")
    page = editor_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).content.decode()
    assert "special_hours-TOTAL_FORMS" in page


@pytest.fixture
def bare_staff_client(client):
    """A staff account given no permission at all: it may sign in and see nothing."""
    client.force_login(User.objects.create_user("nobody", password="pw-nobody-123", is_staff=True))
    return client


def test_staff_without_rights_cannot_import_or_export_clinics(bare_staff_client):
    clinic = ClinicFactory(name="Peoria", phone="309-555-0100")
    assert bare_staff_client.get(reverse("admin:clinics_clinic_import")).status_code == 403
    assert bare_staff_client.get(reverse("admin:clinics_clinic_export")).status_code == 403
    response = bare_staff_client.post(
        reverse("admin:clinics_clinic_process_import"),
        {"import_file_name": "x.csv", "original_file_name": "x.csv", "format": "0", "resource": "0"},
    )
    assert response.status_code == 403
    clinic.refresh_from_db()
    assert clinic.phone == "309-555-0100"


def test_a_clinic_editor_may_import_and_export(editor_client):
    assert editor_client.get(reverse("admin:clinics_clinic_import")).status_code == 200
    assert editor_client.get(reverse("admin:clinics_clinic_export")).status_code == 200
