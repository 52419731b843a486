"""ASGI entry point. Warms the offline geocoder so the first visitor does not pay for it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "locator.settings")

application = get_asgi_application()

from clinics.geocoding import warm_up  # noqa: E402

warm_up()
