"""`gridwatch users list` says who can log in (active, disabled, locked until when) and when each last did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import gridwatch.cli_access
from access.errors import AccessError
from access.models import Role
from access.service import MAX_FAILED_LOGINS, create_user, login
from access.tokens import TokenPolicy
from gridwatch.cli import app
from gridwatch.zone import BEIJING
from storage import Store, open_store

runner = CliRunner()
PASSWORD = "Gridwatch-List-2026"
POLICY = TokenPolicy(secret="s" * 48)


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setattr(gridwatch.cli_access, "console", Console(width=300))
    return store_url


def _login(store: Store, username: str, password: str, now: datetime) -> None:
    with store.unit_of_work() as uow:
        login(users=uow.users, sessions=uow.sessions, policy=POLICY, username=username, password=password,
              source_ip="127.0.0.1", now=now)


def _try_login(store: Store, username: str, password: str, now: datetime) -> None:
    # The failure count is written in the same unit of work, which must commit despite the refusal.
    with store.unit_of_work() as uow:
        try:
            login(users=uow.users, sessions=uow.sessions, policy=POLICY, username=username, password=password,
                  source_ip="127.0.0.1", now=now)
        except AccessError:
            pass


def test_login_stores_when_the_account_last_logged_in(store: Store) -> None:
    first, second = datetime(2026, 11, 23, 1, 0, tzinfo=UTC), datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    with store.unit_of_work() as uow:
        create_user(users=uow.users, username="zhao", password=PASSWORD, role=Role.OPERATOR, now=first)
        assert uow.users.get("zhao").last_login_at is None  # type: ignore[union-attr]
    _login(store, "zhao", PASSWORD, first)
    _login(store, "zhao", PASSWORD, second)
    _try_login(store, "zhao", "wrong-password", second + timedelta(hours=1))
    with store.unit_of_work() as uow:
        assert uow.users.get("zhao").last_login_at == second  # type: ignore[union-attr]


def test_users_list_shows_status_and_last_login_in_beijing_time(cli_store: str) -> None:
    for name in ("active-one", "disabled-one", "locked-one", "new-one"):
        added = runner.invoke(app, ["users", "add", name, "--role", "viewer", "--password", PASSWORD])
        assert added.exit_code == 0, added.output
    now = datetime.now(UTC)
    store = open_store(cli_store)
    try:
        _login(store, "active-one", PASSWORD, datetime(2026, 11, 23, 17, 30, 5, tzinfo=UTC))
        _login(store, "disabled-one", PASSWORD, datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
        for _ in range(MAX_FAILED_LOGINS):
            _try_login(store, "locked-one", "wrong-password", now)
        with store.unit_of_work() as uow:
            locked_until = uow.users.get("locked-one").locked_until  # type: ignore[union-attr]
    finally:
        store.close()
    assert runner.invoke(app, ["users", "disable", "disabled-one"]).exit_code == 0
    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0, listed.output
    header, *lines = [line for line in listed.output.splitlines() if "│" in line or "┃" in line]
    columns = [cell.strip() for cell in header.strip("┃ ").split("┃")]
    assert columns[-2:] == ["status", "last login (Beijing)"]
    rows = {cells[0]: cells[-2:] for cells in ([c.strip() for c in line.strip("│ ").split("│")] for line in lines)}
    assert locked_until is not None
    until = locked_until.astimezone(BEIJING).isoformat(sep=" ", timespec="seconds")
    assert rows == {
        # 17:30 UTC on the 23rd is half past one on the 24th in Beijing.
        "active-one": ["active", "2026-11-24 01:30:05+08:00"],
        "disabled-one": ["disabled", "2026-11-20 10:00:00+08:00"],
        "locked-one": [f"locked until {until}", "never"],
        "new-one": ["active", "never"],
    }
