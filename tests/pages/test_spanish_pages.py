"""The visitor pages in Spanish at /es/: Spanish words, Spanish hours and dates, the switch, and hreflang."""

from __future__ import annotations

import re
from datetime import datetime, time
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from clinics.models import Clinic
from tests.factories import ClinicFactory
from tests.pages.reading import html, text_of

pytestmark = pytest.mark.django_db


def spanish(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    assert response["Content-Language"] == "es"
    page = html(response)
    assert '<html lang="es">' in page
    return page


def alternates(page: str) -> dict[str, str]:
    return {
        code: unescape(url)
        for code, url in re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    }


def switch(page: str) -> tuple[str, str, str]:
    """(href, lang, text) of the link to the page in the other language."""
    match = re.search(
        r'<a class="language-switch" href="([^"]*)" lang="([^"]+)" hreflang="[^"]+" data-language-switch>([^<]+)</a>',
        page,
    )
    assert match, "no language switch"
    return unescape(match[1]), match[2], match[3]


def test_the_spanish_home_page_is_in_spanish_and_its_links_stay_in_spanish(client, demo_data):
    page = spanish(client, "/es/")
    text = text_of(page)
    assert "Encuentre un fisioterapeuta de Rock Valley cerca de usted" in text
    assert "Busque entre 13 clínicas por código postal, ciudad o dirección." in text
    assert "Código postal, ciudad o dirección" in text
    assert "Usar mi ubicación" in text
    assert "Cómo funciona" in text
    assert "Find a clinic" not in text
    assert 'href="/es/clinics/"' in page  # the navigation keeps the visitor in Spanish
    assert 'action="/es/find/"' in page
    # The page scripts' Spanish comes from the catalogue, and suggestions are asked for in Spanish.
    assert '<script src="/es/jsi18n/" defer></script>' in page
    assert 'data-suggest-url="/api/v1/suggest/?lang=es"' in page


def test_english_pages_are_unchanged_whatever_the_browser_prefers(client, demo_data):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    page = html(response)
    assert '<html lang="en">' in page
    assert "Find a Rock Valley physical therapist near you" in text_of(page)
    assert "jsi18n" not in page  # English needs no catalogue
    # Suggestions are asked for in the page's language, not the browser's (which fetch() would send).
    assert 'data-suggest-url="/api/v1/suggest/?lang=en"' in page
    assert switch(page) == ("/es/", "es", "Español")


def test_the_switch_keeps_the_search_in_the_other_language(client, demo_data):
    english = html(client.get("/find/?q=61265&radius=25&open_now=false"))
    assert switch(english) == ("/es/find/?q=61265&radius=25&open_now=false", "es", "Español")
    page = spanish(client, "/es/find/?q=61265&radius=25&open_now=false")
    assert switch(page) == ("/find/?q=61265&radius=25&open_now=false", "en", "English")


@pytest.mark.parametrize("path", ["/es//evil.example/login?x=1", "/es/%2F%2Fevil.example/", "/es/%5Cevil.example/"])
def test_the_switch_never_leads_off_the_site(client, path):
    page = html(client.get(path))
    href, _, _ = switch(page)
    assert href.startswith("/") and not href.startswith("//") and not href.startswith("/\\")
    for alternate in re.findall(r'hreflang="[^"]+" href="([^"]+)"', page):
        assert alternate.startswith("http://testserver/"), alternate


def test_the_embed_builder_is_english_only_with_no_switch(client, demo_data):
    page = html(client.get("/embed/"))
    assert "data-language-switch" not in page and 'rel="alternate"' not in page


def test_spanish_results_for_61265(client, demo_data):
    page = spanish(client, "/es/find/?q=61265")
    text = text_of(page)
    assert "Clínicas cerca de Moline, IL 61265" in text
    assert re.search(r"\d+ clínicas a menos de 25 millas, las más cercanas primero\.", text)
    assert "Agendar" in text and "Cómo llegar" in text and "Detalles" in text
    # (text_of reads the no-break spaces inside "a. m." as spaces)
    # Open: today's hours; closed: when it opens next (which depends on when the test runs).
    assert re.search(
        r"Abierto ahora · Hoy: \d{1,2}(:\d\d)? [ap]\. m\.–\d{1,2}(:\d\d)? [ap]\. m\."
        r"|Cerrado ahora · (Hoy: Cerrado|Abre (mañana |el [^ ]+ )?a las \d{1,2}(:\d\d)? [ap]\. m\.)",
        text,
    )
    assert re.search(r'data-distance="≈? ?\d+\.\d mi"', page)  # miles, written as US Spanish writes them
    assert "Ver mapa" in text
    # The clinic links stay in Spanish; the Schedule redirect is the same in every language.
    assert 'href="/es/clinics/' in page
    assert "Clinics near" not in text


def test_a_spanish_search_message_is_in_spanish(client, demo_data):
    page = spanish(client, "/es/find/?q=1234", status=200)
    assert "“1234” tiene 4 dígitos, pero un código postal tiene 5, como 61265." in text_of(page)
    page = spanish(client, "/es/find/?q=61265&radius=abc", status=400)
    assert "Elija una distancia de 0.1 a 250 millas." in text_of(page)


def test_the_spanish_clinic_page_words_hours_days_and_dates_the_spanish_way(client, monkeypatch):
    week = [(0, time(7), time(19)), (4, time(7, 30), time(17))]
    clinic = ClinicFactory(name="Moline", slug="moline", latitude=41.5, longitude=-90.5, hours=week)
    clinic.special_hours.create(date=datetime(2026, 11, 26).date(), label="Thanksgiving")
    clinic.save()
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
    monkeypatch.setattr(timezone, "now", lambda: monday_noon)
    page = spanish(client, "/es/clinics/moline/")
    assert "<td>7 a.\xa0m.–7 p.\xa0m.</td>" in page  # never broken between "a." and "m."
    text = text_of(page)
    assert "Abierto ahora · Hoy: 7 a. m.–7 p. m." in text
    assert "Lunes Hoy 7 a. m.–7 p. m." in text
    assert "Viernes 7:30 a. m.–5 p. m." in text
    assert "Domingo Cerrado" in text
    assert "Horario según la hora del Centro (CST), la hora local de la clínica." in text
    assert "jue 26 nov — Thanksgiving — cerrado" in text
    assert "Horario" in text and "Dirección y contacto" in text
    # The same page in English is as it always was.
    english = text_of(html(client.get("/clinics/moline/")))
    assert "Open now · Today: 7 AM–7 PM" in english
    assert "Monday Today 7 AM–7 PM" in english
    assert "Thu Nov 26 — Thanksgiving — closed" in english


def test_a_temporarily_closed_clinic_says_when_it_reopens_in_spanish(client):
    ClinicFactory(
        name="Moline",
        slug="moline",
        status="temporarily_closed",
        closure_reason="Renovación",
        reopens_on=datetime(2026, 12, 7).date(),
    )
    text = text_of(spanish(client, "/es/clinics/moline/"))
    assert "Cerrada temporalmente · Reabre el lunes 7 de diciembre" in text
    assert "Espera reabrir el lunes 7 de diciembre de 2026." in text


def test_the_spanish_conditions_index_and_a_condition_page(client, demo_data):
    text = text_of(spanish(client, "/es/conditions/"))
    assert "Afecciones que tratamos" in text
    assert "Elija lo que le molesta para ver cómo podemos ayudarle" in text
    text = text_of(spanish(client, "/es/conditions/sciatica/"))
    assert "Cómo podemos ayudarle" in text


def test_the_spanish_clinic_list(client, demo_data):
    text = text_of(spanish(client, "/es/clinics/"))
    assert "Todas las clínicas" in text
    assert "13 clínicas de Rock Valley Physical Therapy en Illinois, Iowa y Nebraska." in text


def test_a_missing_spanish_page_is_a_spanish_404(client):
    page = spanish(client, "/es/nothing-here/", status=404)
    text = text_of(page)
    assert "No encontramos esa página" in text
    assert 'action="/es/find/"' in page


def test_every_page_lists_its_languages_for_search_engines(client, settings, demo_data):
    settings.SITE_URL = "https://clinics.example.org"
    site = settings.SITE_URL
    slug = Clinic.objects.public().values_list("slug", flat=True).first()
    for english, spanish_url in [
        ("/", "/es/"),
        ("/clinics/", "/es/clinics/"),
        (f"/clinics/{slug}/", f"/es/clinics/{slug}/"),
        ("/conditions/", "/es/conditions/"),
    ]:
        expected = {"en": site + english, "es": site + spanish_url, "x-default": site + english}
        assert alternates(html(client.get(english))) == expected, english
        assert alternates(html(client.get(spanish_url))) == expected, spanish_url
    # From the canonical address: a tracking parameter never becomes an alternate.
    assert alternates(html(client.get("/?utm_source=mail")))["es"] == f"{site}/es/"


def test_the_sitemap_lists_each_page_with_its_alternates(client, settings, demo_data):
    settings.SITE_URL = "https://clinics.example.org"
    sitemap = html(client.get("/sitemap-pages.xml"))
    assert "<loc>https://clinics.example.org/es/conditions/</loc>" in sitemap
    assert '<xhtml:link rel="alternate" hreflang="es" href="https://clinics.example.org/es/"/>' in sitemap
    assert '<xhtml:link rel="alternate" hreflang="x-default" href="https://clinics.example.org/"/>' in sitemap


def test_the_page_scripts_catalogue_is_served_from_our_own_address(client):
    response = client.get("/es/jsi18n/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=3600" in response["Cache-Control"]
    assert "Buscando su ubicaci\\u00f3n" in response.content.decode()  # JSON escapes what is not ASCII


def test_python_messages_follow_the_active_language():
    from clinics.views import distance_words

    with translation.override("es"):
        assert distance_words(1305.2, approximate=False) == ("1,305 mi", "a 1,305 millas")
        assert distance_words(0.5, approximate=True) == ("≈ menos de 1 mi", "a una milla o menos, aproximadamente")
    assert distance_words(3.21, approximate=False) == ("3.2 mi", "3.2 miles away")
