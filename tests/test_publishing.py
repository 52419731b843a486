"""Publishing: only a complete clinic reaches visitors, whoever tries to publish it (admin, import, bulk actions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import tablib
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from clinics import editing, publishing
from clinics.importing import ClinicResource, error_lines
from clinics.models import Clinic, Service
from tests.factories import ClinicFactory
from tests.test_admin import clinic_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    return client


def missing_keys(clinic: Clinic) -> list[str]:
    return [item.key for item in publishing.missing(publishing.saved_checklist(clinic))]


def test_a_complete_clinic_has_nothing_missing():
    assert missing_keys(ClinicFactory()) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"phone": ""}, ["phone"]),
        ({"hours": []}, ["hours"]),
        ({"schedule_url": ""}, ["schedule_url"]),
        ({"services": []}, ["services"]),
        ({"latitude": None, "longitude": None, "zip_code": "", "city": "Nowhereville"}, ["location"]),
        ({"zip_code": "00000"}, ["location"]),
        (
            {"phone": "", "hours": [], "schedule_url": "", "services": []},
            ["phone", "hours", "schedule_url", "services"],
        ),
    ],
)
def test_each_missing_requirement_is_named(fields, expected):
    assert missing_keys(ClinicFactory(**fields)) == expected


def test_a_zip_the_offline_data_cannot_locate_is_named_in_the_refusal():
    clinic = ClinicFactory(zip_code="00000")
    message = publishing.refusal(publishing.saved_checklist(clinic))
    assert "correct the ZIP code: 00000 is not a US ZIP code we can locate" in message


def test_an_unlocated_clinic_with_a_known_zip_passes_because_saving_locates_it():
    assert missing_keys(ClinicFactory(latitude=None, longitude=None, zip_code="61265")) == []


# --- The admin -------------------------------------------------------------------------------------------


def test_new_clinics_start_as_drafts_visitors_cannot_see(staff_client, client):
    form = clinic_form()
    del form["status"]  # the form's own default
    page = staff_client.get(reverse("admin:clinics_clinic_add")).content.decode()
    assert '<option value="draft" selected>Draft (not public)</option>' in page
    form["status"] = "draft"
    form.update({"phone": "", "schedule_url": "", "hours-TOTAL_FORMS": "0", "services": []})
    assert staff_client.post(reverse("admin:clinics_clinic_add"), form).status_code == 302
    clinic = Clinic.objects.get(slug="rock-island-test")
    assert clinic.status == "draft"
    assert client.get(clinic.get_absolute_url()).status_code == 404


def test_publishing_an_incomplete_clinic_is_refused_with_what_to_add_and_saves_nothing(staff_client):
    form = clinic_form(phone="", schedule_url="", **{"hours-TOTAL_FORMS": "0"})
    form["services"] = []
    response = staff_client.post(reverse("admin:clinics_clinic_add"), form)
    assert response.status_code == 200
    page = response.content.decode()
    refusal = (
        "This clinic can&#x27;t be shown to visitors yet: add a phone number, add its opening hours, add a schedule "
        "link and choose at least one service. Until then, keep it as a draft."
    )
    assert refusal in page
    # At the status field, not only beside the hours further down.
    status_row = page[page.index("field-status") :]
    assert refusal in status_row[: status_row.index("</select>")]
    assert not Clinic.objects.exists()


def test_unpublishing_an_existing_clinic_by_removing_its_hours_is_refused(staff_client, demo_data):
    clinic = Clinic.objects.get(slug="burlington")
    form = staff_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "services"}
    data["services"] = [str(pk) for pk in clinic.services.values_list("pk", flat=True)]
    hours = list(clinic.hours.all())
    data.update({"hours-TOTAL_FORMS": str(len(hours)), "hours-INITIAL_FORMS": str(len(hours))})
    for i, interval in enumerate(hours):
        data.update(
            {
                f"hours-{i}-id": str(interval.pk),
                f"hours-{i}-clinic": str(clinic.pk),
                f"hours-{i}-weekday": str(interval.weekday),
                f"hours-{i}-opens": f"{interval.opens:%H:%M}",
                f"hours-{i}-closes": f"{interval.closes:%H:%M}",
                f"hours-{i}-DELETE": "on",
            }
        )
    data.update({"special_hours-TOTAL_FORMS": "0", "special_hours-INITIAL_FORMS": "0"})
    response = staff_client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), data)
    assert response.status_code == 200
    assert "add its opening hours" in response.content.decode()
    assert clinic.hours.count() == len(hours)


def test_the_admin_page_shows_the_publishing_checklist(staff_client):
    clinic = ClinicFactory(phone="", hours=[])
    page = staff_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).content.decode()
    assert "Ready to publish" in page
    assert f'href="/clinics/{clinic.slug}/"' in page  # a published clinic's public page
    assert "Not complete: it can be saved as a draft, but not published until everything is ticked." in page
    assert "✓</span> A location on the map" in page
    assert "✗</span> A phone number: <strong>add a phone number</strong>" in page
    assert "✗</span> Opening hours: <strong>add its opening hours</strong>" in page
    assert "✓</span> A schedule link" in page
    assert "✓</span> At least one service" in page


def test_temporarily_closing_needs_a_reason(staff_client):
    response = staff_client.post(reverse("admin:clinics_clinic_add"), clinic_form(status="temporarily_closed"))
    assert "Say why the clinic is closed (visitors see it)" in response.content.decode()
    assert not Clinic.objects.exists()


def test_publish_action_publishes_complete_clinics_and_names_the_others(staff_client):
    ready = ClinicFactory(name="Ready", status="draft")
    unready = ClinicFactory(name="Unready", status="draft", phone="")
    response = staff_client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "publish_selected", "_selected_action": [str(ready.pk), str(unready.pk)]},
        follow=True,
    )
    page = response.content.decode()
    assert "Published (visitors see them now): Ready." in page
    assert "Unready was left as it was. This clinic can&#x27;t be shown to visitors yet: add a phone number." in page
    assert Clinic.objects.get(pk=ready.pk).status == "published"
    assert Clinic.objects.get(pk=unready.pk).status == "draft"


def test_temporary_closure_action_asks_for_a_reason_then_closes(staff_client, client):
    clinic = ClinicFactory(name="Moline")
    url = reverse("admin:clinics_clinic_changelist")
    selected = {"action": "close_selected", "_selected_action": [str(clinic.pk)]}
    page = staff_client.post(url, selected).content.decode()
    assert "Mark clinics temporarily closed" in page and "Moline (Moline, IL)" in page
    page = staff_client.post(url, {**selected, "apply": "1", "closure_reason": ""}).content.decode()
    assert "This field is required." in page
    assert Clinic.objects.get(pk=clinic.pk).status == "published"
    reopens = (timezone.localdate() + timedelta(days=30)).isoformat()  # must be in the future, whenever this runs
    staff_client.post(url, {**selected, "apply": "1", "closure_reason": "Closed for renovation", "reopens_on": reopens})
    clinic.refresh_from_db()
    assert (clinic.status, clinic.closure_reason, str(clinic.reopens_on)) == (
        "temporarily_closed",
        "Closed for renovation",
        reopens,
    )


def test_reopening_a_clinic_clears_its_closure():
    clinic = ClinicFactory(status="temporarily_closed", closure_reason="Flooded", reopens_on="2027-01-04")
    report = editing.clinics_set_status(clinics=Clinic.objects.filter(pk=clinic.pk), status="published")
    assert [c.pk for c in report.changed] == [clinic.pk] and not report.refused
    clinic.refresh_from_db()
    assert (clinic.status, clinic.closure_reason, clinic.reopens_on) == ("published", "", None)


# --- The spreadsheet import -------------------------------------------------------------------------------


def run_import(rows: list[list[str]], headers: list[str]):
    return ClinicResource().import_data(tablib.Dataset(*rows, headers=headers), dry_run=False)


HEADERS = ["slug", "name", "city", "state", "zip_code", "phone", "schedule_url", "services", "hours", "status"]


def test_import_refuses_to_publish_an_incomplete_clinic_and_writes_nothing():
    Service.objects.create(slug="physical-therapy", name="Physical therapy")
    result = run_import(
        [
            [
                "ok",
                "OK",
                "Moline",
                "IL",
                "61265",
                "309-555-0100",
                "https://s.test/",
                "physical-therapy",
                "Mon 08:00-17:00",
                "published",
            ],
            [
                "no-phone",
                "No phone",
                "Moline",
                "IL",
                "61265",
                "",
                "https://s.test/",
                "physical-therapy",
                "Mon 08:00-17:00",
                "published",
            ],
        ],
        HEADERS,
    )
    assert error_lines(result) == [
        "Row 3: status: This clinic can't be shown to visitors yet: add a phone number. Until then, keep it as a draft."
    ]
    assert not Clinic.objects.exists()


def test_import_without_a_status_column_adds_drafts():
    Service.objects.create(slug="physical-therapy", name="Physical therapy")
    result = run_import([["new", "New", "Moline", "IL", "61265", "", "", "", ""]], HEADERS[:-1])
    assert not result.has_errors() and not result.has_validation_errors()
    assert Clinic.objects.get(slug="new").status == "draft"


@pytest.mark.parametrize(
    ("active", "status"), [("TRUE", "published"), ("1", "published"), ("FALSE", "retired"), ("0", "retired")]
)
def test_an_older_file_with_an_active_column_still_imports(active, status):
    Service.objects.create(slug="physical-therapy", name="Physical therapy")
    headers = [*HEADERS[:-1], "is_active"]
    row = [
        "old",
        "Old",
        "Moline",
        "IL",
        "61265",
        "309-555-0100",
        "https://s.test/",
        "physical-therapy",
        "Mon 08:00-17:00",
        active,
    ]
    result = run_import([row], headers)
    assert not result.has_errors() and not result.has_validation_errors(), error_lines(result)
    assert Clinic.objects.get(slug="old").status == status


def test_an_unreadable_active_value_is_the_rows_error():
    result = run_import(
        [["old", "Old", "Moline", "IL", "61265", "maybe"]], ["slug", "name", "city", "state", "zip_code", "active"]
    )
    assert error_lines(result) == ["Row 2: status: Can't read “maybe” in the active column: write TRUE or FALSE."]
    assert not Clinic.objects.exists()


def test_a_status_written_in_words_is_understood():
    ClinicFactory(slug="moline", name="Moline")
    headers = ["slug", "name", "city", "state", "zip_code", "status", "closure_reason"]
    result = run_import([["moline", "Moline", "Moline", "IL", "61265", "Temporarily closed", "Burst pipe"]], headers)
    assert not result.has_errors() and not result.has_validation_errors(), error_lines(result)
    assert Clinic.objects.get(slug="moline").status == "temporarily_closed"


def test_the_export_has_the_status_columns(demo_data):
    exported = ClinicResource().export()
    assert {"status", "closure_reason", "reopens_on"} <= set(exported.headers)
    assert "is_active" not in exported.headers
    assert set(exported["status"]) == {"published"}


# --- The demo data ---------------------------------------------------------------------------------------


def test_demo_clinics_load_published_because_each_is_complete(demo_data):
    assert Clinic.objects.published().count() == Clinic.objects.count() == 13
    for clinic in Clinic.objects.all():
        assert missing_keys(clinic) == [], clinic.slug


def test_retiring_is_never_refused_even_for_a_clinic_that_could_not_be_published():
    clinic = ClinicFactory(phone="", hours=[], zip_code="00000")
    report = editing.clinics_set_status(clinics=Clinic.objects.filter(pk=clinic.pk), status="retired")
    assert not report.refused
    assert Clinic.objects.get(pk=clinic.pk).status == "retired"


def test_staff_who_may_not_edit_hours_cannot_publish_a_clinic_without_them(client):
    from django.contrib.auth.models import Permission

    clinic = ClinicFactory(name="No hours", status="draft", hours=[])
    editor = User.objects.create_user("editor", password="pw-editor-1234", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["view_clinic", "change_clinic"]))
    client.force_login(editor)
    url = reverse("admin:clinics_clinic_change", args=[clinic.pk])
    form = client.get(url).context["adminform"].form
    assert "hours-TOTAL_FORMS" not in client.get(url).content.decode()  # no hours inline for this user
    data = {name: value for name, value in form.initial.items() if value is not None and name != "services"}
    data.update({"services": [str(pk) for pk in clinic.services.values_list("pk", flat=True)], "status": "published"})
    data.update({"special_hours-TOTAL_FORMS": "0", "special_hours-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "add its opening hours" in response.content.decode()
    assert Clinic.objects.get(pk=clinic.pk).status == "draft"


def test_import_names_what_publishing_lacks_beside_the_rows_other_errors():
    Service.objects.create(slug="physical-therapy", name="Physical therapy")
    row = ["bad", "Bad", "Moline", "IL", "61265", "12", "https://s.test/", "physical-therapy", "", "published"]
    result = run_import([row], HEADERS)
    lines = error_lines(result)
    assert "Row 2: phone: Enter a 10-digit US phone number, such as 319-247-3425." in lines
    assert (
        "Row 2: status: This clinic can't be shown to visitors yet: add its opening hours. Until then, keep it as a "
        "draft." in lines
    )
    assert not Clinic.objects.exists()


def test_a_reopening_date_that_has_passed_is_refused(db):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from clinics.models import Clinic

    clinic = Clinic(name="Elkhorn", city="Elkhorn", state="NE", status="temporarily_closed")
    clinic.closure_reason = "Power outage"
    clinic.reopens_on = timezone.localdate() - timedelta(days=7)
    with pytest.raises(ValidationError) as caught:
        clinic.clean()
    assert "has passed: give the new reopening date, or leave it blank." in caught.value.message_dict["reopens_on"][0]
    clinic.reopens_on = timezone.localdate()
    clinic.clean()  # today is fine


def test_publishing_a_clinic_already_published_reports_no_change(db):
    from clinics.editing import clinics_set_status
    from clinics.models import Clinic
    from tests.factories import ClinicFactory

    clinic = ClinicFactory(name="Burlington")  # published by default
    before = Clinic.objects.get(pk=clinic.pk).updated_at
    report = clinics_set_status(clinics=Clinic.objects.filter(pk=clinic.pk), status="published")
    assert report.changed == [] and report.refused == []
    assert Clinic.objects.get(pk=clinic.pk).updated_at == before
