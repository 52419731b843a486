"""The snippet marketing pastes, the builder that makes it, the sample article, and the script it loads."""

from __future__ import annotations

import gzip
import re
from html import unescape

import pytest
from django.urls import reverse

from clinics.conditions import catalogue
from embed.snippet import finder_language, snippet_html
from embed.views import SCRIPT_PATH

pytestmark = pytest.mark.django_db

# embed.js runs on every article page: it must stay small (it is about 1.2 kB gzipped; see docs/performance.md).
SCRIPT_BUDGET_GZIPPED = 2048


def test_the_snippet_is_a_div_with_a_plain_link_and_an_async_script(demo_data):
    snippet = snippet_html(
        condition=catalogue.get().by_slug["pinched-nerve"],
        language="",
        absolute=lambda path: f"https://clinics.example.org{path}",
    )
    assert snippet == (
        '<div data-rockvalley-finder data-condition="pinched-nerve">\n'
        '  <a href="https://clinics.example.org/conditions/pinched-nerve/">'
        "Find a Rock Valley Physical Therapist near you</a>\n"
        "</div>\n"
        '<script src="https://clinics.example.org/embed.js" async></script>'
    )


def test_a_snippet_for_any_condition_links_to_the_home_page_and_may_name_its_language(demo_data):
    snippet = snippet_html(condition=None, language="es", absolute=lambda path: path)
    # A Spanish snippet's fallback link is the Spanish home page, in Spanish.
    assert snippet.startswith(
        '<div data-rockvalley-finder data-lang="es">\n  <a href="/es/">'
        "Encuentre un fisioterapeuta de Rock Valley cerca de usted</a>"
    )


@pytest.mark.parametrize(
    ("raw", "language"),
    [("es", "es"), ("es-MX", "es"), ("ES_us", "es"), ("en-US", "en"), ("fr", "en"), ("", "en"), (None, "en")],
)
def test_the_finder_speaks_english_or_spanish(raw, language):
    assert finder_language(raw) == language


def test_the_builder_offers_every_condition_and_shows_the_snippet_to_copy(demo_data, client):
    response = client.get("/embed/", {"condition": "sciatica", "lang": "es"})
    assert response.status_code == 200
    page = response.content.decode()
    for entry in catalogue.get().entries:
        assert f'<option value="{entry.slug}"' in page
    assert '<option value="sciatica" selected>' in page
    assert '<option value="es" lang="es" selected>' in page
    textarea = re.search(r'<textarea[^>]*id="embed-snippet"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea
    snippet = unescape(textarea[1])
    assert '<div data-rockvalley-finder data-condition="sciatica" data-lang="es">' in snippet
    assert '<script src="http://testserver/embed.js" async></script>' in snippet
    # The live preview is the snippet itself, on this page.
    assert snippet in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_builder_names_the_sites_allowed_to_embed_the_finder(demo_data, client, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://www.rockvalleypt.com"]
    page = client.get("/embed/").content.decode()
    assert "<code>http://testserver</code> (this site)" in page
    assert "<code>https://www.rockvalleypt.com</code>" in page
    settings.EMBED_ALLOWED_ORIGINS = []
    assert "No other site is allowed yet" in client.get("/embed/").content.decode()


def test_a_condition_or_language_the_builder_does_not_know_makes_the_general_snippet(demo_data, client):
    response = client.get("/embed/", {"condition": "<script>", "lang": "klingon"})
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "<div data-rockvalley-finder>" in page
    assert "<script>" not in re.sub(r"<script src=[^>]+></script>", "", page)


def test_the_sample_article_is_marked_as_a_sample_and_ends_with_the_snippet(demo_data, client):
    page = client.get("/embed/sample-article/", {"condition": "neck-pain"}).content.decode()
    assert "<strong>Sample article</strong>" in page
    assert "not Rock Valley's content" in page
    assert '<div data-rockvalley-finder data-condition="neck-pain">' in page
    # Absolute addresses: the same page served from another site still reaches ours.
    assert '<link rel="stylesheet" href="http://testserver/static/embed/sample-article.css">' in page
    assert '<script src="http://testserver/embed.js" async></script>' in page


def test_embed_js_is_served_at_a_fixed_address_as_javascript(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response.content == SCRIPT_PATH.read_bytes()
    assert not response.cookies


def test_embed_js_stays_small():
    source = SCRIPT_PATH.read_bytes()
    assert len(gzip.compress(source, 9)) <= SCRIPT_BUDGET_GZIPPED


def test_embed_js_frames_the_finder_and_listens_only_to_it():
    source = SCRIPT_PATH.read_text()
    assert f'"{reverse("embed:finder")}?"' in source  # the frame's address
    assert "event.origin !== origin" in source
    assert "frame.contentWindow !== event.source" in source
