"""The calendar over HTTP: a year's days and source, loading a year (admin only, 422 naming the entry), due dates,
and the /healthz warning on a clock the test sets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login

# 09:00 on 20 November 2026 in Beijing: 42 days before 2027, for which the package has no schedule.
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

BODY_2027 = {"note": "test schedule, not the State Council's", "days": [
    {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"},
    {"date": "2027-10-04", "kind": "holiday", "name": "国庆节"},
    {"date": "2027-10-05", "kind": "holiday", "name": "国庆节"},
    {"date": "2027-09-26", "kind": "workday", "name": "国庆节"},
]}


@pytest.fixture
def clock() -> list[datetime]:
    return [NOW]


@pytest.fixture
def client(store: Store, tmp_path: Path, clock: list[datetime]) -> Iterator[TestClient]:
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     clock=lambda: clock[0])
    with TestClient(app) as c:
        yield c


def test_healthz_warns_until_next_years_schedule_is_loaded(client: TestClient, clock: list[datetime]) -> None:
    clock[0] = datetime(2026, 10, 1, 1, tzinfo=UTC)  # 92 days before 2027: only 2026 is needed
    assert client.get("/healthz").json()["calendar"] == {"status": "ok", "uncovered_years": [],
                                                         "sources": {"2026": "package"}}
    clock[0] = NOW
    warned = client.get("/healthz").json()["calendar"]
    assert warned == {"status": "fallback", "uncovered_years": [2027],
                      "sources": {"2026": "package", "2027": "fallback"}}
    admin = login(client, "admin")
    assert client.put("/api/calendar/2027", json=BODY_2027, headers=admin).status_code == 200
    assert client.get("/healthz").json()["calendar"]["status"] == "ok"
    clock[0] = datetime(2028, 3, 1, tzinfo=UTC)
    assert client.get("/healthz").json()["calendar"]["uncovered_years"] == [2028]


def test_a_year_reads_with_its_source_and_days(client: TestClient) -> None:
    viewer = login(client, "viewer")
    year = client.get("/api/calendar/2026", headers=viewer).json()
    assert (year["source"], year["fallback"]) == ("package", False)
    days = {d["date"]: (d["kind"], d["name"], d["weekday"]) for d in year["days"]}
    assert days["2026-10-10"] == ("makeup_workday", "国庆节", 6)
    assert days["2026-10-01"] == ("holiday", "国庆节", 4)
    fallback = client.get("/api/calendar/2027", headers=viewer).json()
    assert (fallback["source"], fallback["fallback"], fallback["days"]) == ("fallback", True, [])
    assert client.get("/api/calendar/2026").status_code == 401


def test_loading_a_year_is_for_admins_and_replaces_the_year(client: TestClient) -> None:
    assert client.put("/api/calendar/2027", json=BODY_2027, headers=login(client, "operator")).status_code == 403
    admin = login(client, "admin")
    answer = client.put("/api/calendar/2027", json=BODY_2027, headers=admin)
    assert answer.status_code == 200, answer.text
    year = answer.json()
    assert (year["source"], year["loaded_by"], year["origin"], year["loaded_at"]) == (
        "loaded", "admin", "api", NOW.isoformat())
    assert [d["date"] for d in year["days"]] == ["2027-09-26", "2027-10-01", "2027-10-04", "2027-10-05"]
    smaller = {"days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}
    assert [d["date"] for d in client.put("/api/calendar/2027", json=smaller, headers=admin).json()["days"]] == \
        ["2027-01-01"]


def test_a_bad_schedule_is_refused_naming_each_entry_and_nothing_changes(client: TestClient) -> None:
    admin = login(client, "admin")
    bad = {"days": [{"date": "2027-10-01", "kind": "holiday"}, {"date": "2027-10-06", "kind": "workday"},
                    {"date": "2028-10-01", "kind": "holiday"}, {"date": "2027-10-01", "kind": "holiday"}]}
    answer = client.put("/api/calendar/2027", json=bad, headers=admin)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "days[1]: workday 2027-10-06 is a Wednesday" in detail
    assert "days[2]: 2028-10-01 is not in 2027" in detail
    assert "days[3]: 2027-10-01 is already on days[0]" in detail
    assert client.get("/api/calendar/2027", headers=admin).json()["source"] == "fallback"
    assert client.put("/api/calendar/2027", json={"days": [], "x": 1}, headers=admin).status_code == 422


def test_due_dates_over_http(client: TestClient) -> None:
    viewer = login(client, "viewer")
    answer = client.get("/api/calendar/due", params={"start": "2026-09-30T16:00:00+08:00", "limit": "5wd"},
                        headers=viewer).json()
    assert answer["due"] == "2026-10-13T17:30:00+08:00" and answer["fallback_years"] == []
    naive = client.get("/api/calendar/due", params={"start": "2026-09-30T16:00:00", "limit": "3wh"}, headers=viewer)
    assert naive.json()["due"] == "2026-10-08T10:00:00+08:00"
    late = client.get("/api/calendar/due", params={"start": "2026-12-28T09:00:00+08:00", "limit": "5wd"},
                      headers=viewer).json()
    assert late["fallback_years"] == [2027]
    now = client.get("/api/calendar/due", params={"limit": "1h"}, headers=viewer).json()
    assert now["start"] == NOW.isoformat()
    refused = client.get("/api/calendar/due", params={"limit": "5 days"}, headers=viewer)
    assert refused.status_code == 422 and "5wd" in refused.json()["detail"]
