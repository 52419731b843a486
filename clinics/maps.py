"""What the page maps need from the server: django-leaflet's options, handed to a static script."""

from __future__ import annotations

import json
from typing import Any

from leaflet.templatetags.leaflet_tags import leaflet_map


def leaflet_options() -> dict[str, Any]:
    """The options ``{% leaflet_map %}`` would inline, built by django-leaflet from LEAFLET_CONFIG.

    The pages keep every script in static files, so instead of the tag's inline ``<script>`` the options go into a
    ``json_script`` block and ``clinics/map.js`` calls ``L.Map.djangoMap`` with them. Tiles, attribution, zoom limits
    and the imperial scale therefore still come from settings, exactly as the tag would use them.
    """
    options: dict[str, Any] = json.loads(leaflet_map("map")["djoptions"])
    return options
