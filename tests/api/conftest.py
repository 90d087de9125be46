"""Fixtures for API tests: the app on a real store, accounts of every role, and logging in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from access.models import Role
from access.service import create_user
from access.tokens import TokenPolicy
from api.app import create_app
from cases.models import Platform
from storage import Store

PASSWORD = "Gridwatch-Test-2026"
POLICY = TokenPolicy(secret="tests-only-secret-0123456789-0123456789-abcdef")

# username → (role, platform, team, grid codes)
ACCOUNTS: dict[str, tuple[Role, Platform | None, str | None, tuple[str, ...]]] = {
    "admin": (Role.ADMIN, None, None, ()),
    "operator": (Role.OPERATOR, None, None, ()),
    "member": (Role.PLATFORM_MEMBER, Platform.MARKET, "T-MKT-01", ()),
    "staff": (Role.GRID_STAFF, None, None, ("V01",)),
    "supervisor": (Role.SUPERVISOR, None, None, ()),
    "viewer": (Role.VIEWER, None, None, ()),
}


class ManualClock:
    """A monotonic clock in seconds that moves only when a test says so: rate limits never refill by slowness."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


def add_accounts(store: Store) -> None:
    """Create one account per role, all with PASSWORD."""
    now = datetime.now(UTC)
    with store.unit_of_work() as uow:
        for username, (role, platform, team, grids) in ACCOUNTS.items():
            create_user(users=uow.users, username=username, password=PASSWORD, role=role, platform=platform,
                        team_id=team, grid_codes=grids, display_name=username.title(), now=now)


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in and return the Authorization header."""
    answer = client.post("/api/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def app_client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Yield a client of the app on the test store, with one account per role."""
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock())
    with TestClient(app) as client:
        yield client
