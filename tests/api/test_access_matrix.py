"""Each role × each route × own/foreign object gives the right answer, on every backend."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from cases.models import CaseStatus, Platform, TeamStatus
from gis.models import GridLevel
from storage import Store
from tests.api.conftest import ACCOUNTS, login
from iot.models import QuarantineEntry
from tests.factories import LAT, LON, T0, make_alert, make_assignment, make_case, make_device, make_grid, make_team

ALERT = 1  # an open alert in V01
OWN, FOREIGN = 1, 2  # case ids: own is market in V01 dispatched to T-MKT-01; foreign is enforcement in V02
ALL = set(ACCOUNTS)
READERS_OF_BOTH = {"admin", "operator", "supervisor", "viewer"}


@dataclass(frozen=True)
class Check:
    """A request and, per role, the status expected (roles not named expect `otherwise`)."""

    method: str
    path: str
    allowed: set[str]
    ok: int = 200
    otherwise: int = 403
    body: dict | None = None
    special: dict[str, int] | None = None

    def expected(self, role: str) -> int:
        if self.special and role in self.special:
            return self.special[role]
        return self.ok if role in self.allowed else self.otherwise


DEVICE_ADMINS = {"admin", "operator"}
GRID_ADMINS = {"admin", "operator"}
DEVICE = {"id": "AQ-NEW", "kind": "air_quality", "name": "新站", "lon": LON, "lat": LAT}
REPORT = {"title": "占道经营", "category": "unlicensed_trading", "lon": LON - 0.002, "lat": LAT}

# Reads first, then writes whose outcomes do not depend on each other.
CHECKS = [
    Check("GET", "/api/grids", ALL),
    Check("GET", "/api/grids/locate?lon=120.0&lat=32.3", ALL),
    Check("POST", "/api/grids/locate", ALL, body={"points": [[120.0, 32.3]]}),
    Check("GET", "/api/grids/V01", ALL),
    Check("GET", "/api/grids/sets", ALL),
    Check("GET", "/api/teams", ALL),
    Check("GET", "/api/teams/T-MKT-01/track", ALL),
    Check("GET", "/api/alerts", ALL),
    Check("GET", "/api/alerts?status=open", ALL),
    Check("GET", "/api/alerts/counts?level=2", ALL),
    Check("GET", f"/api/alerts/{ALERT}", ALL),
    Check("GET", "/api/cameras", ALL),
    Check("GET", "/api/devices", ALL),
    Check("GET", "/api/categories", ALL),
    Check("GET", "/api/events", ALL),
    Check("GET", "/api/auth/me", ALL),
    Check("POST", "/api/auth/stream-ticket", ALL),
    Check("GET", "/api/dead-letters", {"admin", "operator", "supervisor"}),
    Check("GET", "/api/audit", {"admin", "supervisor"}),
    Check("GET", "/api/audit/verify", {"admin", "supervisor"}),
    Check("GET", "/api/assessment?period=2024&by=platform", {"admin", "operator", "supervisor"}),
    Check("GET", "/api/jobs", {"admin", "supervisor"}),
    Check("GET", "/api/users", {"admin"}),
    Check("GET", "/api/cases", ALL),
    Check("GET", f"/api/cases/{OWN}", ALL),
    Check("GET", f"/api/cases/{FOREIGN}", READERS_OF_BOTH, otherwise=404),
    Check("POST", f"/api/cases/{FOREIGN}/actions/start", set(), body={},
          special={"member": 404, "staff": 404, "operator": 409, "admin": 409}),
    Check("POST", f"/api/cases/{OWN}/actions/start", {"admin", "operator", "member"}, body={}),
    Check("POST", f"/api/cases/{FOREIGN}/actions/dispatch", {"admin", "operator"}, body={},
          special={"member": 404, "staff": 404}),
    Check("POST", "/api/cases", {"admin", "operator", "staff"}, ok=201, body=REPORT),
    Check("GET", "/api/devices/AQ-M", ALL),
    Check("GET", "/api/devices/quarantine", {"admin", "operator", "supervisor"}),
    Check("POST", "/api/devices", DEVICE_ADMINS, ok=201, body=DEVICE),
    Check("PUT", "/api/devices/AQ-M", DEVICE_ADMINS, body={k: v for k, v in DEVICE.items() if k != "id"}),
    Check("DELETE", "/api/devices/AQ-DEL", DEVICE_ADMINS, ok=204),
    Check("POST", "/api/devices/quarantine/Q-1/adopt", DEVICE_ADMINS, ok=201, body={"kind": "noise"}),
    Check("DELETE", "/api/devices/quarantine/Q-2", DEVICE_ADMINS, ok=204),
    # A JSON body is refused (415) only once the scope check has let the caller in.
    Check("POST", "/api/devices/import", DEVICE_ADMINS, ok=415, body={}),
    Check("PATCH", "/api/grids/V01", GRID_ADMINS, body={"name": "丰乐村"}),
    Check("PUT", "/api/grids/V02/staff", GRID_ADMINS, body=[{"role": "head", "name": "张伟"}]),
    # Acknowledging is the command room's judgement: whoever commands cases.
    Check("POST", f"/api/alerts/{ALERT}/acknowledge", {"admin", "operator"}, body={"note": "seen"}),
]


def _seed(store: Store) -> None:
    town = make_grid("T01", size=0.02, level=GridLevel.TOWN)
    v1 = make_grid("V01", geometry=box(LON - 0.01, LAT - 0.01, LON, LAT + 0.01), level=GridLevel.VILLAGE, parent_code="T01")
    v2 = make_grid("V02", geometry=box(LON, LAT - 0.01, LON + 0.01, LAT + 0.01), level=GridLevel.VILLAGE, parent_code="T01")
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([town, v1, v2])
        uow.teams.upsert_many([make_team("T-MKT-01", platform=Platform.MARKET, status=TeamStatus.BUSY),
                               make_team("T-ENF-01", platform=Platform.ENFORCEMENT)])
        own = uow.cases.add(make_case(platform=Platform.MARKET, status=CaseStatus.DISPATCHED,
                                      grid_path=("T01", "V01"), reporter="张小明", reporter_phone="13812345678"))
        uow.assignments.add(make_assignment(own.id, "T-MKT-01", platform=Platform.MARKET))
        foreign = uow.cases.add(make_case(platform=Platform.ENFORCEMENT, status=CaseStatus.ACCEPTED,
                                          grid_path=("T01", "V02"), lon=LON + 0.005))
        for case in (own, foreign):
            uow.feed.append("case.opened", {"case": {"id": case.id, "platform": str(case.platform),
                                                     "grid_path": list(case.grid_path),
                                                     "reporter_phone": case.reporter_phone}}, at=case.created_at)
        uow.devices.upsert_many([make_device("AQ-M"), make_device("AQ-DEL")])
        uow.quarantine.record_many([QuarantineEntry(device_id=q, topic=f"gridwatch/sensors/{q}/readings",
                                                    first_seen_at=T0, last_seen_at=T0, messages=1, payload_prefix=b"{}",
                                                    lon=LON, lat=LAT) for q in ("Q-1", "Q-2")])
        alert = uow.alerts.add(make_alert(grid_path=("T01", "V01")))
    assert (own.id, foreign.id, alert.id) == (OWN, FOREIGN, ALERT)


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_role_gets_the_right_answer_on_every_route(store: Store, app_client: TestClient, role: str) -> None:
    _seed(store)
    headers = login(app_client, role)
    wrong = []
    for check in CHECKS:
        answer = app_client.request(check.method, check.path, headers=headers, json=check.body)
        if answer.status_code != check.expected(role):
            wrong.append(f"{check.method} {check.path}: {answer.status_code}, expected {check.expected(role)}: "
                         f"{answer.text[:160]}")
    assert wrong == []


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_lists_and_feeds_hold_only_what_the_role_may_see(store: Store, app_client: TestClient, role: str) -> None:
    _seed(store)
    headers = login(app_client, role)
    listed = {c["id"] for c in app_client.get("/api/cases", headers=headers).json()["items"]}
    fed = {e["payload"]["case"]["id"] for e in app_client.get("/api/events", headers=headers).json()["items"]}
    expected = {OWN, FOREIGN} if role in READERS_OF_BOTH else {OWN}
    assert listed == expected and fed == expected
    own = app_client.get(f"/api/cases/{OWN}", headers=headers).json()
    phone = own["reporter_phone"]
    assert phone == ("138****5678" if role == "viewer" else "13812345678")
    assert own["reporter"] == ("张**" if role == "viewer" else "张小明")


def test_no_credentials_or_a_forged_token_get_401(app_client: TestClient) -> None:
    assert app_client.get("/api/cases").status_code == 401
    forged = app_client.get("/api/cases", headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401 and forged.headers["WWW-Authenticate"] == "Bearer"
    assert app_client.get("/healthz").status_code == 200
