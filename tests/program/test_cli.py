"""The gridwatch command: town generate/load and db upgrade against a real embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridwatch.cli import app
from storage import open_store

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_db_upgrade_applies_then_reports_up_to_date(env: Path) -> None:
    first = runner.invoke(app, ["db", "upgrade"])
    second = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0 and "applied 0001_initial" in first.output
    assert second.exit_code == 0 and "up to date" in second.output


def test_generated_town_loads_into_the_store(env: Path) -> None:
    generated = runner.invoke(app, ["town", "generate", "--seed", "3", "--out", str(env / "town")])
    assert generated.exit_code == 0, generated.output
    loaded = runner.invoke(app, ["town", "load", str(env / "town")])
    assert loaded.exit_code == 0, loaded.output
    store = open_store(f"sqlite:///{env}/cli.db")
    try:
        with store.unit_of_work() as uow:
            assert uow.grids.count() > 250 and uow.cameras.count() > 600 and len(uow.teams.all()) >= 16
    finally:
        store.close()


def test_a_broken_town_file_is_refused_with_file_and_line_and_nothing_loaded(env: Path) -> None:
    runner.invoke(app, ["town", "generate", "--seed", "3", "--out", str(env / "town")])
    sensors = env / "town" / "sensors.csv"
    lines = sensors.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[3] = "abc"  # the lon column
    lines[3] = ",".join(fields)
    sensors.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["town", "load", str(env / "town")])
    assert refused.exit_code == 2
    assert "sensors.csv line 4" in refused.output and "abc" in refused.output
    store = open_store(f"sqlite:///{env}/cli.db")
    try:
        with store.unit_of_work() as uow:
            assert uow.grids.count() == 0
    finally:
        store.close()


def test_account_changes_from_the_command_line_are_audited(env: Path) -> None:
    added = runner.invoke(app, ["users", "add", "zhang", "--role", "operator", "--password", "Gridwatch-Cli-2026"])
    assert added.exit_code == 0, added.output
    weak = runner.invoke(app, ["users", "add", "li", "--role", "viewer", "--password", "short"])
    assert weak.exit_code == 2 and "password" in weak.output
    assert runner.invoke(app, ["users", "reset", "zhang", "--password", "Gridwatch-Cli-2027"]).exit_code == 0
    store = open_store(f"sqlite:///{env}/cli.db")
    try:
        with store.unit_of_work() as uow:
            actions = [(e.action, e.target) for e in uow.audit.entries()]
    finally:
        store.close()
    assert actions == [("users.add", "username=zhang"), ("users.reset", "username=zhang")]
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "2 entries" in verified.output


def test_a_revoked_api_key_and_a_disabled_user_stop_working(env: Path) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    runner.invoke(app, ["users", "add", "wang", "--role", "viewer", "--password", "Gridwatch-Cli-2026"])
    created = runner.invoke(app, ["apikeys", "add", "open311", "--role", "viewer"])
    secret = created.output.strip().splitlines()[-1]
    key_id = secret.removeprefix("gwk_").split(".")[0]
    store = open_store(f"sqlite:///{env}/cli.db")
    try:
        with TestClient(create_app(store=store, data_dir=env)) as client:
            assert client.get("/api/teams", headers={"X-API-Key": secret}).status_code == 200
            token = client.post("/api/auth/token", data={"username": "wang", "password": "Gridwatch-Cli-2026"}).json()
            bearer = {"Authorization": f"Bearer {token['access_token']}"}
            assert runner.invoke(app, ["apikeys", "revoke", key_id]).exit_code == 0
            assert runner.invoke(app, ["users", "disable", "wang"]).exit_code == 0
            assert client.get("/api/teams", headers={"X-API-Key": secret}).status_code == 401
            assert client.get("/api/teams", headers=bearer).status_code == 401
            assert client.post("/api/auth/token", data={"username": "wang", "password": "Gridwatch-Cli-2026"}).status_code == 401
        assert key_id in runner.invoke(app, ["apikeys", "list"]).output
    finally:
        store.close()


@pytest.mark.parametrize("bind, args, expected", [
    ("127.0.0.1:8000", [], ("127.0.0.1", 8000)),
    ("0.0.0.0:9123", [], ("0.0.0.0", 9123)),
    ("0.0.0.0:9123", ["--port", "0"], ("0.0.0.0", 0)),
])
def test_demo_listens_where_gridwatch_http_bind_says_unless_port_is_given(
        env: Path, monkeypatch: pytest.MonkeyPatch, bind: str, args: list[str], expected: tuple[str, int]) -> None:
    import gridwatch.demo

    started: list[tuple[str, int]] = []
    monkeypatch.setenv("GRIDWATCH_HTTP_BIND", bind)
    monkeypatch.setattr(gridwatch.demo, "run_demo",
                        lambda settings, *, port, **_: started.append((settings.http_host, port)))
    result = runner.invoke(app, ["demo", *args])
    assert result.exit_code == 0, result.output
    assert started == [expected]
