"""The search-demand report, pure of HTTP: searches and Schedule clicks by area, and where patients find nothing near.

"Unmet demand" is an area and service filter searched at least ``min_searches`` times in the period whose
nearest matching clinic was farther than ``miles`` (or none was found). Its distance is the smallest recorded
in the period, so an area is listed only if it stayed far all along (a clinic opened mid-period takes it off).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min, Q, QuerySet, Sum

from clinics.geocoding.offline import lookup_city, lookup_zip
from clinics.models import Service
from clinics.spreadsheets import escape_formula
from demand.models import SearchDemand

# Longer periods are charted a week to a bar.
MAX_DAILY_BARS = 92
# The page lists this many areas at most; the CSV has them all.
MAX_AREAS_SHOWN = 200
# The unmet list (page, map, chart, CSV) holds at most this many areas and filters, most searched first.
MAX_UNMET = 500
NOT_FROM_A_SEARCH = "Not from a search"


@dataclass(frozen=True)
class ReportQuery:
    start: date
    end: date
    miles: int
    min_searches: int


@dataclass(frozen=True)
class AreaRow:
    area: str
    searches: int
    clicks: int
    nearest_miles: int | None

    @property
    def label(self) -> str:
        return self.area or NOT_FROM_A_SEARCH


@dataclass(frozen=True)
class UnmetRow:
    area: str
    services: str  # slugs, as recorded
    service_names: str  # what staff read: "Aquatic therapy, Dry needling", or "Any service"
    searches: int
    clicks: int
    nearest_miles: int | None  # None: no clinic with that service was found at all
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Period:
    start: date
    days: int
    searches: int
    unmet_searches: int
    clicks: int


@dataclass(frozen=True)
class DemandReport:
    query: ReportQuery
    searches: int
    clicks: int
    areas: list[AreaRow]
    unmet: list[UnmetRow]
    periods: list[Period]

    @property
    def weekly(self) -> bool:
        return any(period.days > 1 for period in self.periods)


def _rows(query: ReportQuery) -> QuerySet[SearchDemand]:
    return SearchDemand.objects.filter(date__gte=query.start, date__lte=query.end)


def area_rows(query: ReportQuery) -> list[AreaRow]:
    """Every area with its searches and clicks (all filters together), most searched first."""
    grouped = (
        _rows(query)
        .values("area")
        .annotate(total=Sum("searches"), click_total=Sum("schedule_clicks"), nearest=Min("nearest_miles"))
        .order_by("-total", "-click_total", "area")
    )
    return [AreaRow(g["area"], g["total"], g["click_total"], g["nearest"]) for g in grouped]


def unmet_rows(query: ReportQuery) -> list[UnmetRow]:
    grouped = (
        _rows(query)
        .exclude(area="")
        .values("area", "services")
        .annotate(total=Sum("searches"), click_total=Sum("schedule_clicks"), nearest=Min("nearest_miles"))
        .filter(total__gte=query.min_searches)
        .filter(Q(nearest__gt=query.miles) | Q(nearest__isnull=True))
        .order_by("-total", "area", "services")[:MAX_UNMET]
    )
    names = service_names(slug for g in grouped for slug in g["services"].split(",") if slug)
    rows = []
    for g in grouped:
        point = area_point(g["area"])
        slugs = [slug for slug in g["services"].split(",") if slug]
        rows.append(
            UnmetRow(
                area=g["area"],
                services=g["services"],
                service_names=", ".join(names.get(slug, slug) for slug in slugs) or "Any service",
                searches=g["total"],
                clicks=g["click_total"],
                nearest_miles=g["nearest"],
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
            )
        )
    return rows


def service_names(slugs: Iterable[str]) -> dict[str, str]:
    wanted = set(slugs)
    return dict(Service.objects.filter(slug__in=wanted).values_list("slug", "name")) if wanted else {}


def area_point(area: str) -> tuple[float, float] | None:
    """The centre of a ZIP or city from the offline index: worked out for the map, never stored."""
    if area.isdigit():
        place = lookup_zip(area)
    elif ", " in area:
        city, state = area.rsplit(", ", 1)
        place = lookup_city(city, state)
    else:
        place = None
    return (place.latitude, place.longitude) if place else None


def periods(query: ReportQuery, unmet: list[UnmetRow]) -> list[Period]:
    """Searches, unmet searches and clicks per day, or per week (from Monday) for periods over 92 days."""
    rows = _rows(query)
    totals = {g["date"]: g for g in rows.values("date").annotate(total=Sum("searches"), clicks=Sum("schedule_clicks"))}
    unmet_by_date: dict[date, int] = {}
    if unmet:
        by_services: dict[str, list[str]] = {}
        for row in unmet:
            by_services.setdefault(row.services, []).append(row.area)
        wanted = Q()
        for services, areas in by_services.items():
            wanted |= Q(services=services, area__in=areas)
        for g in rows.filter(wanted).values("date").annotate(total=Sum("searches")):
            unmet_by_date[g["date"]] = g["total"]
    days = (query.end - query.start).days + 1
    step = 1 if days <= MAX_DAILY_BARS else 7
    first = query.start if step == 1 else query.start - timedelta(days=query.start.weekday())
    result = []
    start = first
    while start <= query.end:
        span = [start + timedelta(days=i) for i in range(step)]
        inside = [d for d in span if query.start <= d <= query.end]
        result.append(
            Period(
                start=start,
                days=step,
                searches=sum(totals[d]["total"] for d in inside if d in totals),
                unmet_searches=sum(unmet_by_date.get(d, 0) for d in inside),
                clicks=sum(totals[d]["clicks"] for d in inside if d in totals),
            )
        )
        start += timedelta(days=step)
    return result


def build_report(query: ReportQuery) -> DemandReport:
    areas = area_rows(query)
    unmet = unmet_rows(query)
    return DemandReport(
        query=query,
        searches=sum(row.searches for row in areas),
        clicks=sum(row.clicks for row in areas),
        areas=areas,
        unmet=unmet,
        periods=periods(query, unmet),
    )


# --- The chart: an SVG drawn here, so the page needs no chart library and no script ----------------------


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float  # top of the whole bar (all searches)
    height: float
    unmet_y: float
    unmet_height: float
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    bottom: float  # y of the axis
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label) for the value axis
    labels: list[tuple[float, str]]  # (x, label) for the time axis
    clicks_points: str  # an SVG polyline's points


def nice_top(value: int) -> int:
    """The value axis' top: 1, 2 or 5 times a power of ten, at least ``value`` (and at least 5)."""
    value = max(value, 5)
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def chart(report: DemandReport, *, width: int = 760, height: int = 240) -> Chart:
    left, right, top, bottom_margin = 48, 12, 12, 28
    bottom = height - bottom_margin
    plot_width = width - left - right
    plot_height = bottom - top
    periods = report.periods
    peak = nice_top(max([p.searches for p in periods] + [p.clicks for p in periods] + [0]))
    slot = plot_width / max(len(periods), 1)
    bar_width = max(slot * 0.7, 1.0)

    def y_of(value: int) -> float:
        return round(bottom - plot_height * value / peak, 1)

    bars = []
    points = []
    for i, period in enumerate(periods):
        x = round(left + i * slot + (slot - bar_width) / 2, 1)
        when = period_label(period)
        bars.append(
            Bar(
                x=x,
                width=round(bar_width, 1),
                y=y_of(period.searches),
                height=round(bottom - y_of(period.searches), 1),
                unmet_y=y_of(period.unmet_searches),
                unmet_height=round(bottom - y_of(period.unmet_searches), 1),
                title=(
                    f"{when}: {period.searches} searches, {period.unmet_searches} unmet, "
                    f"{period.clicks} Schedule clicks"
                ),
            )
        )
        points.append(f"{round(x + bar_width / 2, 1)},{y_of(period.clicks)}")
    ticks = [(y_of(peak * i // 4), f"{peak * i // 4:,}") for i in range(5)]
    label_at = sorted({0, len(periods) // 2, len(periods) - 1}) if periods else []
    labels = [(round(left + i * slot + slot / 2, 1), periods[i].start.strftime("%b %-d")) for i in label_at]
    return Chart(width, height, left, bottom, bars, ticks, labels, " ".join(points))


def period_label(period: Period) -> str:
    if period.days == 1:
        return period.start.strftime("%a %b %-d, %Y")
    return f"Week of {period.start.strftime('%b %-d, %Y')}"


# --- CSV downloads --------------------------------------------------------------------------------------

CSV_TABLES = ("unmet", "areas", "periods")


def _miles(value: int | None) -> str:
    return "none found" if value is None else str(value)


def csv_text(report: DemandReport, table: str) -> str:
    """One of the report's tables as CSV; text a spreadsheet would run as a formula is escaped."""
    out = io.StringIO()
    writer = csv.writer(out)
    if table == "unmet":
        writer.writerow(["area", "services", "searches", "schedule_clicks", "nearest_clinic_miles"])
        for u in report.unmet:
            writer.writerow([u.area, escape_formula(u.service_names), u.searches, u.clicks, _miles(u.nearest_miles)])
    elif table == "areas":
        writer.writerow(["area", "searches", "schedule_clicks", "nearest_clinic_miles"])
        for a in report.areas:
            writer.writerow([a.label, a.searches, a.clicks, _miles(a.nearest_miles) if a.area else ""])
    else:
        writer.writerow(["period_start", "days", "searches", "unmet_searches", "schedule_clicks"])
        for p in report.periods:
            writer.writerow([p.start.isoformat(), p.days, p.searches, p.unmet_searches, p.clicks])
    return out.getvalue()
