"""The alert routes: the list by status, counts up the grid hierarchy, acknowledgement and its refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from alerts.models import AlertStatus
from cases.models import CaseStatus
from gis.models import GridLevel
from storage import Store
from tests.api.conftest import login
from tests.factories import LAT, LON, at, make_alert, make_case, make_grid

GRIDS = [
    make_grid("T01", size=0.04, level=GridLevel.TOWN),
    make_grid("V01", geometry=box(LON - 0.02, LAT - 0.02, LON, LAT + 0.02), level=GridLevel.VILLAGE, parent_code="T01"),
    make_grid("V02", geometry=box(LON, LAT - 0.02, LON + 0.02, LAT + 0.02), level=GridLevel.VILLAGE, parent_code="T01"),
    make_grid("N01", geometry=box(LON - 0.02, LAT - 0.02, LON - 0.01, LAT), level=GridLevel.NATURAL_VILLAGE,
              parent_code="V01"),
    make_grid("N02", geometry=box(LON - 0.01, LAT - 0.02, LON, LAT), level=GridLevel.NATURAL_VILLAGE,
              parent_code="V01"),
]


@pytest.fixture
def operator(store: Store, app_client: TestClient) -> Iterator[dict[str, str]]:
    """Seed grids and alerts: raised in N01 and N02, acknowledged in N01, cleared in V02; log in as the operator."""
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(GRIDS)
        case = uow.cases.add(make_case(status=CaseStatus.ACCEPTED, grid_path=("T01", "V01", "N01")))
        uow.alerts.add(make_alert("a", grid_path=("T01", "V01", "N01"), case_id=case.id))
        uow.alerts.add(make_alert("b", grid_path=("T01", "V01", "N02"), raised_at=at(1)))
        uow.alerts.add(make_alert("c", grid_path=("T01", "V01", "N01"), status=AlertStatus.ACKNOWLEDGED,
                                  acknowledged_by="user:x", acknowledged_at=at(1), raised_at=at(2)))
        uow.alerts.add(make_alert("d", grid_path=("T01", "V02"), status=AlertStatus.CLEARED, cleared_at=at(3),
                                  raised_at=at(3)))
    yield login(app_client, "operator")


def _counts(client: TestClient, headers: dict[str, str], query: str) -> dict[str, int]:
    answer = client.get(f"/api/alerts/counts?{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    return {g["code"]: g["count"] for g in answer.json()["grids"]}


def test_the_list_filters_by_status_and_open_means_not_cleared(app_client: TestClient, operator: dict[str, str]) -> None:
    def devices(query: str) -> list[str]:
        return [a["device_id"] for a in app_client.get(f"/api/alerts?{query}", headers=operator).json()["items"]]

    assert devices("status=open") == ["c", "b", "a"]
    assert devices("status=raised") == ["b", "a"]
    assert devices("status=acknowledged") == ["c"]
    assert devices("status=cleared") == ["d"]
    assert devices("") == ["d", "c", "b", "a"]
    assert app_client.get("/api/alerts?status=closed", headers=operator).status_code == 422


def test_counts_roll_up_the_hierarchy_per_level_and_under_a_grid(app_client: TestClient,
                                                                 operator: dict[str, str]) -> None:
    assert _counts(app_client, operator, "level=1") == {"T01": 3}
    assert _counts(app_client, operator, "level=2") == {"V01": 3, "V02": 0}
    assert _counts(app_client, operator, "level=3") == {"N01": 2, "N02": 1}
    assert _counts(app_client, operator, "grid=V01") == {"V01": 3, "N01": 2, "N02": 1}
    assert _counts(app_client, operator, "level=2&status=cleared") == {"V01": 0, "V02": 1}
    assert _counts(app_client, operator, "level=3&status=raised") == {"N01": 1, "N02": 1}
    body = app_client.get("/api/alerts/counts", headers=operator).json()
    assert body["total"] == 3 and body["status"] == "open" and len(body["grids"]) == len(GRIDS)
    missing = app_client.get("/api/alerts/counts?grid=X99", headers=operator)
    assert missing.status_code == 404 and "X99" in missing.json()["detail"]


def test_acknowledge_records_the_operator_and_note_and_notes_the_case(app_client: TestClient,
                                                                      operator: dict[str, str]) -> None:
    answer = app_client.post("/api/alerts/1/acknowledge", headers=operator, json={"note": "已派人查看"})
    assert answer.status_code == 200, answer.text
    alert = answer.json()
    assert (alert["status"], alert["ack_note"]) == ("acknowledged", "已派人查看")
    assert alert["acknowledged_by"].endswith("operator") and alert["acknowledged_at"]
    case = app_client.get(f"/api/cases/{alert['case_id']}", headers=operator).json()
    assert case["events"][-1]["action"] == "alert_acknowledged" and case["events"][-1]["note"] == "已派人查看"
    kinds = [e["kind"] for e in app_client.get("/api/events", headers=operator).json()["items"]]
    assert "alert.acknowledged" in kinds


@pytest.mark.parametrize(("alert_id", "status", "reason"), [
    pytest.param(3, 409, "already acknowledged by user:x", id="acknowledged"),
    pytest.param(4, 409, "already cleared", id="cleared"),
    pytest.param(99, 404, "alert 99: no such alert", id="unknown"),
])
def test_acknowledging_what_cannot_be_says_why(app_client: TestClient, operator: dict[str, str], alert_id: int,
                                               status: int, reason: str) -> None:
    answer = app_client.post(f"/api/alerts/{alert_id}/acknowledge", headers=operator, json={"note": ""})
    assert answer.status_code == status and reason in answer.json()["detail"]


def test_an_acknowledgement_body_with_unknown_fields_is_refused(app_client: TestClient,
                                                                operator: dict[str, str]) -> None:
    answer = app_client.post("/api/alerts/2/acknowledge", headers=operator, json={"note": "x", "status": "cleared"})
    assert answer.status_code == 422
