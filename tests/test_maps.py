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


def test_map_asset_tags_write_what_the_leaflet_tags_write(settings):
    from django.template import engines

    def render(source: str) -> str:
        return engines["django"].from_string(source).render({})

    ours = render("{% load map_assets %}{% map_css %}|{% map_js %}")
    assert ours == render("{% load leaflet_tags %}{% leaflet_css %}|{% leaflet_js %}")
    assert "leaflet/leaflet.js" in ours
    settings.STATIC_URL = "/assets/"  # a setting changes: written again, not remembered
    assert render("{% load map_assets %}{% map_js %}") == render("{% load leaflet_tags %}{% leaflet_js %}")
    assert "/assets/leaflet/leaflet.js" in render("{% load map_assets %}{% map_js %}")
