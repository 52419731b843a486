"""Services retire instead of vanishing: one in use is never deleted, old links keep working, and the
service filter offers only what some clinic provides."""

from __future__ import annotations

import re
from html import unescape

import pytest
import tablib
import yaml
from django.contrib.auth.models import User
from django.urls import reverse

from clinics.editing import ServiceInUse, service_delete, services_set_retired
from clinics.importing import ClinicResource
from clinics.models import Clinic, Service
from tests.factories import ClinicFactory, ServiceFactory
from tests.pages.reading import html, jsonld, result_slugs, text_of

pytestmark = pytest.mark.django_db

NEAREST = "/api/v1/clinics/nearest/"
# The demo catalogue's services that no demo clinic offers (fixtures/clinics.json against services.json).
UNUSED_DEMO_SERVICES = {"dry-needling", "hand-therapy", "orthopedic-manual-therapy"}
# The demo clinics that offer aquatic therapy (fixtures/clinics.json).
AQUATIC_CLINICS = ["Davenport – Northwest", "Moline – Valley View"]


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123"))
    return client


def retire(slug: str) -> Service:
    services_set_retired(services=Service.objects.filter(slug=slug), retired=True)
    return Service.objects.get(slug=slug)


def select_options(page: str) -> list[str]:
    """The service select's values, as the results page and home page offer them."""
    start = page.index('id="id_service"')
    block = page[start : page.index("</select>", start)]
    return [value for value in re.findall(r'<option value="([^"]*)"', block) if value]


# --- Deleting and retiring -------------------------------------------------------------------------


def test_a_service_in_use_cannot_be_deleted_and_the_error_names_its_clinics(demo_data):
    service = Service.objects.get(slug="aquatic-therapy")
    with pytest.raises(ServiceInUse) as raised:
        service_delete(service=service)
    assert raised.value.clinic_names == AQUATIC_CLINICS
    assert "retire it instead" in str(raised.value)
    assert Service.objects.filter(slug="aquatic-therapy").exists()
    assert Clinic.objects.filter(services__slug="aquatic-therapy").count() == 2


def test_a_service_no_clinic_uses_can_still_be_deleted(demo_data):
    service_delete(service=Service.objects.get(slug="hand-therapy"))
    assert not Service.objects.filter(slug="hand-therapy").exists()


def test_the_admin_delete_page_of_a_service_in_use_names_its_clinics_and_offers_retiring(demo_data, staff_client):
    service = Service.objects.get(slug="aquatic-therapy")
    url = reverse("admin:clinics_service_delete", args=[service.pk])
    page = unescape(staff_client.get(url).content.decode())
    text = text_of(page)
    assert "“Aquatic therapy” can't be deleted: clinics offer it" in text
    assert "Aquatic therapy: offered by Davenport – Northwest, Moline – Valley View" in text
    assert 'value="Retire this service"' in page
    assert "object (" not in text  # never "Clinic_services object (5)"
    assert "Yes, I’m sure" not in text
    # Posting the confirmation anyway deletes nothing.
    staff_client.post(url, {"post": "yes"})
    assert Service.objects.get(pk=service.pk).clinics.count() == 2


def test_the_admin_retire_button_on_the_delete_page_retires_the_service(demo_data, staff_client):
    service = Service.objects.get(slug="aquatic-therapy")
    response = staff_client.post(
        reverse("admin:clinics_service_changelist"),
        {"action": "retire_selected", "_selected_action": [str(service.pk)]},
        follow=True,
    )
    assert "Retired 1 service(s)" in text_of(response.content.decode())
    service.refresh_from_db()
    assert service.is_retired
    assert service.clinics.count() == 2  # kept on the clinics for the record


def test_bulk_delete_of_services_in_use_deletes_none_names_the_clinics_and_offers_to_retire_those(
    demo_data, staff_client
):
    chosen = Service.objects.filter(slug__in=["aquatic-therapy", "lsvt-big", "hand-therapy"])
    data = {"action": "delete_selected", "_selected_action": [str(pk) for pk in chosen.values_list("pk", flat=True)]}
    page_html = staff_client.post(reverse("admin:clinics_service_changelist"), data).content.decode()
    page = text_of(page_html)
    assert "Nothing was deleted: clinics offer the services below" in page
    assert "Aquatic therapy: offered by Davenport – Northwest, Moline – Valley View" in page
    assert "LSVT BIG: offered by Cedar Rapids – PCI Vestibular Clinic" in page
    assert "Hand therapy" not in page  # no clinic offers it: nothing to retire
    assert "object (" not in page
    assert 'value="Retire these services"' in page_html
    retire_form = page_html[page_html.index('action="/admin/clinics/service/"') :]
    retire_form = retire_form[: retire_form.index("</form>")]
    in_use = Service.objects.filter(slug__in=["aquatic-therapy", "lsvt-big"]).values_list("pk", flat=True)
    assert sorted(map(int, re.findall(r'name="_selected_action" value="(\d+)"', retire_form))) == sorted(in_use)
    staff_client.post(reverse("admin:clinics_service_changelist"), {**data, "post": "yes"})
    assert Service.objects.filter(slug__in=["aquatic-therapy", "lsvt-big", "hand-therapy"]).count() == 3


def test_bulk_delete_of_unused_services_still_deletes_them(demo_data, staff_client):
    chosen = Service.objects.filter(slug__in=UNUSED_DEMO_SERVICES)
    data = {"action": "delete_selected", "_selected_action": [str(pk) for pk in chosen.values_list("pk", flat=True)]}
    page = text_of(staff_client.post(reverse("admin:clinics_service_changelist"), data).content.decode())
    assert "Are you sure you want to delete the selected services?" in page
    staff_client.post(reverse("admin:clinics_service_changelist"), {**data, "post": "yes"})
    assert not Service.objects.filter(slug__in=UNUSED_DEMO_SERVICES).exists()


def test_the_restore_action_brings_a_retired_service_back(demo_data, staff_client):
    service = retire("aquatic-therapy")
    response = staff_client.post(
        reverse("admin:clinics_service_changelist"),
        {"action": "restore_selected", "_selected_action": [str(service.pk)]},
        follow=True,
    )
    assert "Restored 1 service(s)" in text_of(response.content.decode())
    assert not Service.objects.get(pk=service.pk).is_retired


def test_the_service_list_shows_which_are_retired(demo_data, staff_client):
    retire("aquatic-therapy")
    page = staff_client.get(reverse("admin:clinics_service_changelist") + "?is_retired__exact=1").content.decode()
    assert "Aquatic therapy" in page and "Physical therapy" not in page


# --- What visitors see of a retired service --------------------------------------------------------


def test_a_retired_service_is_not_shown_on_the_clinic_page_or_in_the_api(demo_data, client):
    retire("aquatic-therapy")
    clinic = Clinic.objects.get(slug="moline-valley-view")
    page_html = html(client.get(clinic.get_absolute_url()))
    page = text_of(page_html)
    assert "Aquatic therapy" not in page and "Physical therapy" in page
    assert [service["name"] for service in jsonld(page_html)["availableService"]] == ["Physical therapy"]
    detail = client.get(f"/api/v1/clinics/{clinic.slug}/").json()
    listed = next(
        c for c in client.get("/api/v1/clinics/", {"state": "IL"}).json()["results"] if c["slug"] == clinic.slug
    )
    feature = next(
        f for f in client.get("/api/v1/clinics.geojson").json()["features"] if f["properties"]["slug"] == clinic.slug
    )
    nearest = next(c for c in client.get(NEAREST, {"q": "61265"}).json()["results"] if c["slug"] == clinic.slug)
    for services in (detail["services"], listed["services"], feature["properties"]["services"], nearest["services"]):
        assert "aquatic-therapy" not in [service["slug"] for service in services]
        assert "physical-therapy" in [service["slug"] for service in services]
    assert "Aquatic therapy" not in text_of(html(client.get("/find/", {"q": "61265"})))
    assert "aquatic-therapy" in clinic.services.values_list("slug", flat=True)  # kept for the record


def test_the_api_list_filtered_by_a_retired_service_finds_no_clinic(demo_data, client):
    retire("aquatic-therapy")
    assert client.get("/api/v1/clinics/", {"service": "aquatic-therapy"}).json()["results"] == []


# --- Old links naming a retired or unknown service -------------------------------------------------


def test_a_link_naming_a_retired_service_still_searches_all_clinics_with_a_note(demo_data, client):
    every = result_slugs(html(client.get("/find/", {"q": "61265"})))
    retire("aquatic-therapy")
    response = client.get("/find/?q=61265&service=aquatic-therapy")
    page = html(response)
    assert response.status_code == 200
    assert "Aquatic therapy is no longer offered; showing all clinics." in text_of(page)
    assert result_slugs(page) == every
    assert "aquatic-therapy" not in select_options(page)


def test_a_link_naming_an_unknown_service_still_searches_with_a_note(demo_data, client):
    response = client.get("/find/?q=61265&service=xyz")
    assert response.status_code == 200
    assert "We don't know the service “xyz”; showing all clinics." in text_of(html(response))
    assert len(result_slugs(html(response))) >= 5


def test_the_api_searches_past_a_retired_or_unknown_service_and_warns(demo_data, client):
    every = [c["slug"] for c in client.get(NEAREST, {"q": "61265"}).json()["results"]]
    retire("aquatic-therapy")
    response = client.get(NEAREST, {"q": "61265", "service": ["aquatic-therapy", "xyz"]})
    assert response.status_code == 200
    body = response.json()
    assert [c["slug"] for c in body["results"]] == every
    assert body["warnings"] == [
        {"code": "retired_service", "message": "Aquatic therapy is no longer offered; showing all clinics."},
        {"code": "unknown_service", "message": "We don't know the service “xyz”; showing all clinics."},
    ]
    assert client.get(NEAREST, {"q": "61265"}).json()["warnings"] == []


def test_the_openapi_schema_documents_the_warnings(db, client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    nearest = schema["paths"]["/api/v1/clinics/nearest/"]["get"]
    (service,) = [p for p in nearest["parameters"] if p["name"] == "service"]
    assert "is not an error" in service["description"] and "`warnings`" in service["description"]
    assert "pattern" not in service["schema"]["items"]
    components = schema["components"]["schemas"]
    assert "warnings" in components["NearestResponseSchema"]["required"]
    code = components["SearchWarningSchema"]["properties"]["code"]["$ref"].rsplit("/", 1)[1]
    assert components[code]["enum"] == ["unknown_service", "retired_service", "unknown_condition"]


# --- The service filter offers only what some clinic provides --------------------------------------


def test_the_service_filter_offers_only_services_some_clinic_provides(demo_data, client):
    offered = set(select_options(html(client.get("/"))))
    every = set(Service.objects.values_list("slug", flat=True))
    assert offered == every - UNUSED_DEMO_SERVICES
    assert set(select_options(html(client.get("/find/", {"q": "61265"})))) == offered


def test_a_service_only_an_inactive_clinic_offers_is_not_offered(db, client):
    ClinicFactory(name="Open", services=("physical-therapy",))
    ClinicFactory(name="Closed", services=("hand-therapy",), status="retired")
    assert select_options(html(client.get("/"))) == ["physical-therapy"]
    assert [s["slug"] for s in client.get("/api/v1/services/").json()] == ["physical-therapy"]


def test_a_retired_service_is_not_offered_in_the_filter_or_the_api_catalogue(demo_data, client):
    retire("aquatic-therapy")
    assert "aquatic-therapy" not in select_options(html(client.get("/")))
    catalogue = [s["slug"] for s in client.get("/api/v1/services/").json()]
    assert "aquatic-therapy" not in catalogue
    assert set(catalogue) == set(select_options(html(client.get("/"))))


def test_a_link_choosing_a_current_service_no_clinic_offers_keeps_it_chosen(demo_data, client):
    page = html(client.get("/find/", {"q": "61265", "service": "hand-therapy"}))
    assert '<option value="hand-therapy" selected>' in page
    assert "No clinic matches those filters yet" in text_of(page)


# --- Import and retired services ---------------------------------------------------------------------


def test_an_import_keeps_a_retired_service_on_a_clinic_that_has_it_but_never_adds_one(db):
    ServiceFactory(slug="physical-therapy")
    pool = ServiceFactory(slug="aquatic-therapy", name="Aquatic therapy")
    has_it = ClinicFactory(name="Has it", services=("physical-therapy", "aquatic-therapy"))
    ClinicFactory(name="Lacks it", services=("physical-therapy",))
    services_set_retired(services=Service.objects.filter(pk=pool.pk), retired=True)
    exported = ClinicResource().export()
    kept = ClinicResource().import_data(exported, dry_run=True)
    assert not kept.has_errors() and not kept.has_validation_errors()
    for row in exported.dict:
        assert row["services"] in {"aquatic-therapy;physical-therapy", "physical-therapy"}
    headers = ["slug", "name", "city", "state", "zip_code", "services"]
    added = tablib.Dataset(
        ["lacks-it", "Lacks it", "Moline", "IL", "61265", "physical-therapy;aquatic-therapy"], headers=headers
    )
    result = ClinicResource().import_data(added, dry_run=False)
    (invalid,) = result.invalid_rows
    assert invalid.error_dict["services"] == [
        "Retired service: Aquatic therapy. Restore it under Services first to add it to a clinic."
    ]
    assert list(Clinic.objects.get(slug="lacks-it").services.values_list("slug", flat=True)) == ["physical-therapy"]
    assert sorted(has_it.services.values_list("slug", flat=True)) == ["aquatic-therapy", "physical-therapy"]


def test_staff_see_a_retired_service_marked_on_the_clinic_form(demo_data, staff_client):
    retire("aquatic-therapy")
    clinic = Clinic.objects.get(slug="moline-valley-view")
    page = staff_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).content.decode()
    assert "Aquatic therapy (retired)</option>" in page


def test_a_service_newly_offered_appears_in_the_filter_at_once(client, db):
    from clinics.editing import set_services

    ServiceFactory(slug="physical-therapy", name="Physical therapy")
    hands = ServiceFactory(slug="hand-therapy", name="Hand therapy")
    clinic = ClinicFactory(name="Moline", services=("physical-therapy",))
    assert 'value="hand-therapy"' not in client.get("/").content.decode()
    set_services(clinic=clinic, services=[*clinic.services.all(), hands])
    assert 'value="hand-therapy"' in client.get("/").content.decode()
