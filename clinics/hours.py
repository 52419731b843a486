"""Open-now and today's hours, in each clinic's own time zone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone as dj_timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, pgettext

from clinics.models import Clinic, OpeningHours, SpecialHours, Weekday


def format_time(value: time) -> str:
    """7:00 AM -> '7 AM', 5:30 PM -> '5:30 PM' (the style US clinics use); in Spanish '7 a. m.', '5:30 p. m.'."""
    hour = value.hour % 12 or 12
    suffix = pgettext("time of day", "AM") if value.hour < 12 else pgettext("time of day", "PM")
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


Interval = tuple[int, time, time]  # weekday (0 = Monday), opens, closes


def format_intervals(intervals: Iterable[tuple[time, time]]) -> str:
    """'7 AM–7 PM', '8 AM–12 PM, 1 PM–5 PM', or 'Closed', in the active language."""
    return _intervals_text(tuple(intervals), get_language())


@lru_cache(maxsize=1024)
def _intervals_text(intervals: tuple[tuple[time, time], ...], language: str | None) -> str:
    """Worded once per distinct day and language: every search words every listed clinic's day."""
    parts = [f"{format_time(opens)}–{format_time(closes)}" for opens, closes in intervals]
    return ", ".join(parts) if parts else gettext("Closed")


@dataclass(frozen=True)
class HoursStatus:
    open_now: bool
    hours_today: str  # "7 AM–7 PM", "Closed" (in the language active when it was asked)
    local_time: datetime
    opens_next: str = ""  # while closed: "Opens at 7 AM", "Opens tomorrow at 7 AM", "Opens Monday at 8 AM"


def opens_text(local: datetime, opening: datetime | None) -> str:
    """When a closed clinic opens next, as a patient reads it: today, tomorrow or the day's name within the week."""
    if opening is None:
        return ""
    at = format_time(opening.time())
    days = (opening.date() - local.date()).days
    if days == 0:
        return gettext("Opens at {time}").format(time=at)
    if days == 1:
        return gettext("Opens tomorrow at {time}").format(time=at)
    return gettext("Opens {day} at {time}").format(day=WEEKDAYS[opening.weekday()], time=at)


def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name or settings.TIME_ZONE)


def clinic_zone(clinic: Clinic) -> ZoneInfo:
    return zone_named(clinic.timezone)


def status_at(clinic: Clinic, at: datetime | None = None) -> HoursStatus:
    """Whether the clinic is open at ``at`` (now by default) and its hours that local day.

    Reads ``clinic.hours.all()``, so prefetched hours are used when the caller prefetched them.
    """
    return Week.for_clinic(clinic).status(at)


def _open_at(intervals: Iterable[tuple[time, time]], local_time: time) -> bool:
    """Open from the opening minute up to, not including, the closing minute."""
    return any(opens <= local_time < closes for opens, closes in intervals)


SpecialRow = tuple[date, str, time | None, time | None]  # date, label, opens, closes (None, None: closed)
# How far ahead the clinic page and the API list special hours.
UPCOMING_DAYS = 60


@dataclass(frozen=True)
class SpecialDay:
    """A date with other hours than the week's (or closed), in the clinic's own time zone."""

    date: date
    label: str  # "Thanksgiving"
    intervals: tuple[tuple[time, time], ...]  # none: closed all day

    @property
    def closed(self) -> bool:
        return not self.intervals

    @property
    def text(self) -> str:
        """ "Closed", "9 AM–1 PM", in the active language."""
        return format_intervals(self.intervals)


def special_rows_since(day: date) -> QuerySet[SpecialHours, tuple[int, date, str, time | None, time | None]]:
    """Every clinic's special hours from ``day`` on, as plain rows (clinic id first)."""
    return SpecialHours.objects.filter(date__gte=day).values_list("clinic_id", "date", "label", "opens", "closes")


def recent_cutoff() -> date:
    """The earliest date any clinic may still be living (the day before today in UTC covers every US zone)."""
    return dj_timezone.now().date() - timedelta(days=1)


@dataclass(frozen=True)
class Week:
    """A clinic's week sorted and worded once, so open-now and today's hours are a lookup.

    The nearest search keeps one per cached clinic version (clinics/search/details.py) rather
    than sorting and formatting every clinic's hours on every search. Special hours (holidays,
    staff days) replace the week's on their date in the clinic's own time zone; a temporarily
    closed clinic is never open.
    """

    zone: ZoneInfo
    days: tuple[tuple[tuple[time, time], ...], ...]  # Monday (0) to Sunday (6), in opening order
    special: dict[date, SpecialDay] = field(default_factory=dict)
    temporarily_closed: bool = False

    @classmethod
    def of(
        cls,
        intervals: Iterable[Interval],
        timezone: str,
        special: Iterable[SpecialRow] = (),
        *,
        temporarily_closed: bool = False,
    ) -> Week:
        by_day: list[list[tuple[time, time]]] = [[] for _ in range(7)]
        for weekday, opens, closes in intervals:
            by_day[weekday].append((opens, closes))
        days = tuple(tuple(sorted(day)) for day in by_day)
        special_days = {}
        for day, label, starts, ends in sorted(special, key=lambda row: row[0]):
            hours = ((starts, ends),) if starts is not None and ends is not None else ()
            special_days[day] = SpecialDay(day, label, hours)
        return cls(
            zone=zone_named(timezone),
            days=days,
            special=special_days,
            temporarily_closed=temporarily_closed,
        )

    @classmethod
    def for_clinic(cls, clinic: Clinic) -> Week:
        """From ``clinic.hours.all()`` and ``clinic.special_hours.all()``, prefetched if the caller prefetched them."""
        since = recent_cutoff()
        return cls.of(
            ((h.weekday, h.opens, h.closes) for h in clinic.hours.all()),
            clinic.timezone,
            ((s.date, s.label, s.opens, s.closes) for s in clinic.special_hours.all() if s.date >= since),
            temporarily_closed=clinic.is_temporarily_closed,
        )

    def table(self) -> list[DayHours]:
        """Monday to Sunday, each day's hours as text ("Closed" for a day without intervals)."""
        return [
            DayHours(day.value, day.label, format_intervals(self.days[day.value]), list(self.days[day.value]))
            for day in Weekday
        ]

    def status(self, at: datetime | None = None) -> HoursStatus:
        local = (at or dj_timezone.now()).astimezone(self.zone)
        if self.temporarily_closed:
            return HoursStatus(open_now=False, hours_today=gettext("Temporarily closed"), local_time=local)
        special = self.special.get(local.date())
        open_now = _open_at(self._intervals_on(local.date()), local.time())
        opens = "" if open_now else opens_text(local, self.next_opening(local))
        if special is not None:
            return HoursStatus(
                open_now=open_now,
                hours_today=f"{special.text} ({special.label})",
                local_time=local,
                # "Thanksgiving · Opens tomorrow at 7 AM": why today is different, then when it opens.
                opens_next="" if open_now else " · ".join(filter(None, [special.label, opens])),
            )
        return HoursStatus(
            open_now=open_now,
            hours_today=format_intervals(self.days[local.weekday()]),
            local_time=local,
            opens_next=opens,
        )

    def _intervals_on(self, day: date) -> tuple[tuple[time, time], ...]:
        """The clinic's hours on ``day`` (its own date): the special hours for that date, else the week's."""
        special = self.special.get(day)
        return special.intervals if special is not None else self.days[day.weekday()]

    def next_opening(self, local: datetime) -> datetime | None:
        """The next time the clinic opens after ``local`` (its own time), within a week; special hours count."""
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            for opens, _closes in self._intervals_on(day):
                if offset or opens > local.time():
                    return datetime.combine(day, opens, tzinfo=self.zone)
        return None

    def upcoming(self, at: datetime | None = None, days: int = UPCOMING_DAYS) -> list[SpecialDay]:
        """Special hours from today (the clinic's own date) for ``days`` days, soonest first."""
        today = (at or dj_timezone.now()).astimezone(self.zone).date()
        last = today + timedelta(days=days)
        return [day for when, day in self.special.items() if today <= when <= last]


@dataclass(frozen=True)
class DayHours:
    weekday: int
    name: str  # "Monday": schema.org's name for the day (clinics/jsonld.py), in every language
    text: str
    intervals: list[tuple[time, time]]

    @property
    def label(self) -> str:
        """The day's name for visitors, in the active language: "Monday", "Lunes"."""
        return capfirst(str(WEEKDAYS[self.weekday]))


def week_table(clinic: Clinic) -> list[DayHours]:
    """Monday to Sunday, each day's hours as text ("Closed" for a day without intervals)."""
    return Week.for_clinic(clinic).table()


DAY_ABBREVIATIONS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_DAY_LOOKUP = {name.lower(): i for i, name in enumerate(DAY_ABBREVIATIONS)} | {
    day.label.lower(): day.value for day in Weekday
}
_INTERVAL_RE = re.compile(r"^([A-Za-z]+)\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$")


def hours_to_text(intervals: Iterable[OpeningHours]) -> str:
    """'Mon 07:00-19:00; Tue 07:00-19:00': the spreadsheet form of a clinic's week."""
    ordered = sorted(intervals, key=lambda i: (i.weekday, i.opens))
    return "; ".join(f"{DAY_ABBREVIATIONS[i.weekday]} {i.opens:%H:%M}-{i.closes:%H:%M}" for i in ordered)


def hours_from_text(text: str) -> list[Interval]:
    """The reverse of hours_to_text; one clear ValueError naming everything it cannot read or accept."""
    intervals: list[Interval] = []
    problems: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _INTERVAL_RE.match(part)
        if not match or match[1].lower() not in _DAY_LOOKUP:
            problems.append(f"Can't read hours “{part}”: write them like “Mon 07:00-19:00; Tue 07:00-19:00”.")
            continue
        try:
            opens, closes = time.fromisoformat(match[2].zfill(5)), time.fromisoformat(match[3].zfill(5))
        except ValueError:
            problems.append(f"Can't read the times in “{part}”; use 24-hour times like 07:00-19:00.")
            continue
        intervals.append((_DAY_LOOKUP[match[1].lower()], opens, closes))
    try:
        week = check_week(intervals)
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        raise ValueError(" ".join(problems))
    return week


def first_overlap(interval: Interval, others: Iterable[Interval]) -> Interval | None:
    """The first of ``others`` on the same day that overlaps ``interval`` (touching ends do not)."""
    day, opens, closes = interval
    return next((other for other in others if other[0] == day and opens < other[2] and other[1] < closes), None)


def check_week(intervals: Iterable[Interval]) -> list[Interval]:
    """The intervals sorted, once each is known to close after it opens and to overlap no other that day.

    The one rule for a clinic's week, whoever writes it (the admin's hours, a spreadsheet, the
    demo data); a ValueError says what is wrong in the spreadsheet's own notation.
    """
    wanted = sorted(intervals)
    problems = []
    for i, (day, opens, closes) in enumerate(wanted):
        shown = f"{DAY_ABBREVIATIONS[day]} {opens:%H:%M}-{closes:%H:%M}"
        if closes <= opens:
            problems.append(f"In “{shown}”, closing time must be after opening time.")
        elif first_overlap((day, opens, closes), [other for other in wanted[:i] if other[2] > other[1]]):
            problems.append(f"“{shown}” overlaps other hours on the same day.")
    if problems:  # every problem at once, so one correction fixes the week
        raise ValueError(" ".join(problems))
    return wanted
