"""Every string a visitor reads has a Spanish translation, and the Spanish pages show no English of ours.

The first test gathers the strings afresh (``manage.py update_messages``, Django's makemessages) on a copy of the
project and fails while any is missing from locale/es, untranslated, fuzzy, or no longer used; the second reads
the Spanish pages as a visitor does and fails on English words left unmarked in a template or a message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from clinics.models import Clinic, Condition, Service
from tests.pages.reading import html, text_of

ROOT = Path(settings.BASE_DIR)
DOMAINS = ("django", "djangojs")
# Not the project's own: copying them would only slow the test down.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "venv", "node_modules", "staticfiles", "test-artifacts", "__pycache__", "*.mo", "db.sqlite3*"
)


def gettext_tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"GNU gettext's {name} is missing: `make install-dev` installs it (apt package gettext)"
    return found


def entries(po: Path) -> dict[tuple[str, str], list[str]]:
    """(msgctxt, msgid) -> its msgstr lines, from a .po file read as one line per string (msgcat --no-wrap)."""
    text = subprocess.run(
        [gettext_tool("msgcat"), "--no-wrap", str(po)], check=True, capture_output=True, text=True
    ).stdout
    found = {}
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        context = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid and msgid[1]:
            found[(context[1] if context else "", msgid[1])] = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', block, re.M)
    return found


@pytest.fixture(scope="module")
def gathered_afresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose locale/ makemessages has just brought up to date with the code."""
    copy = tmp_path_factory.mktemp("project") / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=False)
    subprocess.run(
        [sys.executable, "manage.py", "update_messages", "--verbosity", "0"],
        cwd=copy,
        env={**os.environ, "ENV_FILE": "/dev/null", "DJANGO_SETTINGS_MODULE": "locator.settings"},
        check=True,
        capture_output=True,
    )
    return copy


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_visitor_string_is_in_the_spanish_catalogue_and_translated(gathered_afresh: Path, domain: str) -> None:
    committed = entries(ROOT / "locale/es/LC_MESSAGES" / f"{domain}.po")
    current = entries(gathered_afresh / "locale/es/LC_MESSAGES" / f"{domain}.po")
    missing = sorted(set(current) - set(committed))
    assert not missing, f"Not in locale/es/LC_MESSAGES/{domain}.po (run `make messages` and translate): {missing}"
    unused = sorted(set(committed) - set(current))
    assert not unused, f"In {domain}.po but no longer used (run `make messages`): {unused}"
    untranslated = sorted(key for key, strings in committed.items() if not all(strings))
    assert not untranslated, f"Untranslated in {domain}.po: {untranslated}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_spanish_catalogue_has_nothing_fuzzy_and_keeps_every_placeholder(domain: str) -> None:
    po = ROOT / "locale/es/LC_MESSAGES" / f"{domain}.po"
    fuzzy = subprocess.run(
        [gettext_tool("msgattrib"), "--only-fuzzy", "--no-obsolete", str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert not re.findall(r'^msgid "(.+)"$', fuzzy, re.M), f"Fuzzy entries in {domain}.po:\n{fuzzy}"
    # --check: each translation keeps its msgid's placeholders (%(name)s, {name}, %s), and the header is complete.
    checked = subprocess.run(
        [gettext_tool("msgfmt"), "--check", "-o", os.devnull, str(po)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


# Words of our own English that a Spanish page must not show (whole words, any case). Clinic, service and condition
# names and descriptions are data: they are taken out of the page first (their Spanish is the catalogue's, in the
# admin), as are the brand and the parts of addresses.
ENGLISH = re.compile(
    r"\b(the|and|near|clinics?|open|closed|today|hours|find|search|your|you|call|schedule|details|directions|map|"
    r"miles|page|state|browse|conditions?|services?|show|we|our|please|try|enter|found|about|listed)\b",
    re.IGNORECASE,
)
BRAND = ("Rock Valley Physical Therapy", "Rock Valley", "Google Maps", "rockvalleypt.com")


def data_words() -> list[str]:
    words = [*BRAND]
    for clinic in Clinic.objects.all():
        words += [clinic.name, clinic.street, clinic.address_line2, clinic.city, clinic.notice, clinic.closure_reason]
    for service in Service.objects.all():
        words += [service.name, service.description]
    for condition in Condition.objects.all():
        words += [condition.name, condition.description, condition.phrase]
    return sorted((word for word in words if word), key=len, reverse=True)


@pytest.mark.django_db
def test_the_spanish_pages_show_no_english_of_ours(client, demo_data) -> None:
    slug = Clinic.objects.public().values_list("slug", flat=True).first()
    condition = Condition.objects.values_list("slug", flat=True).first()
    pages = [
        "/es/",
        "/es/find/?q=61265",
        "/es/find/?q=1234",
        "/es/find/?q=61265&radius=abc",
        "/es/find/",
        f"/es/clinics/{slug}/",
        "/es/clinics/",
        "/es/clinics/?state=IA&page=9",
        "/es/conditions/",
        f"/es/conditions/{condition}/",
        "/es/nothing-here/",
    ]
    data = data_words()
    for url in pages:
        text = text_of(html(client.get(url)))
        for word in data:
            text = text.replace(word, " ")
        # "English" is the switch's own name for the other language.
        text = text.replace("English", " ")
        assert not ENGLISH.findall(text), f"{url}: {ENGLISH.findall(text)} in {text!r}"
