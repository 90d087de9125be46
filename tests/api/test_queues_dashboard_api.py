"""GET /api/queues, GET /api/cases?queue= and GET /api/dashboard: membership, counts, reach, periods, and figures
that are the assessment's own."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from alerts.models import AlertStatus
from cases.models import CaseStatus, Platform
from gis.models import GridLevel
from gis.zone import CHINA_TZ
from storage import Store
from tests.api.conftest import login
from tests.factories import LAT, LON, make_alert, make_camera, make_case, make_device, make_grid, make_health
from video.health import Health

# A Wednesday: the week began on Monday 3 June, the month on 1 June (Beijing time).
NOW = datetime(2024, 6, 5, 10, 0, tzinfo=CHINA_TZ)
QUEUE_ORDER = ["to_accept", "to_route", "overdue", "escalated", "to_verify", "triage"]


def _grids(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", name="城镇", size=0.1),
                               make_grid("V01", name="东村", level=GridLevel.VILLAGE, parent_code="T01", size=0.02),
                               make_grid("V02", name="西村", level=GridLevel.VILLAGE, parent_code="T01", lon=LON + 0.04,
                                         size=0.02)])


def _seed_queues(store: Store) -> dict[str, int]:
    _grids(store)
    rows = {
        "new": dict(status=CaseStatus.REPORTED, due_at=NOW + timedelta(hours=1)),
        "new, late": dict(status=CaseStatus.REPORTED, due_at=NOW - timedelta(minutes=5)),
        "accepted": dict(status=CaseStatus.ACCEPTED, platform=Platform.MARKET, grid_path=("T01", "V02")),
        "dispatched, late": dict(status=CaseStatus.DISPATCHED, due_at=NOW - timedelta(hours=3)),
        "escalated": dict(status=CaseStatus.ESCALATED, due_at=NOW - timedelta(hours=3)),
        "handled": dict(status=CaseStatus.FED_BACK, grid_path=("T01", "V02")),
        "unsure": dict(status=CaseStatus.ACCEPTED, triage=True),
        "unsure, closed": dict(status=CaseStatus.CLOSED, triage=True),
    }
    with store.unit_of_work() as uow:
        return {t: uow.cases.add(make_case(t, created_at=NOW - timedelta(hours=1), updated_at=NOW, **f)).id
                for t, f in rows.items()}


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    app_client.app.state.clock = lambda: NOW  # type: ignore[attr-defined]
    return app_client


def test_each_queue_lists_its_cases_and_counts_equal_the_list_totals(store: Store, client: TestClient) -> None:
    _seed_queues(store)
    who = login(client, "operator")
    answer = client.get("/api/queues", headers=who)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["at"] == NOW.isoformat()
    assert [q["queue"] for q in body["queues"]] == QUEUE_ORDER
    expected = {"to_accept": ["new, late", "new"], "to_route": ["unsure", "accepted"],
                "overdue": ["dispatched, late", "new, late"], "escalated": ["escalated"], "to_verify": ["handled"],
                "triage": ["unsure"]}
    for row in body["queues"]:
        page = client.get("/api/cases", headers=who, params={"queue": row["queue"], "limit": 100}).json()
        assert sorted(c["title"] for c in page["items"]) == sorted(expected[row["queue"]]), row["queue"]
        assert row["count"] == page["total"] == len(expected[row["queue"]])
    # Filters narrow both alike.
    market = client.get("/api/queues", headers=who, params={"platform": "market"}).json()["queues"]
    assert {q["queue"]: q["count"] for q in market} == {**dict.fromkeys(QUEUE_ORDER, 0), "to_route": 1}
    v02 = client.get("/api/queues", headers=who, params={"grid": "V02"}).json()["queues"]
    assert {q["queue"]: q["count"] for q in v02} == {**dict.fromkeys(QUEUE_ORDER, 0), "to_route": 1, "to_verify": 1}


def test_overdue_follows_the_injected_clock(store: Store, client: TestClient) -> None:
    _seed_queues(store)
    client.app.state.clock = lambda: NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    who = login(client, "operator")  # the token's lifetime runs on the same clock
    overdue = client.get("/api/cases", headers=who, params={"queue": "overdue"}).json()
    assert sorted(c["title"] for c in overdue["items"]) == ["dispatched, late", "new", "new, late"]


def test_queues_stay_within_the_callers_reach(store: Store, client: TestClient) -> None:
    _seed_queues(store)
    answer = client.get("/api/queues", headers=login(client, "member")).json()
    member = {q["queue"]: q["count"] for q in answer["queues"]}
    assert member == {**dict.fromkeys(QUEUE_ORDER, 0), "to_route": 1}  # the market platform's one case
    other = client.get("/api/queues", headers=login(client, "member"), params={"platform": "governance"}).json()
    assert all(q["count"] == 0 for q in other["queues"])
    staff = {q["queue"]: q["count"] for q in client.get("/api/queues", headers=login(client, "staff")).json()["queues"]}
    assert staff == {"to_accept": 2, "to_route": 1, "overdue": 2, "escalated": 1, "to_verify": 0, "triage": 1}
    listed = client.get("/api/cases", headers=login(client, "staff"), params={"queue": "to_verify"}).json()
    assert listed["total"] == 0


def test_an_unknown_queue_or_period_is_a_422_naming_the_parameter(client: TestClient) -> None:
    who = login(client, "operator")
    bad_queue = client.get("/api/cases", headers=who, params={"queue": "later"})
    assert bad_queue.status_code == 422 and "queue" in bad_queue.text
    bad_period = client.get("/api/dashboard", headers=who, params={"period": "year"})
    assert bad_period.status_code == 422 and "period" in bad_period.text
    assert client.get("/api/dashboard").status_code == 401


def _seed_period(store: Store) -> None:
    _grids(store)
    rows = [  # title, platform, path, status, on_time, rating, created (Beijing), category
        ("today a", Platform.GOVERNANCE, ("T01", "V01"), CaseStatus.CLOSED, True, 5, NOW - timedelta(hours=2), "a"),
        ("today b", Platform.MARKET, ("T01", "V02"), CaseStatus.HANDLING, False, None, NOW - timedelta(hours=1), "b"),
        ("monday", Platform.MARKET, ("T01", "V01"), CaseStatus.EVALUATED, True, 3,
         datetime(2024, 6, 3, 0, 5, tzinfo=CHINA_TZ), "a"),
        ("sunday", Platform.GOVERNANCE, ("T01", "V02"), CaseStatus.REJECTED, None, None,
         datetime(2024, 6, 2, 23, 50, tzinfo=CHINA_TZ), "c"),
        ("may", Platform.GOVERNANCE, ("T01", "V01"), CaseStatus.REPORTED, None, None,
         datetime(2024, 5, 31, 23, 59, tzinfo=CHINA_TZ), "a"),
        ("merged", Platform.GOVERNANCE, ("T01", "V01"), CaseStatus.MERGED, None, None, NOW - timedelta(hours=3), "a"),
    ]
    with store.unit_of_work() as uow:
        for title, platform, path, status, on_time, rating, at, category in rows:
            uow.cases.add(make_case(title, platform=platform, grid_path=path, status=status, on_time=on_time,
                                    satisfaction=rating, created_at=at, updated_at=at, category=category,
                                    lon=LON + (0.04 if path[-1] == "V02" else 0.0), lat=LAT))


@pytest.mark.parametrize(("period", "since", "received"), [("today", "2024-06-05T00:00:00+08:00", 2),
                                                           ("week", "2024-06-03T00:00:00+08:00", 3),
                                                           ("month", "2024-06-01T00:00:00+08:00", 4)])
def test_dashboard_figures_are_the_assessments_of_the_same_period(store: Store, client: TestClient, period: str,
                                                                  since: str, received: int) -> None:
    _seed_period(store)
    who = login(client, "operator")
    answer = client.get("/api/dashboard", headers=who, params={"period": period})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["period"], body["since"], body["until"], body["timezone"]) == (
        period, since, NOW.isoformat(), "Asia/Shanghai")
    bounds = {"since": body["since"], "until": body["until"]}
    total = client.get("/api/assessment", headers=who, params=bounds).json()["rows"][0]
    assert body["totals"] == {"received": total["received"], "closed": total["closed"],
                              "closure_rate": total["closure_rate"], "on_time_rate": total["on_time_rate"],
                              "satisfaction_avg": total["satisfaction_avg"], "open": 2}
    assert body["totals"]["received"] == received
    platforms = client.get("/api/assessment", headers=who, params={**bounds, "by": "platform"}).json()["rows"]
    grids = client.get("/api/assessment", headers=who, params={**bounds, "by": "grid", "grid_level": 2}).json()["rows"]
    assert body["by_platform"] == platforms and body["by_grid"] == grids
    assert sum(d["received"] for d in body["trend"]) == received
    assert sum(d["closed"] for d in body["trend"]) == body["totals"]["closed"]
    assert body["trend"][-1]["day"] == "2024-06-05" and body["trend"][0]["day"] == since[:10]
    assert sum(c["count"] for c in body["top_categories"]) == received
    # Hot spots are the heatmap's busiest bins (every report counts there, a merged duplicate too).
    heat = client.get("/api/stats/heatmap", headers=who, params={**bounds, "cell_m": 500}).json()
    busiest = sorted(heat["bins"], key=lambda b: (-b["count"], b["iy"], b["ix"]))[:10]
    assert [(s["lon"], s["lat"], s["count"]) for s in body["hot_spots"]] == [
        (b["lon"], b["lat"], b["count"]) for b in busiest]


def test_dashboard_names_categories_and_hot_spots_and_counts_health(store: Store, client: TestClient) -> None:
    _seed_period(store)
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1"), make_camera("cam-2"), make_camera("cam-3")])
        uow.camera_health.record(make_health("cam-1", status=Health.OK))
        uow.camera_health.record(make_health("cam-2", status=Health.FROZEN))
        uow.devices.upsert_many([make_device("aq-1"), make_device("aq-2"), make_device("aq-3")])
        uow.alerts.add(make_alert("aq-1", metric="silent_s", rule_id="silence"))
        uow.alerts.add(make_alert("aq-2", metric="silent_s", rule_id="silence", status=AlertStatus.CLEARED))
        uow.alerts.add(make_alert("aq-3", metric="pm25", rule_id="pm"))
    body = client.get("/api/dashboard", headers=login(client, "viewer"), params={"period": "month"}).json()
    assert body["health"] == {"cameras": {"frozen": 1, "ok": 1, "unknown": 1},
                              "sensors": {"online": 2, "silent": 1, "total": 3}}
    assert [(c["category"], c["count"]) for c in body["top_categories"]] == [("a", 2), ("b", 1), ("c", 1)]
    assert [(s["count"], s["grid_code"], s["grid_name"]) for s in body["hot_spots"]] == [
        (3, "V01", "东村"), (2, "V02", "西村")]  # the merged duplicate is a report there too


def test_dashboard_stays_within_the_callers_reach(store: Store, client: TestClient) -> None:
    _seed_period(store)
    body = client.get("/api/dashboard", headers=login(client, "member"), params={"period": "month"}).json()
    assert body["totals"]["received"] == 2 and body["totals"]["open"] == 1
    assert [r["group"] for r in body["by_platform"]] == ["market"]
