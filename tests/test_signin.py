"""Guessing staff passwords: locked out per user name and per address, told plainly, unlocked by a superuser."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery-7"


@pytest.fixture
def ops() -> User:
    return User.objects.create_user("ops", password=PASSWORD, is_staff=True)


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_five_wrong_passwords_lock_the_user_out_even_with_the_right_one(client, ops):
    for _ in range(4):
        assert sign_in(client, "ops", "guess").status_code == 200  # the login form again, with its error
    assert sign_in(client, "ops", "guess").status_code == 429  # the fifth locks
    response = sign_in(client, "ops", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page
    assert "Signing in is paused for 15 minutes" in page
    assert "ask a superuser to unlock you" in page
    assert response["Retry-After"] == "900"
    assert not signed_in(client)


def test_a_guesser_moving_between_addresses_still_locks_the_user_name(client, ops):
    for n in range(5):
        sign_in(client, "ops", "guess", address=f"198.51.100.{n}")
    assert sign_in(client, "ops", PASSWORD, address="198.51.100.99").status_code == 429


def test_a_guesser_trying_many_names_locks_their_address_only(ops):
    guesser, colleague = Client(), Client()
    for n in range(5):
        sign_in(guesser, f"admin{n}", "guess", address="192.0.2.66")
    assert sign_in(guesser, "ops", PASSWORD, address="192.0.2.66").status_code == 429
    assert sign_in(colleague, "ops", PASSWORD, address="192.0.2.10").status_code == 302
    assert signed_in(colleague)


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, ops):
    for n in range(5):
        client.post(LOGIN, {"username": f"x{n}", "password": "guess"}, HTTP_X_FORWARDED_FOR=f"10.1.1.{n}")
    response = client.post(LOGIN, {"username": "ops", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.1.1.200")
    assert response.status_code == 429


def test_a_locked_out_guesser_costs_no_more_password_hashing(client, ops, monkeypatch):
    for _ in range(5):
        sign_in(client, "ops", "guess")
    hashed = []
    real = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, raw: hashed.append(raw) or real(self, raw))
    for _ in range(20):
        assert sign_in(client, "ops", "guess").status_code == 429
    assert hashed == []  # refused before the (deliberately slow) hash, so visitors keep the CPU


def test_the_lock_lifts_by_itself_after_the_cool_off(client, ops):
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            sign_in(client, "ops", "guess")
        assert sign_in(client, "ops", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=16))
        assert sign_in(client, "ops", PASSWORD).status_code == 302
        assert signed_in(client)  # inside the travelled time: the session it made would expire in real time


def test_a_superuser_unlocks_a_user_in_the_admin(client, ops):
    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, "ops", "guess")
    superuser = Client()
    superuser.force_login(User.objects.create_superuser("chief", "chief@example.com", "pw-chief-1234"))
    listing = superuser.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "ops" in listing.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="ops").values_list("pk", flat=True)]
    confirm = superuser.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert confirm.status_code == 302
    assert sign_in(client, "ops", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_unlock_command_frees_a_user_name(client, ops):
    for _ in range(5):
        sign_in(client, "ops", "guess")
    call_command("axes_reset_username", "ops")
    assert sign_in(client, "ops", PASSWORD).status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(client, ops):
    for _ in range(4):
        sign_in(client, "ops", "guess")
    assert sign_in(client, "ops", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "ops", "guess")
    assert sign_in(client, "ops", PASSWORD).status_code == 302
