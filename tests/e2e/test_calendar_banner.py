"""The page shows the calendar warning of /healthz while a needed year has no holiday schedule, and drops it after."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from playwright.sync_api import expect

from access.models import Role
from access.service import create_user
from api.app import create_app
from cases.workdays import CalendarSource, EntryKind, SpecialDay, YearSchedule
from gridwatch.runtime import open_migrated_store
from tests.e2e.conftest import OPERATOR, PASSWORD, log_in
from tests.serving import serve_app

# 42 days before 2027 in Beijing, and the package knows nothing of 2027.
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)



def test_the_banner_warns_until_next_years_schedule_is_loaded(browser_page, tmp_path: Path) -> None:
    store = open_migrated_store(f"sqlite:///{tmp_path / 'gridwatch.db'}")
    with store.unit_of_work() as uow:
        create_user(users=uow.users, username=OPERATOR, password=PASSWORD, role=Role.OPERATOR,
                    display_name="值班员", now=datetime.now(UTC))
    page = browser_page
    try:
        with serve_app(create_app(store=store, data_dir=tmp_path, clock=lambda: NOW)) as base_url:
            log_in(page, base_url)
            banner = page.locator("#calendar-warning")
            banner.wait_for(state="visible", timeout=10_000)
            # Chinese by default: "deadlines count Monday to Friday".
            assert "2027" in banner.inner_text() and "周一至周五" in banner.inner_text()
            with store.unit_of_work() as uow:
                uow.work_calendar.replace_year(YearSchedule(
                    2027, (SpecialDay(date(2027, 10, 1), EntryKind.HOLIDAY, "国庆节"),), CalendarSource.LOADED,
                    loaded_at=NOW))
            page.reload()
            log_in(page, base_url) if page.locator("#login-username").is_visible() else None
            page.wait_for_selector("body[data-ready=true]", timeout=20_000)
            expect(page.locator("#health")).to_have_attribute("data-state", "ok", timeout=10_000)
            assert page.locator("#calendar-warning").is_hidden()
    finally:
        store.close()
