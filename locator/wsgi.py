"""WSGI entry point. Warms the offline geocoder and the suggestions, so the first visitor does not pay for them,
then freezes what they loaded.

The warm-up loads the offline geocoder's index: some 400,000 objects that live as long as the process. Left
to the garbage collector, every full collection walks them all, a pause of about 0.3 s that a request
pays now and then (docs/performance.md). Frozen (gc.freeze), they are never walked again; under
gunicorn's preload_app the workers also keep sharing their memory with the master.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "locator.settings")

application = get_wsgi_application()

from clinics.suggest import warm_up  # noqa: E402

warm_up()  # the offline geocoder's index, and the suggestions' prefix lists over it
gc.freeze()
