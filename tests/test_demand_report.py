"""The search-demand report in the admin: its figures, map data, chart, CSV, and who may see it."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date, timedelta

import pytest
import zipcodes
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from demand.models import SearchDemand
from tests.factories import ServiceFactory
from tests.pages.reading import text_of

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:demand_searchdemand_changelist")
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30", "miles": "30", "min_searches": "2"}

# (day of November 2026, area, services, searches, clicks, nearest miles): the figures the report is checked
# against, summed below by plain loops, independently of the report's queries.
DATA = [
    (2, "61265", "", 5, 2, 0),
    (3, "61265", "", 3, 1, 0),
    (2, "68102", "", 4, 0, 45),
    (10, "68102", "", 2, 1, 40),
    (5, "52240", "aquatic-therapy", 3, 0, None),  # no clinic offers it: unmet at any distance
    (5, "50309", "", 1, 0, 90),  # far, but searched only once
    (7, "Moline, IL", "", 2, 1, 3),
    (7, "", "", 0, 4, None),  # Schedule clicks from clinic pages
    (20, "51501", "", 2, 0, 31),  # just farther than 30 miles
]
OUTSIDE = [(date(2026, 10, 31), "68102", 100), (date(2026, 12, 1), "68102", 100)]


@pytest.fixture
def demand():
    ServiceFactory(slug="aquatic-therapy", name="Aquatic therapy")
    for day, area, services, searches, clicks, nearest in DATA:
        SearchDemand.objects.create(
            date=date(2026, 11, day),
            area=area,
            services=services,
            searches=searches,
            schedule_clicks=clicks,
            nearest_miles=nearest,
        )
    for day, area, searches in OUTSIDE:
        SearchDemand.objects.create(date=day, area=area, searches=searches, nearest_miles=45)


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123"))
    return client


def expected_unmet(miles: int, min_searches: int) -> list[tuple[str, str, int, int, str]]:
    groups: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, []])
    for _, area, services, searches, clicks, nearest in DATA:
        if area:
            group = groups[(area, services)]
            group[0] += searches
            group[1] += clicks
            if nearest is not None:
                group[2].append(nearest)
    rows = []
    for (area, services), (searches, clicks, distances) in groups.items():
        nearest = min(distances) if distances else None
        if searches >= min_searches and (nearest is None or nearest > miles):
            name = "Aquatic therapy" if services else "Any service"
            rows.append((area, name, searches, clicks, "none found" if nearest is None else str(nearest)))
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def table_rows(page: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, f"no table {table_id}"
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table[1], re.S)
    ]


def test_the_report_shows_totals_and_the_unmet_demand_for_the_period(staff_client, demand):
    response = staff_client.get(REPORT, NOVEMBER)
    page = response.content.decode()
    assert response.status_code == 200
    searches = sum(row[3] for row in DATA)
    clicks = sum(row[4] for row in DATA)
    assert (searches, clicks) == (22, 9)
    unmet = expected_unmet(30, 2)
    assert [row[0] for row in unmet] == ["68102", "52240", "51501"]
    assert (
        f"{searches} searches and {clicks} Schedule clicks from Nov 1, 2026 to Nov 30, 2026; {len(unmet)} areas "
        "with unmet demand (searched at least 2 times, nearest clinic farther than 30 miles)."
    ) in text_of(page)
    shown = table_rows(page, "unmet-table")
    assert shown == [
        [area, services, str(s), str(c), nearest if nearest == "none found" else f"{nearest} mi"]
        for area, services, s, c, nearest in unmet
    ]


def test_farther_than_means_farther(staff_client, demand):
    page = staff_client.get(REPORT, {**NOVEMBER, "miles": "31"}).content.decode()
    assert [row[0] for row in table_rows(page, "unmet-table")] == [row[0] for row in expected_unmet(31, 2)]
    assert "51501" not in [row[0] for row in table_rows(page, "unmet-table")]


def test_searches_and_clicks_by_area(staff_client, demand):
    page = staff_client.get(REPORT, NOVEMBER).content.decode()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, area, _, searches, clicks, _ in DATA:
        totals[area or "Not from a search"][0] += searches
        totals[area or "Not from a search"][1] += clicks
    shown = {row[0]: [int(row[1]), int(row[2])] for row in table_rows(page, "areas-table")}
    assert shown == dict(totals)
    assert table_rows(page, "areas-table")[0][:3] == ["61265", "8", "3"]


def test_the_map_gets_each_unmet_area_at_its_zip_or_city_centre(staff_client, demand):
    page = staff_client.get(REPORT, NOVEMBER).content.decode()
    points = json.loads(re.search(r'<script id="demand-points" type="application/json">(.*?)</script>', page, re.S)[1])
    assert [(p["area"], p["searches"], p["nearest"]) for p in points] == [
        ("68102", 6, 40),
        ("52240", 3, None),
        ("51501", 2, 31),
    ]
    for point in points:
        centre = zipcodes.matching(point["area"])[0]
        assert (point["lat"], point["lng"]) == pytest.approx((float(centre["lat"]), float(centre["long"])))
    assert 'id="demand-map"' in page and "demand/report.js" in page and "leaflet/leaflet.js" in page


def test_the_chart_has_a_bar_a_day_and_a_table_with_the_same_figures(staff_client, demand):
    page = staff_client.get(REPORT, NOVEMBER).content.decode()
    assert page.count('class="bar bar--unmet"') == 30
    unmet_keys = {(row[0], "aquatic-therapy" if row[1] != "Any service" else "") for row in expected_unmet(30, 2)}
    by_day: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, area, services, searches, clicks, _ in DATA:
        by_day[day][0] += searches
        by_day[day][1] += searches if (area, services) in unmet_keys else 0
        by_day[day][2] += clicks
    rows = {row[0]: [int(n) for n in row[1:]] for row in table_rows(page, "periods-table")}
    assert len(rows) == 30
    assert rows["Mon Nov 2, 2026"] == by_day[2] == [9, 4, 2]
    assert rows["Fri Nov 20, 2026"] == by_day[20] == [2, 2, 0]
    assert rows["Sun Nov 1, 2026"] == [0, 0, 0]
    assert "Mon Nov 2, 2026: 9 searches, 4 unmet, 2 Schedule clicks" in page  # the bar's own title


def test_a_long_period_is_charted_by_the_week(staff_client, demand):
    page = staff_client.get(REPORT, {**NOVEMBER, "start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    rows = {row[0]: [int(n) for n in row[1:]] for row in table_rows(page, "periods-table")}
    assert len(rows) == 53  # Mondays from Dec 29, 2025 to Dec 28, 2026
    week = [r for r in DATA if 2 <= r[0] <= 8]
    assert rows["Week of Nov 2, 2026"] == [sum(r[3] for r in week), 4 + 3, sum(r[4] for r in week)] == [18, 7, 8]
    assert rows["Week of Oct 26, 2026"][0] == 100  # Oct 31 is in the period now
    assert sum(r[0] for r in rows.values()) == 22 + 200


def test_the_csv_downloads_hold_the_same_figures(staff_client, demand):
    response = staff_client.get(REPORT, {**NOVEMBER, "download": "unmet"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="search-demand-unmet-2026-11-01-2026-11-30.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["area", "services", "searches", "schedule_clicks", "nearest_clinic_miles"]
    assert rows[1:] == [[area, s, str(n), str(c), d] for area, s, n, c, d in expected_unmet(30, 2)]

    areas = list(csv.reader(io.StringIO(staff_client.get(REPORT, {**NOVEMBER, "download": "areas"}).content.decode())))
    assert sum(int(row[1]) for row in areas[1:]) == 22 and sum(int(row[2]) for row in areas[1:]) == 9
    days = list(csv.reader(io.StringIO(staff_client.get(REPORT, {**NOVEMBER, "download": "periods"}).content.decode())))
    assert len(days) == 31 and days[2] == ["2026-11-02", "1", "9", "4", "2"]


def test_a_service_name_that_looks_like_a_formula_is_escaped_in_the_csv(staff_client, demand):
    ServiceFactory(slug="aquatic-therapy").__class__.objects.filter(slug="aquatic-therapy").update(name="=HYPERLINK()")
    rows = list(csv.reader(io.StringIO(staff_client.get(REPORT, {**NOVEMBER, "download": "unmet"}).content.decode())))
    assert ["52240", "'=HYPERLINK()", "3", "0", "none found"] in rows


def test_the_report_opens_on_the_last_30_days_with_the_settings_distance(staff_client, settings):
    settings.SEARCH_DEMAND_UNMET_MILES = 25
    SearchDemand.objects.create(date=date.today() - timedelta(days=1), area="68102", searches=3, nearest_miles=26)
    page = staff_client.get(REPORT).content.decode()
    assert 'name="miles" value="25"' in page
    assert [row[0] for row in table_rows(page, "unmet-table")] == ["68102"]


@pytest.mark.parametrize(
    "choices, message",
    [
        ({"end": "2026-10-01"}, "The end date is before the start date."),
        ({"miles": "far"}, "Enter a whole number."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"min_searches": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"start": "2020-01-01"}, "Choose at most 1000 days."),
    ],
)
def test_bad_choices_get_a_clear_message_not_an_error_page(staff_client, demand, choices, message):
    response = staff_client.get(REPORT, {**NOVEMBER, **choices})
    assert response.status_code == 400
    assert message in text_of(response.content.decode())


def test_visitors_and_non_staff_are_sent_to_sign_in(client, demand):
    assert client.get(REPORT, NOVEMBER)["Location"].startswith("/admin/login/")
    assert client.get(REPORT, {**NOVEMBER, "download": "unmet"})["Location"].startswith("/admin/login/")
    client.force_login(User.objects.create_user("patient", password="pw-patient-123"))
    assert client.get(REPORT, NOVEMBER)["Location"].startswith("/admin/login/")


def test_staff_need_the_view_permission(client, demand):
    user = User.objects.create_user("editor", password="pw-editor-123", is_staff=True)
    client.force_login(user)
    assert client.get(REPORT, NOVEMBER).status_code == 403
    assert client.get(REPORT, {**NOVEMBER, "download": "unmet"}).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_searchdemand"))
    assert client.get(REPORT, NOVEMBER).status_code == 200


def test_no_one_adds_changes_or_deletes_rows_by_hand(staff_client, demand):
    row = SearchDemand.objects.first()
    assert staff_client.get(reverse("admin:demand_searchdemand_add")).status_code == 403
    delete = reverse("admin:demand_searchdemand_delete", args=[row.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert SearchDemand.objects.filter(pk=row.pk).exists()


def test_the_admin_index_links_to_the_report(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert f'href="{REPORT}"' in page and "Search demand" in page
