"""/healthz: cheap figures, and "alerts today" counts from midnight Beijing time on the app's clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from alerts.models import AlertStatus
from api.app import create_app
from api.routes.health import start_of_local_day
from cases.models import CaseStatus
from storage import Store
from tests.api.conftest import POLICY
from tests.factories import make_alert, make_case, make_device, make_reading

# 00:30 on 2 May in Beijing is still 1 May in UTC (16:30), so a UTC day would count the wrong alerts.
NOW = datetime(2024, 5, 1, 16, 30, tzinfo=UTC)


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Yield a client of the app whose clock stands at NOW."""
    with TestClient(create_app(store=store, token_policy=POLICY, data_dir=tmp_path, clock=lambda: NOW)) as c:
        yield c


def test_start_of_local_day_is_midnight_in_beijing() -> None:
    assert start_of_local_day(NOW) == datetime(2024, 5, 1, 16, 0, tzinfo=UTC)
    assert start_of_local_day(datetime(2024, 5, 1, 15, 59, tzinfo=UTC)) == datetime(2024, 4, 30, 16, 0, tzinfo=UTC)


def test_alerts_today_leaves_out_alerts_raised_yesterday_in_beijing(store: Store, client: TestClient) -> None:
    yesterday_late = NOW - timedelta(minutes=31)  # 23:59 on 1 May, Beijing
    today = [NOW - timedelta(minutes=30), NOW - timedelta(minutes=1)]  # 00:00 and 00:29 on 2 May
    with store.unit_of_work() as uow:
        for n, when in enumerate((yesterday_late, *today)):
            uow.alerts.add(make_alert(f"aq-{n}", raised_at=when, last_seen_at=when))
        uow.alerts.add(make_alert("aq-acked", raised_at=today[0], last_seen_at=today[0],
                                  status=AlertStatus.ACKNOWLEDGED))
        uow.alerts.add(make_alert("aq-cleared", raised_at=today[0], last_seen_at=today[0], status=AlertStatus.CLEARED))
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["counts"]["alerts_today"] == 4
    assert body["counts"]["open_alerts"] == 4  # raised or acknowledged: not cleared


def test_healthz_says_when_the_newest_reading_came_and_counts_open_cases(store: Store, client: TestClient) -> None:
    assert client.get("/healthz").json()["last_reading_at"] is None
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("aq-001")])
        uow.readings.add_many([make_reading("aq-001", ts=NOW - timedelta(seconds=s)) for s in (9, 3)])
        for status in (CaseStatus.REPORTED, CaseStatus.DISPATCHED, CaseStatus.VERIFIED, CaseStatus.CLOSED):
            uow.cases.add(make_case(status=status))
    body = client.get("/healthz").json()
    assert (body["counts"]["open_cases"], body["counts"]["dispatched"]) == (3, 1)
    assert body["last_reading_at"] == (NOW - timedelta(seconds=3)).isoformat()
    assert set(body["counts"]) == {"open_cases", "dispatched", "alerts_today", "open_alerts", "dead_letters"}
