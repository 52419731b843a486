"""schema.org data for a clinic page: only facts the clinic has, and nothing that can close its script element."""

import json
import re
from datetime import time

import pytest

from clinics.jsonld import clinic_jsonld, jsonld_script, opening_hours_specification
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db
PAGE = "https://clinics.example.org/clinics/x/"


def test_a_split_week_is_one_entry_per_interval_listing_its_days():
    clinic = ClinicFactory(hours=[(0, time(7), time(12)), (0, time(13), time(19)), (1, time(7), time(12))])
    assert opening_hours_specification(clinic) == [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Monday", "Tuesday"], "opens": "07:00", "closes": "12:00"},
        {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Monday"], "opens": "13:00", "closes": "19:00"},
    ]


def test_missing_facts_are_left_out_not_sent_empty():
    clinic = ClinicFactory(street="", phone="", email="", website_url="", hours=[], services=())
    data = clinic_jsonld(clinic, page_url=PAGE)
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Moline",
        "addressRegion": "IL",
        "postalCode": "61265",
        "addressCountry": "US",
    }
    for key in ("telephone", "email", "sameAs", "openingHoursSpecification", "availableService"):
        assert key not in data


def test_a_position_placed_by_hand_is_given_and_a_zip_centre_is_not():
    exact = clinic_jsonld(ClinicFactory(latitude=41.5, longitude=-90.5, location_source="manual"), page_url=PAGE)
    assert exact["geo"] == {"@type": "GeoCoordinates", "latitude": 41.5, "longitude": -90.5}
    approximate = ClinicFactory(latitude=41.5, longitude=-90.5, location_source="zip")
    assert "geo" not in clinic_jsonld(approximate, page_url=PAGE)


def test_text_from_the_database_cannot_close_the_script_element():
    clinic = ClinicFactory(name="</script><script>alert(1)</script> & more")
    script = str(jsonld_script(clinic_jsonld(clinic, page_url=PAGE)))
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', script, re.S)[1]
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["name"] == "</script><script>alert(1)</script> & more"
