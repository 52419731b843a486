"""What the page maps need from the server: django-leaflet's map options, handed to a static script.

The pages keep every script in static files, so instead of ``{% leaflet_map %}``'s inline
``<script>`` the options go into a ``json_script`` block and ``clinics/map.js`` calls
``L.Map.djangoMap`` with them. They are built from ``leaflet.app_settings``: django-leaflet's
LEAFLET_CONFIG merged with its defaults, so tiles, attribution, zoom limits and the imperial
scale come from settings exactly as the tag would use them (a test holds the two equal).
"""

from __future__ import annotations

from typing import Any

from django.utils.encoding import force_str
from leaflet import app_settings


def leaflet_options() -> dict[str, Any]:
    """The options L.Map.djangoMap reads (its ``djoptions``)."""
    extent = None
    if app_settings["SPATIAL_EXTENT"] is not None:
        xmin, ymin, xmax, ymax = app_settings["SPATIAL_EXTENT"]
        extent = [[ymin, xmin], [ymax, xmax]]  # Leaflet takes [lat, lng]
    return {
        "srid": app_settings.get("SRID"),
        "extent": extent,
        "fitextent": True,
        "center": list(app_settings["DEFAULT_CENTER"]),
        "zoom": app_settings["DEFAULT_ZOOM"],
        "precision": app_settings["DEFAULT_PRECISION"],
        "minzoom": app_settings["MIN_ZOOM"],
        "maxzoom": app_settings["MAX_ZOOM"],
        "layers": [[force_str(label), url, attrs] for label, url, attrs in app_settings.get("TILES", [])],
        "overlays": [[force_str(label), url, attrs] for label, url, attrs in app_settings.get("OVERLAYS", [])],
        "attributionprefix": force_str(app_settings.get("ATTRIBUTION_PREFIX"), strings_only=True),
        "scale": app_settings.get("SCALE"),
        "minimap": app_settings.get("MINIMAP"),
        "resetview": app_settings.get("RESET_VIEW"),
        "tilesextent": list(app_settings.get("TILES_EXTENT", [])),
    }
