"""Special hours: dates with other hours or closed (holidays, staff days), per clinic or for many at once.

Thanksgiving 2026 is Thursday, November 26; Moline keeps Central Time (UTC-6 in November).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinics import editing
from clinics.hours import Week
from clinics.models import Clinic, SpecialHours
from clinics.search.ranking import SearchQuery, nearest_clinics
from tests.factories import ClinicFactory, SpecialHoursFactory
from tests.pages.reading import html, text_of

pytestmark = pytest.mark.django_db

THANKSGIVING = date(2026, 11, 26)
THANKSGIVING_10AM_CHICAGO = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
WEEKDAYS_8_TO_5 = [(day, time(8), time(17)) for day in range(5)]


def week(special=(), zone="America/Chicago") -> Week:
    return Week.of(WEEKDAYS_8_TO_5, zone, special)


def test_a_holiday_closes_the_clinic_all_day():
    status = week([(THANKSGIVING, "Thanksgiving", None, None)]).status(THANKSGIVING_10AM_CHICAGO)
    assert (status.open_now, status.hours_today) == (False, "Closed (Thanksgiving)")


def test_other_hours_on_a_date_replace_the_weeks():
    christmas_eve = week([(date(2026, 12, 24), "Christmas Eve", time(8), time(12))])
    ten_am = datetime(2026, 12, 24, 16, 0, tzinfo=UTC)
    one_pm = datetime(2026, 12, 24, 19, 0, tzinfo=UTC)
    assert (christmas_eve.status(ten_am).open_now, christmas_eve.status(ten_am).hours_today) == (
        True,
        "8 AM–12 PM (Christmas Eve)",
    )
    assert christmas_eve.status(one_pm).open_now is False


def test_the_day_is_the_clinics_own_date_not_utcs():
    thanksgiving = week([(THANKSGIVING, "Thanksgiving", None, None)])
    # 03:00 UTC on Friday the 27th is still Thursday 9 PM in Chicago: Thanksgiving there.
    assert thanksgiving.status(datetime(2026, 11, 27, 3, 0, tzinfo=UTC)).hours_today == "Closed (Thanksgiving)"
    # 05:00 UTC on Thursday is Wednesday 11 PM in Chicago: an ordinary day.
    assert thanksgiving.status(datetime(2026, 11, 26, 5, 0, tzinfo=UTC)).hours_today == "8 AM–5 PM"


def test_upcoming_lists_the_next_special_days_from_the_clinics_today():
    days = week(
        [
            (date(2026, 11, 20), "Staff day", None, None),
            (THANKSGIVING, "Thanksgiving", None, None),
            (date(2026, 12, 24), "Christmas Eve", time(8), time(12)),
            (date(2027, 6, 1), "Far away", None, None),
        ]
    ).upcoming(THANKSGIVING_10AM_CHICAGO)
    assert [(d.date, d.label, d.text) for d in days] == [
        (THANKSGIVING, "Thanksgiving", "Closed"),
        (date(2026, 12, 24), "Christmas Eve", "8 AM–12 PM"),
    ]


# Past special dates are not loaded, so travel there; the clock ticks, so each edit makes a new version.
@time_machine.travel(THANKSGIVING_10AM_CHICAGO)
def test_a_special_date_set_through_editing_shows_in_the_next_search():
    clinic = ClinicFactory(name="Moline", latitude=41.0, longitude=-90.0)
    first = nearest_clinics(SearchQuery(41.0, -90.0, at=THANKSGIVING_10AM_CHICAGO)).matches[0]
    assert (first.open_now, first.hours_today) == (True, "8 AM–5 PM")  # and now cached
    editing.special_hours_set(clinics=[clinic], day=THANKSGIVING, label="Thanksgiving")
    match = nearest_clinics(SearchQuery(41.0, -90.0, at=THANKSGIVING_10AM_CHICAGO)).matches[0]
    assert (match.open_now, match.hours_today) == (False, "Closed (Thanksgiving)")
    assert nearest_clinics(SearchQuery(41.0, -90.0, open_now=True, at=THANKSGIVING_10AM_CHICAGO)).matches == []


def test_bad_special_hours_change_nothing():
    clinic = ClinicFactory()
    with pytest.raises(ValidationError):
        editing.special_hours_set(clinics=[clinic], day=THANKSGIVING, label="Half day", opens=time(13), closes=time(9))
    with pytest.raises(ValidationError):
        editing.special_hours_set(clinics=[clinic], day=THANKSGIVING, label="Half day", opens=time(9))
    assert not SpecialHours.objects.exists()


def test_setting_a_date_again_replaces_it():
    clinic = ClinicFactory()
    editing.special_hours_set(clinics=[clinic], day=THANKSGIVING, label="Thanksgiving")
    editing.special_hours_set(clinics=[clinic], day=THANKSGIVING, label="Thanksgiving", opens=time(8), closes=time(12))
    assert list(clinic.special_hours.values_list("label", "opens", "closes")) == [("Thanksgiving", time(8), time(12))]


# --- Where patients see them -------------------------------------------------------------------------------


def test_clinic_page_shows_upcoming_special_hours_ahead_of_time(client):
    clinic = ClinicFactory(name="Moline")
    SpecialHoursFactory(clinic=clinic, date=THANKSGIVING, label="Thanksgiving")
    SpecialHoursFactory(clinic=clinic, date=date(2026, 12, 24), label="Christmas Eve", opens=time(8), closes=time(12))
    with time_machine.travel("2026-11-20 16:00:00+00:00", tick=False):  # a week before
        page = text_of(html(client.get(clinic.get_absolute_url())))
    assert "Upcoming special hours Thu Nov 26 — Thanksgiving — closed Thu Dec 24 — Christmas Eve — 8 AM–12 PM" in page


def test_clinic_page_on_the_holiday_says_closed_today(client):
    clinic = ClinicFactory(name="Moline")
    SpecialHoursFactory(clinic=clinic, date=THANKSGIVING, label="Thanksgiving")
    with time_machine.travel(THANKSGIVING_10AM_CHICAGO, tick=False):
        page = text_of(html(client.get(clinic.get_absolute_url())))
    assert "Closed now · Thanksgiving · Opens tomorrow at" in page


def test_a_closed_clinic_says_when_it_opens_next(client):
    clinic = ClinicFactory(name="Moline")  # the factory's week: see below, computed from the clinic's own hours
    week = sorted(clinic.hours.values_list("weekday", "opens"))
    friday_evening = "2026-11-27 23:30:00-06:00"  # Friday 11:30 PM in Chicago
    first_after = next(((day, opens) for day, opens in week if day > 4), week[0] if week else None)
    with time_machine.travel(friday_evening, tick=False):
        page = text_of(html(client.get(clinic.get_absolute_url())))
    assert first_after is not None
    day, opens = first_after
    hour = opens.hour % 12 or 12
    words = {5: "Opens tomorrow at", 6: "Opens Sunday at"}.get(day, "Opens Monday at")
    assert f"Closed now · {words} {hour}" in page


def test_api_gives_special_hours_and_follows_them(client):
    clinic = ClinicFactory(name="Moline")
    SpecialHoursFactory(clinic=clinic, date=THANKSGIVING, label="Thanksgiving")
    with time_machine.travel(THANKSGIVING_10AM_CHICAGO, tick=False):
        data = client.get(f"/api/v1/clinics/{clinic.slug}/").json()
    assert data["open_now"] is False
    assert data["hours_today"] == "Closed (Thanksgiving)"
    assert data["special_hours"] == [{"date": "2026-11-26", "label": "Thanksgiving", "closed": True, "text": "Closed"}]


# --- The admin -------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    return client


def test_admin_sets_a_holiday_for_many_clinics_at_once(staff_client):
    chosen = [ClinicFactory(name="Moline"), ClinicFactory(name="Davenport")]
    other = ClinicFactory(name="Peoria")
    url = reverse("admin:clinics_clinic_changelist")
    selected = {"action": "special_hours_selected", "_selected_action": [str(c.pk) for c in chosen]}
    page = html(staff_client.post(url, selected))
    assert "Add special hours" in page and "For these 2 clinics" in page
    response = staff_client.post(
        url, {**selected, "apply": "1", "date": "2026-11-26", "label": "Thanksgiving", "closed": "on"}, follow=True
    )
    assert "Thanksgiving (Thu Nov 26, 2026): closed at 2 clinic(s)." in html(response)
    assert sorted(SpecialHours.objects.values_list("clinic__name", "label")) == [
        ("Davenport", "Thanksgiving"),
        ("Moline", "Thanksgiving"),
    ]
    assert not other.special_hours.exists()


def test_admin_bulk_special_hours_need_times_or_closed(staff_client):
    clinic = ClinicFactory()
    url = reverse("admin:clinics_clinic_changelist")
    data = {"action": "special_hours_selected", "_selected_action": [str(clinic.pk)], "apply": "1"}
    page = html(staff_client.post(url, {**data, "date": "2026-12-24", "label": "Christmas Eve"}))
    assert "Give the opening and closing times, or tick “Closed all day”." in page
    page = html(
        staff_client.post(
            url, {**data, "date": "2026-12-24", "label": "Christmas Eve", "opens": "12:00", "closes": "08:00"}
        )
    )
    assert "The closing time must be after the opening time." in page
    assert not SpecialHours.objects.exists()


def test_admin_clinic_page_has_a_special_hours_inline(staff_client):
    clinic = ClinicFactory()
    SpecialHoursFactory(clinic=clinic, date=THANKSGIVING, label="Thanksgiving")
    page = html(staff_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])))
    assert "Special hours (holidays, staff days: leave the times empty for closed all day)" in page
    assert 'value="Thanksgiving"' in page


def test_a_special_hours_row_with_one_time_is_refused_in_the_admin(staff_client):
    clinic = Clinic.objects.get(pk=ClinicFactory(hours=[(0, time(8), time(17))]).pk)
    form = staff_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "services"}
    interval = clinic.hours.get()
    data.update(
        {
            "services": [str(pk) for pk in clinic.services.values_list("pk", flat=True)],
            "hours-TOTAL_FORMS": "1",
            "hours-INITIAL_FORMS": "1",
            "hours-0-id": str(interval.pk),
            "hours-0-clinic": str(clinic.pk),
            "hours-0-weekday": "0",
            "hours-0-opens": "08:00",
            "hours-0-closes": "17:00",
            "special_hours-TOTAL_FORMS": "1",
            "special_hours-INITIAL_FORMS": "0",
            "special_hours-0-date": "2026-12-24",
            "special_hours-0-label": "Christmas Eve",
            "special_hours-0-opens": "08:00",
        }
    )
    page = html(staff_client.post(reverse("admin:clinics_clinic_change", args=[clinic.pk]), data))
    assert "Give both the opening and the closing time, or neither for closed all day." in page
    assert not SpecialHours.objects.exists()


def test_the_admin_shows_hours_as_staff_write_them_without_seconds(staff_client):
    clinic = ClinicFactory(hours=[(0, time(7), time(17, 30))])
    SpecialHoursFactory(clinic=clinic, date=date(2026, 12, 24), label="Christmas Eve", opens=time(8), closes=time(12))
    page = html(staff_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])))
    for shown in ('value="07:00"', 'value="17:30"', 'value="08:00"', 'value="12:00"'):
        assert shown in page
    assert ":00:00" not in page
