"""The edges of access: API keys, rate limits, idle sessions, uploads, retention, and the identity of the caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from access.models import Role
from access.service import create_api_key
from api.app import create_app
from gridwatch.settings import Settings
from storage import Store
from tests.api.conftest import PASSWORD, POLICY, ManualClock, add_accounts, login
from tests.factories import make_case, make_grid

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
REPORT = {"title": "路灯损坏", "category": "city_appearance", "lon": 120.0, "lat": 32.3}


def test_an_open311_api_key_reports_as_a_citizen_and_a_bad_key_is_refused(store: Store, app_client: TestClient) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid()])
        _, secret = create_api_key(keys=uow.api_keys, name="open311-app", role=Role.GRID_STAFF, grid_codes=("T01",),
                                   now=datetime.now(UTC))
    created = app_client.post("/api/cases", json=REPORT, headers={"X-API-Key": secret})
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "citizen" and created.json()["events"][0]["actor"] == "apikey:open311-app"
    posing = app_client.post("/api/cases", json={**REPORT, "source": "hotline"}, headers={"X-API-Key": secret})
    assert posing.status_code == 403 and "'source'" in posing.json()["detail"]
    assert app_client.post("/api/cases", json=REPORT, headers={"X-API-Key": secret + "x"}).status_code == 401
    assert app_client.post("/api/cases", json=REPORT, headers={"X-API-Key": "gwk_nope.nope"}).status_code == 401


def test_grid_staff_cannot_claim_another_source(app_client: TestClient) -> None:
    answer = app_client.post("/api/cases", json={**REPORT, "source": "sensor"}, headers=login(app_client, "staff"))
    assert answer.status_code == 403 and "'source'" in answer.json()["detail"]


def test_rapid_logins_from_one_address_are_rate_limited_until_a_token_refills(store: Store, tmp_path: Path) -> None:
    clock = ManualClock()
    with TestClient(create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=clock)) as client:
        def attempt() -> tuple[int, str | None]:
            answer = client.post("/api/auth/token", data={"username": "nobody", "password": "x"})
            return answer.status_code, answer.headers.get("Retry-After")

        assert [attempt() for _ in range(11)] == [(401, None)] * 10 + [(429, "5")]
        # 0.2 logins a second: the next token is 5 s away, and not one moment earlier.
        clock.advance(4.9)
        assert attempt() == (429, "1")
        clock.advance(0.1)
        assert [attempt(), attempt()] == [(401, None), (429, "5")]


def test_case_intake_is_rate_limited_per_caller(store: Store, tmp_path: Path) -> None:
    add_accounts(store)
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid()])
    clock = ManualClock()
    with TestClient(create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=clock)) as client:
        headers = login(client, "staff")
        codes = [client.post("/api/cases", json=REPORT, headers=headers).status_code for _ in range(31)]
        assert codes == [201] * 30 + [429]
        clock.advance(1.0)
        assert [client.post("/api/cases", json=REPORT, headers=headers).status_code for _ in range(2)] == [201, 429]
        # Another caller is not held back by the first one's burst.
        assert client.post("/api/cases", json=REPORT, headers=login(client, "operator")).status_code == 201


def test_a_session_idle_past_the_timeout_cannot_be_refreshed(store: Store, tmp_path: Path) -> None:
    add_accounts(store)
    now = [datetime.now(UTC)]
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, clock=lambda: now[0])
    with TestClient(app) as client:
        tokens = client.post("/api/auth/token", data={"username": "viewer", "password": PASSWORD}).json()
        now[0] += POLICY.idle_timeout + timedelta(seconds=1)
        late = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert late.status_code == 401 and "expired" in late.json()["detail"]


@pytest.mark.parametrize(("data", "status", "fragment"), [
    (JPEG, 201, ""),
    (b"%PDF-1.7 not a photo", 415, "not an accepted type"),
    (b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 1), 413, "larger than 1 MB"),
])
def test_uploads_are_checked_for_size_and_real_type(store: Store, tmp_path: Path, data: bytes, status: int,
                                                    fragment: str) -> None:
    add_accounts(store)
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case())
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, upload_max_bytes=1024 * 1024)
    with TestClient(app) as client:
        headers = login(client, "operator")
        answer = client.post(f"/api/cases/{case.id}/attachments", headers=headers,
                             files={"file": ("photo.jpg", data, "image/jpeg")})
        assert answer.status_code == status, answer.text
        assert fragment in answer.text
        if status == 201:
            sha = answer.json()["data"]["sha256"]
            got = client.get(f"/api/cases/{case.id}/attachments/{sha}", headers=headers)
            assert got.status_code == 200 and got.content == data and got.headers["content-type"] == "image/jpeg"
            # A platform member of another platform cannot reach the case, nor its files.
            outsider = client.get(f"/api/cases/{case.id}/attachments/{sha}", headers=login(client, "member"))
            assert outsider.status_code == 404


def test_a_declared_oversize_body_is_refused_before_it_is_read_and_pages_carry_security_headers(
        app_client: TestClient) -> None:
    headers = {**login(app_client, "operator"), "Content-Length": str(50 * 1024 * 1024), "Content-Type": "image/jpeg"}
    answer = app_client.post("/api/cases/1/attachments", headers=headers, content=b"x")
    assert answer.status_code == 413 and "request body" in answer.json()["detail"]
    page = app_client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert app_client.get("/api/grids/%00", headers=login(app_client, "viewer")).status_code == 422


def test_a_lock_that_ran_out_gives_a_fresh_count(store: Store, tmp_path: Path) -> None:
    add_accounts(store)
    now = [datetime.now(UTC)]
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, clock=lambda: now[0])
    app.state.login_limiter.burst = 1000
    with TestClient(app) as client:
        for _ in range(5):
            client.post("/api/auth/token", data={"username": "viewer", "password": "wrong"})
        assert client.post("/api/auth/token", data={"username": "viewer", "password": PASSWORD}).status_code == 423
        now[0] += timedelta(minutes=16)
        assert client.post("/api/auth/token", data={"username": "viewer", "password": "wrong"}).status_code == 401
        assert client.post("/api/auth/token", data={"username": "viewer", "password": PASSWORD}).status_code == 200


def test_audit_retention_below_six_months_is_refused() -> None:
    with pytest.raises(ValidationError, match="audit_retention_days"):
        Settings(audit_retention_days=90)
    assert Settings().audit_retention_days == 180
