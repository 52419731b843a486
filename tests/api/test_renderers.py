"""The API's JSON is written by orjson; it must say what DRF's own renderer would say."""

import json
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from clinics.api.renderers import JSONRenderer


def test_the_values_an_api_answer_holds_read_back_as_with_drfs_renderer():
    data = {
        "name": "Moline — Quad Cities",
        "distance_miles": 5.8,
        "open_now": True,
        "note": None,
        "price": Decimal("12.50"),
        "label": gettext_lazy("Your location"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "services": [{"slug": "dry-needling"}],
    }
    assert json.loads(JSONRenderer().render(data)) == json.loads(DRFJSONRenderer().render(data))


def test_a_value_json_cannot_hold_is_an_error_not_a_silent_null():
    with pytest.raises(TypeError, match="not JSON serializable"):
        JSONRenderer().render({"clinic": object()})
