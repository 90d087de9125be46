"""The page's weekly-report links open the report with the session's token (a bare link would get a 401)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_page_language_live import live_system  # noqa: F401 - the fixture: town, operator, server

pytestmark = pytest.mark.timeout(180)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_weekly_report_opens_from_the_page_as_html_and_pdf(live_system, browser_page, tmp_path: Path  # noqa: F811
                                                               ) -> None:
    page = browser_page
    log_in(page, live_system.base_url)
    assert live_system.http.get("/api/reports/weekly/current.html", headers={"Authorization": ""}).status_code == 401

    with page.context.expect_page(timeout=60_000) as opened:
        page.click("#weekly-report")
    report = opened.value
    report.wait_for_load_state()
    report.get_by_text("社会治理形势分析报告").first.wait_for(timeout=60_000)
    assert report.url.startswith("blob:"), report.url
    assert report.locator("img").count() >= 4, "the hot-spot map and the charts are in the report"
    report.screenshot(path=str(tmp_path / "weekly-report.png"), full_page=True)
    report.close()

    with page.expect_response(lambda r: r.url.endswith("/api/reports/weekly/current.pdf"), timeout=60_000) as pdf:
        with page.context.expect_page(timeout=60_000) as pdf_tab:
            page.click("#weekly-report-pdf")
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"
    # Headless Chromium has no PDF viewer: the blob becomes a download in the new tab; the page shows no error.
    assert page.locator("#toasts .toast").count() == 0
    pdf_tab.value.close()
