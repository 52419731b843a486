"""Open now and today's hours, in the clinic's own time zone, across a DST change."""

from datetime import UTC, datetime, time

import pytest

from clinics.hours import format_time, status_at, week_table
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db

EIGHT_TO_FIVE = [(day, time(8), time(17)) for day in range(7)]


@pytest.mark.parametrize(
    ("utc", "open_now"),
    [
        # Saturday 2026-03-07: Chicago is UTC-6, so 13:30 UTC is 7:30 local -> closed.
        (datetime(2026, 3, 7, 13, 30, tzinfo=UTC), False),
        (datetime(2026, 3, 7, 14, 30, tzinfo=UTC), True),
        # Monday 2026-03-09, after DST began on the 8th: UTC-5, so 13:30 UTC is 8:30 local -> open.
        (datetime(2026, 3, 9, 13, 30, tzinfo=UTC), True),
        (datetime(2026, 3, 9, 22, 30, tzinfo=UTC), False),  # 17:30 local
        (datetime(2026, 3, 9, 21, 59, tzinfo=UTC), True),  # 16:59 local
    ],
)
def test_open_now_follows_the_clinics_wall_clock_across_dst(utc, open_now):
    clinic = ClinicFactory(
        name="Chicago", latitude=41.0, longitude=-90.0, timezone="America/Chicago", hours=EIGHT_TO_FIVE
    )
    assert status_at(clinic, utc).open_now is open_now


def test_closing_time_itself_is_closed_and_opening_time_is_open():
    clinic = ClinicFactory(name="Chicago", latitude=41.0, longitude=-90.0, hours=[(0, time(8), time(17))])
    monday_8am = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)  # CDT
    monday_5pm = datetime(2026, 6, 1, 22, 0, tzinfo=UTC)
    assert status_at(clinic, monday_8am).open_now is True
    assert status_at(clinic, monday_5pm).open_now is False


def test_today_is_the_clinics_today_not_the_servers():
    # 03:00 UTC Tuesday is still Monday evening in Chicago.
    clinic = ClinicFactory(
        name="Chicago", latitude=41.0, longitude=-90.0, hours=[(0, time(7), time(23)), (1, time(9), time(12))]
    )
    status = status_at(clinic, datetime(2026, 6, 2, 3, 0, tzinfo=UTC))
    assert status.open_now is True
    assert status.hours_today == "7 AM–11 PM"


def test_split_days_and_closed_days_read_naturally():
    clinic = ClinicFactory(
        name="Split", latitude=41.0, longitude=-90.0, hours=[(0, time(13), time(17, 30)), (0, time(7, 30), time(12))]
    )
    table = week_table(clinic)
    assert [day.name for day in table][:2] == ["Monday", "Tuesday"]
    assert table[0].text == "7:30 AM–12 PM, 1 PM–5:30 PM"
    assert table[1].text == "Closed"


@pytest.mark.parametrize(("t", "text"), [(time(0), "12 AM"), (time(12), "12 PM"), (time(19, 5), "7:05 PM")])
def test_times_are_written_the_american_way(t, text):
    assert format_time(t) == text


def test_open_now_agrees_with_the_clock_on_the_wall_every_quarter_hour_across_dst():
    """Walked through a week that starts daylight saving time, against an independent reading of the hours."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from clinics.hours import Week

    hours = [
        (0, time(13), time(17, 30)),
        (0, time(7, 30), time(12)),
        (2, time(0), time(23, 59)),
        (5, time(9), time(10)),
    ]
    clinic = ClinicFactory(name="Split", latitude=41.0, longitude=-90.0, timezone="America/Chicago", hours=hours)
    week = Week.for_clinic(clinic)
    moment = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)  # across the start of DST on 2026-03-08
    while moment < datetime(2026, 3, 13, tzinfo=UTC):
        wall = moment.astimezone(ZoneInfo("America/Chicago"))
        expected = any(day == wall.weekday() and opens <= wall.time() < closes for day, opens, closes in hours)
        assert week.status(moment).open_now is expected, wall
        assert status_at(clinic, moment).open_now is expected, wall
        moment += timedelta(minutes=15)


def test_every_problem_in_an_hours_cell_is_named_at_once():
    from clinics.hours import hours_from_text

    with pytest.raises(ValueError) as caught:
        hours_from_text("Mon 19:00-07:00; Tue 25:00-26:00; Wed 08:00-12:00; Wed 11:00-13:00; Funday 09:00-10:00")
    message = str(caught.value)
    assert "Can't read the times in “Tue 25:00-26:00”" in message
    assert "Can't read hours “Funday 09:00-10:00”" in message
    assert "In “Mon 19:00-07:00”, closing time must be after opening time." in message
    assert "“Wed 11:00-13:00” overlaps other hours on the same day." in message


@pytest.mark.parametrize(
    ("chicago", "english", "spanish"),
    [
        ("2026-11-30 06:30", "Opens at 7 AM", "Abre a las 7 a.\u00a0m."),  # Monday before opening
        ("2026-11-30 19:30", "Opens tomorrow at 7 AM", "Abre mañana a las 7 a.\u00a0m."),  # Monday evening
        ("2026-11-27 19:30", "Opens Monday at 7 AM", "Abre el lunes a las 7 a.\u00a0m."),  # Friday evening
        ("2026-11-30 12:00", "", ""),  # open
    ],
)
def test_a_closed_clinic_says_when_it_opens_next_in_either_language(chicago, english, spanish):
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from clinics.hours import Week

    week = Week.of([(day, time(7), time(19)) for day in range(5)], "America/Chicago")  # Monday to Friday, 7–7
    at = datetime.fromisoformat(chicago).replace(tzinfo=ZoneInfo("America/Chicago"))
    assert week.status(at).opens_next == english
    with translation.override("es"):
        assert week.status(at).opens_next == spanish
