"""Escalations reach the city through the outbox: a real HTTP receiver, retries with backoff, once per key."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from cases.handoff.retry import RetryPolicy
from gridwatch.city_handoff import CityDelivery, city_delivery
from gridwatch.jobs_wiring import CITY_HANDOFF, city_handoff_job
from gridwatch.settings import CitySettings, Settings
from storage import Store
from tests.api.city_receiver import BAD_REQUEST, LATE, UNAVAILABLE, CityReceiver, start_receiver
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.factories import T0

SECRET = "city-shared-secret-for-tests"
SEED = 7


class Clock:
    """The one clock of a test: the app stamps with it, the job runs at it; it moves only when told."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(store: Store, tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(), clock=clock)
    app.state.city_secret = SECRET
    app.state.city_webhook_configured = True
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def receiver() -> Iterator[tuple[CityReceiver, str]]:
    city = CityReceiver(secret=SECRET)
    server, url = start_receiver(city)
    try:
        yield city, url
    finally:
        city.release.set()
        server.shutdown()
        server.server_close()


def settings(url: str, **changes: Any) -> CitySettings:
    fields: dict[str, Any] = {"webhook_url": url, "secret": SecretStr(SECRET), "timeout_s": 5.0, "max_attempts": 4,
                              "backoff_base_s": 30.0, "backoff_max_s": 600.0, **changes}
    return CitySettings(**fields)


def escalate(client: TestClient) -> int:
    """Report a case and escalate it through the API as the operator; return its id."""
    headers = login(client, "operator")
    case = client.post("/api/cases", headers=headers, json={
        "title": "主干道下水管破裂", "category": "city_appearance", "lon": 120.0, "lat": 32.3,
        "reporter": "张三", "reporter_phone": "13800000000", "description": "水漫路面"})
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    step = client.post(f"/api/cases/{case_id}/actions/escalate", headers=headers, json={"note": "市政管网归市水务"})
    assert step.status_code == 200, step.text
    return case_id


def outbox(client: TestClient, state: str | None = None) -> dict[str, Any]:
    answer = client.get("/api/city/outbox", params={"state": state} if state else {},
                        headers=login(client, "supervisor"))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_escalation_is_retried_with_backoff_until_the_city_takes_it_once(
        client: TestClient, receiver: tuple[CityReceiver, str], clock: Clock, store: Store) -> None:
    city, url = receiver
    city.plan = [UNAVAILABLE, UNAVAILABLE]
    case_id = escalate(client)
    [message] = outbox(client, "pending")["items"]
    assert (message["case_id"], message["attempts"], message["kind"]) == (case_id, 0, "escalation")
    delivery = city_delivery(store, settings(url), rand=random.Random(SEED).random, clock=clock)
    expected = random.Random(SEED)
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(seconds=600), max_attempts=4)

    assert delivery.run(clock.now).describe() == "1 retry"
    first_retry = clock.now + policy.delay(1, expected.random)
    [message] = outbox(client, "pending")["items"]
    assert message["attempts"] == 1 and message["last_error"].startswith("HTTP 503")
    assert datetime.fromisoformat(message["next_attempt_at"]) == first_retry

    clock.now = first_retry - timedelta(seconds=1)
    assert delivery.run(clock.now).describe() == "no city messages due" and len(city.requests) == 1
    clock.now = first_retry
    assert delivery.run(clock.now).describe() == "1 retry"
    second_retry = clock.now + policy.delay(2, expected.random)
    assert datetime.fromisoformat(outbox(client, "pending")["items"][0]["next_attempt_at"]) == second_retry
    assert second_retry - first_retry >= timedelta(seconds=30)  # the second wait is from the doubled step's upper half

    clock.now = second_retry
    assert delivery.run(clock.now).describe() == "1 delivered"
    assert delivery.run(clock.now + timedelta(hours=1)).describe() == "no city messages due"
    page = outbox(client, "delivered")
    assert page["counts"] == {"pending": 0, "delivered": 1, "failed": 0} and page["webhook_configured"] is True
    [done] = page["items"]
    assert (done["attempts"], done["delivered_at"], done["last_error"]) == (3, second_retry.isoformat(), "")
    key = f"gridwatch-case-{case_id}-escalation-{done['payload']['idempotency_key'].rsplit('-', 1)[1]}"
    assert [r["key"] for r in city.requests] == [key] * 3 and all(r["valid"] for r in city.requests)
    assert city.taken == {key: 1}
    body = city.requests[-1]["body"]
    assert body == done["payload"] and body["case"]["id"] == case_id and body["reason"] == "市政管网归市水务"
    assert "张三" not in repr(body) and "13800000000" not in repr(body)


def test_a_late_acknowledgement_is_retried_with_the_same_key_and_taken_once(
        client: TestClient, receiver: tuple[CityReceiver, str], clock: Clock, store: Store) -> None:
    city, url = receiver
    city.plan = [LATE]  # acted on, then answered only after the sender timed out
    escalate(client)
    delivery = city_delivery(store, settings(url, timeout_s=0.5), rand=lambda: 0.0, clock=clock)
    assert delivery.run(clock.now).describe() == "1 retry"
    city.release.set()
    [message] = outbox(client, "pending")["items"]
    assert message["last_error"].startswith("timeout") and message["attempts"] == 1
    clock.now += timedelta(seconds=15)  # base 30 s with no jitter: half the step
    assert delivery.run(clock.now).describe() == "1 delivered"
    keys = [r["key"] for r in city.requests]
    assert len(keys) == 2 and keys[0] == keys[1] and city.taken == {keys[0]: 1}


def test_a_refusal_gives_up_visibly_and_an_operator_can_send_it_again(
        client: TestClient, receiver: tuple[CityReceiver, str], clock: Clock, store: Store) -> None:
    city, url = receiver
    city.plan = [BAD_REQUEST]
    escalate(client)
    delivery = city_delivery(store, settings(url), rand=lambda: 0.5, clock=clock)
    assert delivery.run(clock.now).describe() == "1 give_up"
    clock.now += timedelta(days=1)
    assert delivery.run(clock.now).describe() == "no city messages due" and len(city.requests) == 1
    [failed] = outbox(client, "failed")["items"]
    assert failed["state"] == "failed" and failed["gave_up_at"] == T0.isoformat()
    assert failed["last_error"].startswith("HTTP 400") and "category unknown" in failed["last_error"]

    retry = f"/api/city/outbox/{failed['id']}/retry"
    assert client.post(retry, headers=login(client, "supervisor")).status_code == 403
    again = client.post(retry, headers=login(client, "operator"))
    assert again.status_code == 200, again.text
    assert (again.json()["state"], again.json()["attempts"]) == ("pending", 0)
    assert client.post(retry, headers=login(client, "operator")).status_code == 409
    assert client.post("/api/city/outbox/999/retry", headers=login(client, "operator")).status_code == 404
    assert delivery.run(clock.now).describe() == "1 delivered"


def test_the_retries_end_after_the_last_allowed_attempt(
        client: TestClient, receiver: tuple[CityReceiver, str], clock: Clock, store: Store) -> None:
    city, url = receiver
    city.plan = [UNAVAILABLE] * 5
    escalate(client)
    delivery = city_delivery(store, settings(url, max_attempts=2), rand=lambda: 1.0, clock=clock)
    assert delivery.run(clock.now).describe() == "1 retry"
    clock.now += timedelta(seconds=30)
    assert delivery.run(clock.now).describe() == "1 give_up"
    [failed] = outbox(client, "failed")["items"]
    assert failed["attempts"] == 2 and "gave up after 2 attempts" in failed["last_error"]


def test_an_unreachable_city_is_retried(client: TestClient, clock: Clock, store: Store) -> None:
    escalate(client)
    # Port 9 on loopback: nothing listens, so the connection is refused at once.
    delivery = city_delivery(store, settings("http://127.0.0.1:9/webhook"), rand=lambda: 0.0, clock=clock)
    assert delivery.run(clock.now).describe() == "1 retry"
    assert outbox(client, "pending")["items"][0]["last_error"].startswith("no answer: ConnectError")


def test_without_a_webhook_escalations_wait_and_the_backlog_shows(client: TestClient, clock: Clock,
                                                                 store: Store) -> None:
    escalate(client)
    client.app.state.city_webhook_configured = False  # type: ignore[attr-defined]
    delivery = city_delivery(store, CitySettings(webhook_url="", secret=SecretStr(SECRET)), clock=clock)
    assert delivery.run(clock.now).describe() == "no city webhook or secret configured; 1 messages wait"
    page = outbox(client)
    assert page["counts"]["pending"] == 1 and page["webhook_configured"] is False
    assert client.get("/api/city/outbox", headers=login(client, "viewer")).status_code == 403


def test_the_worker_schedules_the_city_handoff_job_at_its_interval(store: Store) -> None:
    job = city_handoff_job(store, Settings(city=CitySettings(delivery_interval_seconds=42)))
    assert job.name == CITY_HANDOFF and job.interval == timedelta(seconds=42) and not job.per_process
    assert isinstance(city_delivery(store, CitySettings()), CityDelivery)
    assert job.run(T0) == "no city webhook or secret configured; 0 messages wait"
