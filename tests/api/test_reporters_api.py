"""Duplicates offered at intake, reporters and their notices, and rating by link or hotline, through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

from gis.geometry import offset_lon_lat
from gridwatch.reporter_notices import NoticeDelivery, deliver_reporter_notices
from gridwatch.settings import load_settings
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.cases.test_reporters_loop import Collecting
from tests.factories import LAT, LON, make_team

REPORT = {"title": "井盖缺失", "category": "safety_hazard", "lon": LON, "lat": LAT, "source": "hotline",
          "reporter": "王芳", "reporter_phone": "13800000001"}
CLOSE = ("accept", "dispatch", "start", "feedback", "verify", "close")


def _report(client: TestClient, headers: dict[str, str], **fields: object) -> dict:
    answer = client.post("/api/cases", json={**REPORT, **fields}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _close(client: TestClient, headers: dict[str, str], case_id: int) -> None:
    for action in CLOSE:
        answer = client.post(f"/api/cases/{case_id}/actions/{action}", json={}, headers=headers)
        assert answer.status_code == 200, answer.text


def _token(store: Store) -> str:
    notifier = Collecting()
    deliver_reporter_notices(store, notifier, NoticeDelivery(link_base="http://testserver"), now=datetime.now(UTC))
    [closed] = [n for n in notifier.sent if n.kind == "closed"]
    return closed.text.rsplit("/rate/", 1)[1]


def test_a_new_report_is_offered_the_open_case_of_its_category_nearby(app_client: TestClient) -> None:
    operator = login(app_client, "operator")
    first = _report(app_client, operator)
    assert first["possible_duplicates"] == []
    lon, lat = offset_lon_lat(LON, LAT, 45, 120)
    second = _report(app_client, operator, lon=lon, lat=lat, reporter="李雷")
    assert [(d["id"], d["title"], d["status"]) for d in second["possible_duplicates"]] == [
        (first["id"], "井盖缺失", "reported")]
    assert 115 < second["possible_duplicates"][0]["distance_m"] < 125
    far = offset_lon_lat(LON, LAT, 45, 400)
    assert _report(app_client, operator, lon=far[0], lat=far[1])["possible_duplicates"] == []
    assert _report(app_client, operator, category="streetlight")["possible_duplicates"] == []
    listed = app_client.get(f"/api/cases/{first['id']}/duplicates", headers=operator).json()
    assert [d["id"] for d in listed["items"]] == [second["id"]]
    assert (listed["radius_m"], listed["window_h"]) == (250.0, 72.0)


def test_reporters_are_masked_for_roles_without_personal_read(app_client: TestClient) -> None:
    case = _report(app_client, login(app_client, "operator"))
    seen = app_client.get(f"/api/cases/{case['id']}/reporters", headers=login(app_client, "operator")).json()
    masked = app_client.get(f"/api/cases/{case['id']}/reporters", headers=login(app_client, "viewer")).json()
    assert [(r["name"], r["phone"], r["channel"]) for r in seen["reporters"]] == [("王芳", "13800000001", "hotline")]
    assert [(r["name"], r["phone"]) for r in masked["reporters"]] == [("王*", "138****0001")]
    assert "rating_token_hash" not in seen["reporters"][0]


def test_a_rating_link_rates_once_and_evaluates_the_closed_case(store: Store, app_client: TestClient) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1")])
    operator = login(app_client, "operator")
    case = _report(app_client, operator)
    _close(app_client, operator, case["id"])
    notices = app_client.get(f"/api/cases/{case['id']}/reporters", headers=operator).json()["notices"]
    assert [(n["kind"], n["sent_at"]) for n in notices] == [("handled", None), ("closed", None)]
    token = _token(store)
    page = app_client.get(f"/rate/{token}")
    assert page.status_code == 200 and "请为办理结果评分" in page.text
    assert app_client.get("/rate/" + "x" * 32).status_code == 404
    assert app_client.post(f"/api/rate/{token}", json={"satisfaction": 6}).status_code == 422
    assert app_client.post(f"/api/rate/{token}", json={"satisfaction": 0}).status_code == 422
    assert app_client.post("/api/rate/" + "x" * 32, json={"satisfaction": 4}).status_code == 404
    assert app_client.post("/api/rate/short", json={"satisfaction": 4}).status_code == 404
    answer = app_client.post(f"/api/rate/{token}", json={"satisfaction": 4, "comment": "处理及时"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"case_id": case["id"], "reporter_id": 1, "satisfaction": 4, "evaluated": True,
                             "case_status": "evaluated", "case_satisfaction": 4}
    again = app_client.post(f"/api/rate/{token}", json={"satisfaction": 1})
    assert again.status_code == 409 and "already rated" in again.json()["detail"]
    detail = app_client.get(f"/api/cases/{case['id']}", headers=operator).json()
    assert (detail["status"], detail["satisfaction"]) == ("evaluated", 4)
    assert detail["events"][-1]["actor"] == "reporter:1" and detail["events"][-1]["note"] == "处理及时"
    with store.read_only() as uow:
        rated = [e for e in uow.audit.entries() if e.action == "POST /api/rate/{token}"]
    # The audit log names the reporter and never holds a working link.
    assert rated and all(token not in e.target for e in rated)
    assert ("reporter:1", "ok") in [(e.actor, e.outcome) for e in rated]


def test_the_hotline_records_a_rating_for_a_reporter(store: Store, app_client: TestClient) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1")])
    operator = login(app_client, "operator")
    case = _report(app_client, operator)
    _close(app_client, operator, case["id"])
    path = f"/api/cases/{case['id']}/reporters/1/rating"
    assert app_client.post(path, json={"satisfaction": 3}, headers=login(app_client, "viewer")).status_code == 403
    assert app_client.post(f"/api/cases/{case['id']}/reporters/9/rating", json={"satisfaction": 3},
                           headers=operator).status_code == 404
    answer = app_client.post(path, json={"satisfaction": 3, "comment": "电话回访"}, headers=operator)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["evaluated"], answer.json()["case_satisfaction"]) == (True, 3)
    assert app_client.post(path, json={"satisfaction": 5}, headers=operator).status_code == 409
    reporters = app_client.get(f"/api/cases/{case['id']}/reporters", headers=operator).json()["reporters"]
    assert [(r["satisfaction"], r["comment"]) for r in reporters] == [(3, "电话回访")]


def test_rating_links_are_rate_limited_per_address(app_client: TestClient) -> None:
    answers = [app_client.post("/api/rate/" + "x" * 32, json={"satisfaction": 4}).status_code for _ in range(11)]
    assert answers == [404] * 10 + [429]


def test_the_duplicate_radius_and_window_come_from_the_settings(store: Store, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_DUPLICATE_RADIUS_M", "100")
    monkeypatch.setenv("GRIDWATCH_DUPLICATE_WINDOW_H", "12")
    search = load_settings().duplicates.search()
    assert (search.radius_m, search.window) == (100.0, timedelta(hours=12))
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     duplicate_search=search)
    with TestClient(app) as client:
        operator = login(client, "operator")
        first = _report(client, operator)
        near = offset_lon_lat(LON, LAT, 0, 80)
        far = offset_lon_lat(LON, LAT, 180, 120)  # 200 m from the second report too
        assert [d["id"] for d in _report(client, operator, lon=near[0], lat=near[1])["possible_duplicates"]] == [
            first["id"]]
        assert _report(client, operator, lon=far[0], lat=far[1])["possible_duplicates"] == []
        assert client.get(f"/api/cases/{first['id']}/duplicates", headers=operator).json()["window_h"] == 12.0
