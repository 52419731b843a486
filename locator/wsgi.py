"""WSGI entry point. Warms the offline geocoder so the first visitor does not pay for it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "locator.settings")

application = get_wsgi_application()

from clinics.geocoding import warm_up  # noqa: E402

warm_up()
