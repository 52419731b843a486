"""Open-now and today's hours, in each clinic's own time zone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone as dj_timezone

from clinics.models import Clinic, OpeningHours, Weekday


def format_time(value: time) -> str:
    """7:00 AM -> '7 AM', 5:30 PM -> '5:30 PM' (the style US clinics use)."""
    hour = value.hour % 12 or 12
    suffix = "AM" if value.hour < 12 else "PM"
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


Interval = tuple[int, time, time]  # weekday (0 = Monday), opens, closes


def format_intervals(intervals: Iterable[tuple[time, time]]) -> str:
    parts = [f"{format_time(opens)}–{format_time(closes)}" for opens, closes in intervals]
    return ", ".join(parts) if parts else "Closed"


@dataclass(frozen=True)
class HoursStatus:
    open_now: bool
    hours_today: str  # "7 AM–7 PM", "Closed"
    local_time: datetime


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


@dataclass(frozen=True)
class Week:
    """A clinic's week sorted and worded once, so open-now and today's hours are a lookup.

    The nearest search keeps one per cached clinic version (clinics/search/details.py) rather
    than sorting and formatting every clinic's hours on every search.
    """

    zone: ZoneInfo
    days: tuple[tuple[tuple[time, time], ...], ...]  # Monday (0) to Sunday (6), in opening order
    texts: tuple[str, ...]  # "7 AM–7 PM", "Closed"

    @classmethod
    def of(cls, intervals: Iterable[Interval], timezone: str) -> Week:
        by_day: list[list[tuple[time, time]]] = [[] for _ in range(7)]
        for weekday, opens, closes in intervals:
            by_day[weekday].append((opens, closes))
        days = tuple(tuple(sorted(day)) for day in by_day)
        return cls(zone=zone_named(timezone), days=days, texts=tuple(format_intervals(day) for day in days))

    @classmethod
    def for_clinic(cls, clinic: Clinic) -> Week:
        """From ``clinic.hours.all()``: prefetched hours are used when the caller prefetched them."""
        return cls.of(((h.weekday, h.opens, h.closes) for h in clinic.hours.all()), clinic.timezone)

    def table(self) -> list[DayHours]:
        """Monday to Sunday, each day's hours as text ("Closed" for a day without intervals)."""
        return [DayHours(day.value, day.label, self.texts[day.value], list(self.days[day.value])) for day in Weekday]

    def status(self, at: datetime | None = None) -> HoursStatus:
        local = (at or dj_timezone.now()).astimezone(self.zone)
        weekday = local.weekday()
        return HoursStatus(
            open_now=_open_at(self.days[weekday], local.time()),
            hours_today=self.texts[weekday],
            local_time=local,
        )


@dataclass(frozen=True)
class DayHours:
    weekday: int
    name: str
    text: str
    intervals: list[tuple[time, time]]


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
    """The reverse of hours_to_text; a clear ValueError for anything it cannot read."""
    intervals: list[Interval] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _INTERVAL_RE.match(part)
        if not match or match[1].lower() not in _DAY_LOOKUP:
            raise ValueError(f"Can't read hours “{part}”: write them like “Mon 07:00-19:00; Tue 07:00-19:00”.")
        try:
            opens, closes = time.fromisoformat(match[2].zfill(5)), time.fromisoformat(match[3].zfill(5))
        except ValueError:
            raise ValueError(f"Can't read the times in “{part}”; use 24-hour times like 07:00-19:00.") from None
        intervals.append((_DAY_LOOKUP[match[1].lower()], opens, closes))
    return check_week(intervals)


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
    for i, (day, opens, closes) in enumerate(wanted):
        shown = f"{DAY_ABBREVIATIONS[day]} {opens:%H:%M}-{closes:%H:%M}"
        if closes <= opens:
            raise ValueError(f"In “{shown}”, closing time must be after opening time.")
        if first_overlap((day, opens, closes), wanted[:i]):
            raise ValueError(f"“{shown}” overlaps other hours on the same day.")
    return wanted
