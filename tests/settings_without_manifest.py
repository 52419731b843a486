"""The production settings (DEBUG off) without whitenoise's hashed-file manifest.

For tests that start a real server in a subprocess: building the manifest (collectstatic) takes
half a minute, and these tests are about what the app answers, not about its static files.
"""

from locator.settings import *  # noqa: F403
from locator.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
