"""The list of every clinic (/clinics/), grouped by state."""

from __future__ import annotations

import re

import pytest

from clinics.models import Clinic
from tests.pages.reading import html, text_of

pytestmark = pytest.mark.django_db


def test_clinic_list_groups_active_clinics_by_full_state_name(client, demo_data):
    response = client.get("/clinics/")
    page = html(response)
    assert response.status_code == 200
    headings = re.findall(r'<h2 class="state-group__title" id="state-[a-z-]+" tabindex="-1">([^<]+)</h2>', page)
    assert headings == ["Illinois", "Iowa", "Nebraska"]
    assert page.count('class="clinic-card"') == Clinic.objects.active().count() == 13
    assert "<title>All clinics | Rock Valley Physical Therapy</title>" in page


def test_clinic_list_names_its_states_in_words(client, demo_data):
    page = html(client.get("/clinics/"))
    assert "13 Rock Valley Physical Therapy clinics in Illinois, Iowa and Nebraska." in text_of(page)
