"""GET /api/reports and /api/reports/weekly/{week}.html|.pdf: filed copies or renders, the assessment's figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from reports.figures import gather_weekly
from reports.filing import ReportArchive
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.reports.seed import SCRIPT_TITLE, WEEK, monday_after, seed_weeks

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
POSTGIS = pytest.mark.parametrize("store", [pytest.param("postgis", marks=pytest.mark.postgis)], indirect=True)
NOW = monday_after(WEEK, hours=10)


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """A client of the app whose clock reads Monday after WEEK, on a seeded store."""
    add_accounts(store)
    seed_weeks(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(), clock=lambda: NOW)
    with TestClient(app) as test_client:
        yield test_client


def _assessment(client: TestClient, headers: dict[str, str], period: str, **params: object) -> list[dict]:
    answer = client.get("/api/assessment", headers=headers, params={"period": period, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]


def _same(rows: list[dict], named: list) -> None:
    assert [(r["group"], r["received"], r["closed"], r["closure_rate"], r["on_time_rate"], r["satisfaction_avg"])
            for r in rows] == [(n.row.group, n.row.received, n.row.closed, n.row.closure_rate, n.row.on_time_rate,
                                n.row.satisfaction_avg) for n in named]


def _figures_equal_the_assessment(store: Store, client: TestClient) -> None:
    headers = login(client, "supervisor")
    with store.read_only() as uow:
        figures = gather_weekly(uow, week=WEEK, now=NOW)
    for label, total in (("2026-W48", figures.total), ("2026-W47", figures.previous_total)):
        [row] = _assessment(client, headers, label)
        assert (row["received"], row["closed"], row["closure_rate"], row["on_time_rate"], row["satisfaction_avg"]) == (
            total.received, total.closed, total.closure_rate, total.on_time_rate, total.satisfaction_avg), label
    _same(_assessment(client, headers, "2026-W48", by="platform"), figures.by_platform)
    _same(_assessment(client, headers, "2026-W48", by="grid", grid_level=2), figures.by_grid)
    assert figures.total.received == 63 and figures.previous_total.received == 60


@SQLITE
def test_the_report_figures_are_the_assessment_of_the_week_and_the_one_before(store: Store,
                                                                              client: TestClient) -> None:
    _figures_equal_the_assessment(store, client)


@POSTGIS
def test_on_postgis_the_figures_and_the_pdf_match_too(store: Store, client: TestClient) -> None:
    _figures_equal_the_assessment(store, client)
    answer = client.get("/api/reports/weekly/current.pdf", headers=login(client, "operator"))
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")


@SQLITE
def test_a_week_is_rendered_on_demand_as_html_and_pdf(store: Store, client: TestClient) -> None:
    headers = login(client, "viewer")
    page = client.get("/api/reports/weekly/2026-W48.html", headers=headers)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert SCRIPT_TITLE not in page.text and "&lt;script&gt;" in page.text and "2026-W48" in page.text
    # current is the last full week by the app's clock: W48 on the Monday after it.
    current = client.get("/api/reports/weekly/current.html", headers=headers)
    assert 'href="2026-W48.pdf"' in current.text and "2026-11-23 至 2026-11-29" in current.text
    pdf = client.get("/api/reports/weekly/2026-W47.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "2026-W47" in pdf.headers["content-disposition"]
    # Rendered on demand, nothing is filed.
    assert client.get("/api/reports", headers=headers).json()["total"] == 0


@SQLITE
def test_a_filed_copy_is_served_and_listed(store: Store, client: TestClient, tmp_path: Path) -> None:
    archive = ReportArchive(tmp_path / "reports")
    archive.write(WEEK, "html", "<p>filed 已归档</p>".encode())
    archive.write(WEEK, "pdf", b"%PDF-1.7 filed")
    archive.write(WEEK.previous(), "pdf", b"%PDF-1.7 older")
    headers = login(client, "operator")
    assert client.get("/api/reports/weekly/current.html", headers=headers).text == "<p>filed 已归档</p>"
    assert client.get("/api/reports/weekly/2026-W48.pdf", headers=headers).content == b"%PDF-1.7 filed"
    listing = client.get("/api/reports", headers=headers, params={"limit": 1})
    assert listing.status_code == 200, listing.text
    body = listing.json()
    assert body["total"] == 2 and body["limit"] == 1 and len(body["items"]) == 1
    item = body["items"][0]
    assert item["week"] == "2026-W48" and item["formats"] == ["html", "pdf"] and item["kind"] == "weekly"
    assert item["since"] == "2026-11-23T00:00:00+08:00" and item["until"] == "2026-11-30T00:00:00+08:00"
    assert item["html_url"] == "/api/reports/weekly/2026-W48.html" and item["sizes"]["pdf"] == 14
    older = client.get("/api/reports", headers=headers, params={"offset": 1}).json()["items"]
    assert [(i["week"], i["formats"], i["html_url"]) for i in older] == [("2026-W47", ["pdf"], None)]


@SQLITE
@pytest.mark.parametrize(("week", "says"), [
    ("2026-48", "path parameter week '2026-48': give YYYY-Www"),
    ("2025-W53", "year 2025 has no ISO week 53"),
    ("latest", "or current (the last full week)"),
])
def test_a_malformed_week_is_a_clear_422(store: Store, client: TestClient, week: str, says: str) -> None:
    for fmt in ("html", "pdf"):
        answer = client.get(f"/api/reports/weekly/{week}.{fmt}", headers=login(client, "operator"))
        assert answer.status_code == 422 and says in answer.json()["detail"], answer.text


@SQLITE
def test_only_whole_town_ops_readers_may_read_reports(store: Store, client: TestClient) -> None:
    assert client.get("/api/reports").status_code == 401
    assert client.get("/api/reports/weekly/current.html").status_code == 401
    for user in ("member", "staff"):
        headers = login(client, user)
        for path in ("/api/reports", "/api/reports/weekly/2026-W48.html", "/api/reports/weekly/2026-W48.pdf"):
            answer = client.get(path, headers=headers)
            assert answer.status_code == 403 and "part of the town" in answer.text, (user, path)
    assert client.get("/api/reports", headers=login(client, "viewer")).status_code == 200
