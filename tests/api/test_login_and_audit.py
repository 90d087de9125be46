"""Login, lockout, refresh and logout, and the audit trail they and every state change leave."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gridwatch.cli import app as cli
from storage import Store
from tests.api.conftest import PASSWORD, login


def _entries(client: TestClient) -> list[dict]:
    return client.get("/api/audit?limit=1000", headers=login(client, "admin")).json()["items"]


def test_five_failures_lock_the_account_and_every_attempt_is_audited(app_client: TestClient) -> None:
    for _ in range(5):
        assert app_client.post("/api/auth/token", data={"username": "operator", "password": "wrong"}).status_code == 401
    locked = app_client.post("/api/auth/token", data={"username": "operator", "password": PASSWORD})
    assert locked.status_code == 423 and "locked until" in locked.json()["detail"]
    logins = [e for e in _entries(app_client) if e["action"] == "POST /api/auth/token" and e["actor"] == "operator"]
    assert [e["outcome"] for e in logins] == ["locked"] + ["unauthenticated"] * 5
    assert all(e["source_ip"] for e in logins)


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_login_with_a_nul_is_refused_naming_the_field_and_audited_with_the_name_escaped(app_client: TestClient,
                                                                                          field: str) -> None:
    form = {"username": "admin", "password": PASSWORD, field: f"adm\x00in-{field}"}
    answer = app_client.post("/api/auth/token", data=form)
    assert answer.status_code == 422 and answer.json()["detail"] == f"form field '{field}': contains a NUL character"
    refused = [e for e in _entries(app_client) if e["action"] == "POST /api/auth/token" and e["outcome"] == "invalid"]
    name = "adm\\x00in-username" if field == "username" else "admin"
    assert [(e["actor"], e["detail"]) for e in refused] == [(name, {"status": 422, "username": name})]
    assert app_client.get("/api/audit/verify", headers=login(app_client, "admin")).json()["ok"] is True


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(app_client: TestClient) -> None:
    first = app_client.post("/api/auth/token", data={"username": "viewer", "password": PASSWORD}).json()
    second = app_client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    reused = app_client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and "already used" in reused.json()["detail"]
    # The leak ends the whole session: the newest refresh token and its access token stop working too.
    assert app_client.post("/api/auth/refresh", json={"refresh_token": second.json()["refresh_token"]}).status_code == 401
    headers = {"Authorization": f"Bearer {second.json()['access_token']}"}
    assert app_client.get("/api/cases", headers=headers).status_code == 401


def test_logout_ends_access_at_once(app_client: TestClient) -> None:
    headers = login(app_client, "operator")
    assert app_client.post("/api/auth/logout", headers=headers).status_code == 204
    assert app_client.get("/api/cases", headers=headers).status_code == 401


def test_state_changes_and_personal_reads_are_audited_with_who_role_where_what_outcome(app_client: TestClient) -> None:
    headers = login(app_client, "operator")
    report = {"title": "噪声", "category": "noise_nuisance", "lon": 120.0, "lat": 32.3, "reporter_phone": "13800000000"}
    case_id = app_client.post("/api/cases", json=report, headers=headers).json()["id"]
    app_client.get(f"/api/cases/{case_id}", headers=headers)
    app_client.post(f"/api/cases/{case_id}/actions/close", json={}, headers=headers)
    app_client.get(f"/api/cases/{case_id}", headers=login(app_client, "viewer"))
    entries = _entries(app_client)
    by_action = {(e["action"], e["outcome"]): e for e in entries}
    created = by_action[("POST /api/cases", "ok")]
    assert (created["actor"], created["role"]) == ("operator", "operator") and created["source_ip"]
    assert by_action[("GET /api/cases/{case_id}", "ok")]["target"] == f"case_id={case_id}"
    refused = by_action[("POST /api/cases/{case_id}/actions/{action}", "refused")]
    assert refused["target"] == f"action=close case_id={case_id}" and refused["detail"]["status"] == 409
    # A viewer reads the case masked: no personal data was disclosed, so nothing to audit.
    assert not [e for e in entries if e["actor"] == "viewer" and e["action"].startswith("GET")]
    assert app_client.get("/api/audit/verify", headers=login(app_client, "admin")).json()["ok"] is True


def _tamper(store: Store, sql: str) -> None:
    """Change the audit table behind the app's back, as someone with the database files or superuser would."""
    if store.name == "sqlite":
        conn = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        conn.execute(sql)
        conn.close()
        return
    import psycopg

    with psycopg.connect(store.url, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        conn.execute(sql)
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")


@pytest.mark.parametrize(("sql", "problem"), [
    ("UPDATE audit_log SET outcome = 'ok' WHERE id = 2", "edited"),
    ("DELETE FROM audit_log WHERE id = 2", "missing"),
])
def test_audit_verify_detects_an_edited_and_a_deleted_entry(store: Store, app_client: TestClient,
                                                            monkeypatch: pytest.MonkeyPatch, sql: str, problem: str) -> None:
    for _ in range(3):
        app_client.post("/api/auth/token", data={"username": "viewer", "password": "wrong"})
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store.url)
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0
    _tamper(store, sql)
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1 and "entry 2" in result.output and problem in result.output


def test_the_audit_log_refuses_update_and_delete_even_from_the_owner(store: Store, app_client: TestClient) -> None:
    app_client.post("/api/auth/token", data={"username": "viewer", "password": "wrong"})
    for sql in ("UPDATE audit_log SET outcome = 'ok'", "DELETE FROM audit_log"):
        if store.name == "sqlite":
            conn = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None)
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
            conn.close()
        else:
            import psycopg

            with psycopg.connect(store.url, autocommit=True) as conn, pytest.raises(psycopg.Error, match="append-only"):
                conn.execute(sql)


@pytest.mark.parametrize(("sql", "expected"), [
    ("UPDATE audit_head SET last_id = 2, last_hash = (SELECT hash FROM audit_log WHERE id = 2)",
     "audit head record wrong: the head record was rewound: it points at entry 2 but entries 3–5 follow it and "
     "chain correctly"),
    ("DELETE FROM audit_log WHERE id > 3",
     "audit chain broken at entry 4: entries after 3 were deleted: the chain ends at entry 3 but the head says 5"),
], ids=["rewound-head", "cut-tail"])
def test_audit_verify_tells_a_rewound_head_from_a_cut_tail(store: Store, app_client: TestClient,
                                                          monkeypatch: pytest.MonkeyPatch, sql: str, expected: str) -> None:
    for _ in range(5):
        app_client.post("/api/auth/token", data={"username": "nobody", "password": "wrong"})
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store.url)
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0
    _tamper(store, sql)
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1 and expected in " ".join(result.output.split()), result.output
