"""The search-demand report in Chromium: the map draws its circles, the chart and tables read, no policy violation."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from demand.models import SearchDemand
from demand.recording import flush
from tests.browser.conftest import Visitor, axe_violations, wait_until

# (days ago, area, searches, clicks, nearest miles): a month of demand around the Quad Cities and beyond.
DEMAND = [
    *[(ago, "61265", 6 + ago % 4, 2 + ago % 3, 0) for ago in range(0, 30)],
    *[(ago, "52722", 3 + ago % 2, 1, 4) for ago in range(0, 30, 2)],
    *[(ago, "68102", 2 + ago % 3, 0, 160) for ago in range(0, 30, 3)],
    *[(ago, "50309", 1 + ago % 2, 0, 120) for ago in range(1, 30, 4)],
    *[(ago, "Peoria, IL", 2, 1, 75) for ago in range(0, 30, 5)],
    *[(ago, "61101", 1, 0, 68) for ago in range(2, 30, 6)],
]


def sign_in(visitor: Visitor):
    User.objects.create_superuser("report-staff", "report@example.com", "pw-report-staff-1234")
    page = visitor.page(width=1366, height=900, tiles=True)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "report-staff")
    page.fill("#id_password", "pw-report-staff-1234")
    page.click("input[type=submit]")
    return page


def test_the_report_shows_unmet_demand_on_a_map_and_a_chart(visitor: Visitor, screenshots: Path):
    today = timezone.localdate()
    for ago, area, searches, clicks, miles in DEMAND:
        day = today - timedelta(days=ago)
        SearchDemand.objects.create(date=day, area=area, searches=searches, schedule_clicks=clicks, nearest_miles=miles)
    page = sign_in(visitor)
    page.get_by_role("link", name="Search demand").last.click()
    expect(page.get_by_role("heading", name="Search demand", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Unmet demand")).to_be_visible()
    # Omaha, Des Moines, Peoria and Rockford are far from every clinic; Moline and Bettendorf are not.
    wait_until(page, "document.querySelectorAll('#demand-map path.leaflet-interactive').length === 4")
    unmet = page.locator("#unmet-table tbody tr")
    expect(unmet).to_have_count(4)
    expect(unmet.first.locator("th")).to_have_text("68102")
    page.locator("#demand-map path.leaflet-interactive").first.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("searches")
    page.screenshot(path=screenshots / "admin-search-demand.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_label("Nearest clinic farther than (miles)").fill("100")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#unmet-table tbody tr")).to_have_count(2)
    wait_until(page, "document.querySelectorAll('#demand-map path.leaflet-interactive').length === 2")


def test_a_search_and_its_schedule_click_are_counted_under_the_zip(visitor: Visitor):
    page = visitor.page()
    page.goto("/find/?q=61265")
    page.locator("[data-result-list] > li").first.get_by_role("link", name=re.compile("^Schedule")).click()
    expect(page.get_by_role("heading", name="Online scheduling")).to_be_visible()  # the stored URL, reached
    flush()  # the live server runs in this process: its counts wait in the same memory
    assert list(SearchDemand.objects.values_list("area", "services", "searches", "schedule_clicks")) == [
        ("61265", "", 1, 1)
    ]
    assert page.context.cookies() == []
