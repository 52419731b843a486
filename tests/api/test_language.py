"""The API in Spanish: ?lang=es or Accept-Language: es words its human-readable fields in Spanish; codes stay."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
NEAREST = "/api/v1/clinics/nearest/"


def test_lang_es_words_the_answer_in_spanish_and_keeps_its_codes(client, demo_data):
    response = client.get(NEAREST, {"q": "61265", "radius": "5", "service": "no-such-service", "lang": "es"})
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    body = response.json()
    assert body["warnings"] == [
        {
            "code": "unknown_service",
            "message": "No conocemos el servicio “no-such-service”; le mostramos todas las clínicas.",
        }
    ]
    first = body["results"][0]
    assert first["hours_today"] == "Cerrado" or "m." in first["hours_today"]  # "7 a. m.–7 p. m."
    assert "AM" not in first["hours_today"] and "PM" not in first["hours_today"]
    assert first["slug"] and first["status"] in {"published", "temporarily_closed"}  # codes as in English


def test_accept_language_es_words_errors_in_spanish(client):
    response = client.get(NEAREST, {"q": "1234"}, HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5")
    assert response.status_code == 404
    assert response["Content-Language"] == "es"
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "“1234” tiene 4 dígitos, pero un código postal tiene 5, como 61265.",
        "fields": {"q": ["“1234” tiene 4 dígitos, pero un código postal tiene 5, como 61265."]},
    }
    response = client.get(NEAREST, {"q": "61265", "radius": "0"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameters"
    assert response.json()["error"]["fields"]["radius"] == ["Elija una distancia de 0.1 a 250 millas."]


def test_lang_wins_over_accept_language_and_an_unknown_lang_is_not_an_error(client):
    answer = client.get(NEAREST, {"q": "1234", "lang": "en"}, HTTP_ACCEPT_LANGUAGE="es")
    assert answer["Content-Language"] == "en"
    assert answer.json()["error"]["message"] == "“1234” has 4 digits, but a ZIP code has 5, like 61265."
    answer = client.get(NEAREST, {"q": "1234", "lang": "fr"}, HTTP_ACCEPT_LANGUAGE="es")
    assert answer["Content-Language"] == "es"
    answer = client.get(NEAREST, {"q": "1234", "lang": "fr"})
    assert answer["Content-Language"] == "en"


def test_the_api_stays_english_by_default(client):
    response = client.get(NEAREST, {"q": "1234"})
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
    assert response.json()["error"]["message"] == "“1234” has 4 digits, but a ZIP code has 5, like 61265."


def test_a_clinics_week_in_spanish(client):
    from datetime import time

    from tests.factories import ClinicFactory

    ClinicFactory(slug="moline", hours=[(0, time(7), time(19))])
    body = client.get("/api/v1/clinics/moline/", {"lang": "es"}).json()
    monday = body["hours"][0]
    assert monday == {
        "weekday": 0,
        "name": "Lunes",
        "text": "7 a.\xa0m.–7 p.\xa0m.",
        "intervals": [{"opens": "07:00", "closes": "19:00"}],
    }
    assert body["hours"][6]["text"] == "Cerrado"
    english = client.get("/api/v1/clinics/moline/").json()["hours"][0]
    assert (english["name"], english["text"]) == ("Monday", "7 AM–7 PM")


def test_api_errors_outside_any_view_are_in_spanish_too(client):
    response = client.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Esta dirección de la API no existe."
