"""Condition pages: /conditions/ and /conditions/<slug>/, linked from articles; and the conditions a clinic treats."""

from __future__ import annotations

import pytest

from clinics.models import Clinic, Condition

pytestmark = pytest.mark.django_db


def test_condition_page_has_description_search_services_and_the_clinics_that_treat_it(demo_data, client):
    response = client.get("/conditions/vertigo-and-dizziness/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Vertigo and dizziness</h1>" in page
    assert "Vestibular rehabilitation treats dizziness, vertigo and balance problems" in page
    assert "Clinics that treat vertigo and dizziness" in page
    # The search is set to the condition, so the nearest search keeps it, in a box the visitor can untick.
    assert 'type="checkbox" id="id_condition" name="condition" value="vertigo-and-dizziness" checked>' in page
    assert "Only clinics that treat vertigo and dizziness</label>" in page
    # Only clinics offering the service, computed independently of the view.
    treating = set(Clinic.objects.filter(services__slug="vestibular-rehabilitation").values_list("slug", flat=True))
    assert treating == {"cedar-rapids-pci-vestibular-clinic"}
    assert "/clinics/cedar-rapids-pci-vestibular-clinic/" in page
    assert "/clinics/moline-valley-view/" not in page


def test_a_sample_mapping_says_so_to_visitors(demo_data, client):
    assert "has not yet been reviewed" in client.get("/conditions/sciatica/").content.decode()
    assert "has not yet been reviewed" not in client.get("/conditions/pinched-nerve/").content.decode()


def test_unknown_condition_page_is_a_404(demo_data, client):
    assert client.get("/conditions/broken-heart/").status_code == 404


def test_condition_index_links_every_condition(demo_data, client):
    page = client.get("/conditions/").content.decode()
    for slug in Condition.objects.values_list("slug", flat=True):
        assert f'href="/conditions/{slug}/"' in page


def test_searching_from_a_condition_page_keeps_the_condition(demo_data, client):
    page = client.get("/find/", {"q": "61265", "condition": "parkinsons-disease"}).content.decode()
    assert "Clinics that treat Parkinson’s disease near" in page
    assert 'name="condition" value="parkinsons-disease" checked>' in page


def test_a_condition_typed_later_wins_over_the_one_the_page_chose(demo_data, client):
    page = client.get("/find/", {"q": "vertigo 52403", "condition": "pinched-nerve"}).content.decode()
    assert "Clinics that treat vertigo and dizziness near" in page
    assert "pinched nerve" not in page.split("<main")[1].split("</h1>")[0]


def test_unticking_the_condition_searches_every_clinic(demo_data, client):
    page = client.get("/find/", {"q": "61265"}).content.decode()
    assert "Clinics near" in page and 'name="condition"' not in page


def test_clinic_page_lists_the_conditions_its_services_treat(demo_data, client):
    page = client.get("/clinics/cedar-rapids-pci-vestibular-clinic/").content.decode()
    for slug in ("vertigo-and-dizziness", "balance-problems", "parkinsons-disease", "pinched-nerve"):
        assert f'href="/conditions/{slug}/"' in page
    assert 'href="/conditions/hand-or-wrist-injury/"' not in page


def test_condition_pages_are_in_the_sitemap(demo_data, client):
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-conditions.xml" in index
    section = client.get("/sitemap-conditions.xml").content.decode()
    assert "/conditions/pinched-nerve/" in section


def test_a_condition_page_lists_only_services_some_clinic_offers(demo_data, client):
    from clinics.models import Service

    condition = Condition.objects.get(slug="pinched-nerve")
    offered = set(Service.objects.filter(clinics__in=Clinic.objects.public()).values_list("name", flat=True))
    listed = {service.name for service in condition.services.all()}
    assert listed - offered, "the demo catalogue maps the pinched nerve to a service no clinic offers"
    page = client.get(condition.get_absolute_url()).content.decode()
    services_section = (
        page.split('id="services-heading"')[1].split("</section>")[0] if "services-heading" in page else ""
    )
    for name in listed - offered:
        assert name not in services_section
    for name in listed & offered:
        assert name in services_section
