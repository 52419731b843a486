"""The page maps get the options django-leaflet's own template tag would give them."""

import json

from leaflet.templatetags.leaflet_tags import leaflet_map

from clinics.maps import leaflet_options


def test_map_options_are_the_ones_the_leaflet_map_tag_would_inline():
    assert leaflet_options() == json.loads(leaflet_map("map")["djoptions"])


def test_map_options_come_from_settings():
    options = leaflet_options()
    assert options["scale"] == "imperial"
    assert options["center"] == [41.52, -90.55]
    assert options["layers"][0][1].endswith("{z}/{x}/{y}.png")
