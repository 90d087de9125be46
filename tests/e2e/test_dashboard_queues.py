"""The dashboard and the queues in a real browser: the dashboard's numbers are the API's; a queue key accepts a case."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in
from town.models import Town

pytestmark = pytest.mark.timeout(180)

FIGURES = {"dash-received": "received", "dash-closed": "closed", "dash-closure-rate": "closure_rate",
           "dash-on-time-rate": "on_time_rate", "dash-satisfaction": "satisfaction_avg", "dash-open": "open"}


def _show(page: Page, view: str) -> None:
    """Show a view as the operator does (the header's button); before the shell's nav exists, un-hide its section."""
    button = page.locator(f"button[data-view={view}]")
    if button.count():
        button.click()
    else:
        page.evaluate("view => { for (const s of document.querySelectorAll('section[data-view-panel]'))"
                      " s.hidden = s.dataset.viewPanel !== view; }", view)
    expect(page.locator(f"#{view}-view")).to_be_visible(timeout=5_000)


def _figure(value: str) -> float | int | None:
    return None if value == "" else float(value) if "." in value or "e" in value else int(value)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_dashboard_numbers_equal_the_api_and_a_queue_key_accepts_a_case(running_system, browser_page, town: Town,
                                                                        tmp_path: Path) -> None:
    http = running_system.http
    category = http.get("/api/categories").json()[0]["code"]
    site = town.devices[0]
    reported = http.post("/api/cases", json={"title": "队列测试：路灯不亮", "category": category, "lon": site.lon,
                                             "lat": site.lat, "source": "hotline"})
    assert reported.status_code == 201, reported.text
    case = reported.json()
    assert case["status"] == "reported"

    page = browser_page
    log_in(page, running_system.base_url, timeout=30_000)

    _show(page, "dashboard")
    view = page.locator("#dashboard-view")
    for period in ("today", "week", "month"):
        view.locator(f"button[data-period={period}]").click()
        page.wait_for_selector(f"#dashboard-view[data-loaded=true][data-period={period}]", timeout=15_000)
        api = http.get("/api/dashboard", params={"period": period}).json()
        shown = {testid: _figure(view.get_by_test_id(testid).get_attribute("data-value") or "") for testid in FIGURES}
        assert shown == {testid: api["totals"][field] for testid, field in FIGURES.items()}, period
        for key in ("online", "silent", "total"):
            shown_sensors = view.get_by_test_id(f"dash-sensors-{key}").get_attribute("data-value")
            assert int(shown_sensors or -1) == api["health"]["sensors"][key]
        for state, count in api["health"]["cameras"].items():
            assert int(view.get_by_test_id(f"dash-camera-{state}").get_attribute("data-value")) == count
        assert view.locator("canvas[data-chart]").count() == 4
        # Chart.js loads with the dashboard's first showing: every canvas must hold a chart, not stay blank.
        page.wait_for_function("() => globalThis.Chart && [...document.querySelectorAll('canvas[data-chart]')]"
                               ".every((c) => Chart.getChart(c))", timeout=20_000)
        page.screenshot(path=str(tmp_path / f"dashboard-{period}.png"), full_page=True)
    assert _figure(view.get_by_test_id("dash-received").get_attribute("data-value")) >= 1

    _show(page, "queues")
    queues = page.locator("#queues-view")
    page.keyboard.press("1")
    row = queues.locator(f".qv-row[data-case-id='{case['id']}']")
    row.wait_for(timeout=15_000)
    before = int(queues.get_by_test_id("queue-count-to_accept").inner_text())
    assert before == http.get("/api/queues").json()["queues"][0]["count"]
    row.click()
    expect(row).to_have_attribute("aria-selected", "true")
    page.keyboard.press("?")
    expect(queues.get_by_test_id("queue-help")).to_be_visible()
    page.screenshot(path=str(tmp_path / "queues-help.png"), full_page=True)
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    expect(queues.get_by_test_id("queue-message")).to_contain_text(str(case["id"]), timeout=10_000)
    expect(row).to_have_count(0, timeout=10_000)
    expect(queues.get_by_test_id("queue-count-to_accept")).to_have_text(str(before - 1), timeout=10_000)
    assert http.get(f"/api/cases/{case['id']}").json()["status"] == "accepted"
    page.keyboard.press("2")
    expect(queues.locator(f".qv-row[data-case-id='{case['id']}']")).to_have_count(1, timeout=10_000)
    page.screenshot(path=str(tmp_path / "queues-accepted.png"), full_page=True)

    # x asks for the reason and rejects with it as the step's note.
    page.once("dialog", lambda dialog: dialog.accept("不属于本镇事权"))
    queues.locator(f".qv-row[data-case-id='{case['id']}']").click()
    page.keyboard.press("x")
    expect(queues.locator(f".qv-row[data-case-id='{case['id']}']")).to_have_count(0, timeout=10_000)
    rejected = http.get(f"/api/cases/{case['id']}").json()
    assert rejected["status"] == "rejected" and rejected["events"][-1]["note"] == "不属于本镇事权"
