"""``manage.py update_messages``: gather every string visitors read into locale/<lang>/LC_MESSAGES/*.po.

Django's makemessages, once for the pages and the Python messages (django.po) and once for the page scripts
(djangojs.po), over this project's own code only: not the virtual environment, npm's files, the tests, the
benchmarks or the admin's own scripts (staff read the admin in English). New strings arrive untranslated; fill
them in, then ``manage.py compilemessages``. tests/test_translations.py runs this on a copy of the project and
fails while any string is missing or untranslated.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORED = [
    ".venv/*",
    "venv/*",
    "node_modules/*",
    "staticfiles/*",
    "tests/*",
    "benchmarks/*",
    "fixtures/*",
    "docs/*",
    "test-artifacts/*",
    # Staff pages and their scripts: the admin is in English.
    "clinics/static/clinics/admin/*",
    "demand/static/*",
    "templates/admin/*",
    "demand/templates/admin/*",
    # The embed builder and its sample article are for marketing staff, in English like the admin; the finder
    # itself (embed/templates/embed/finder.html, embed.js, finder.js) is for visitors and is translated.
    "embed/templates/embed/builder.html",
    "embed/templates/embed/sample_article.html",
    "embed/static/embed/builder.js",
]


class Command(BaseCommand):
    help = "Gather the visitor-facing strings into the .po files of every language but English."

    def handle(self, *args: Any, **options: Any) -> None:
        languages = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        for domain in ("django", "djangojs"):
            call_command(
                "makemessages",
                locale=languages,
                domain=domain,
                ignore_patterns=IGNORED,
                no_location=True,
                no_obsolete=True,
                verbosity=options["verbosity"],
            )
