"""Schemathesis drives every operation of the OpenAPI document with an operator's token and holds each answer
to what the document says: no 5xx, only documented statuses and content types, bodies that fit their models."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from access.ratelimit import RateLimiter
from api.app import create_app
from api.serialize import case_dict
from gridwatch.towns import load_town
from iot.quarantine import sighting
from storage import Store
from tests.api.conftest import POLICY, add_accounts, login
from tests.factories import make_alert, make_case, make_dead_letter, make_event

pytestmark = pytest.mark.timeout(300)
# Bounded: a few examples per operation keep the whole run to about a minute on a 2-core machine.
EXAMPLES_PER_OPERATION = 12
# Every answer is held to its documented status, content type and schema, not only "no 5xx".
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def seed(store: Store, town: Any) -> None:
    """Load a town, one account per role, and a record of each kind a list route answers with."""
    load_town(store, town)
    add_accounts(store)
    now = datetime.now(UTC)
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case(created_at=now, updated_at=now))
        assert case.id is not None
        uow.cases.append_event(make_event(case.id))
        uow.alerts.add(make_alert(case_id=case.id))
        uow.dead_letters.add(make_dead_letter(payload=b"\xff{not json"))
        uow.feed.append("case.opened", {"case": case_dict(case)}, at=now)
        uow.quarantine.record_many([sighting(device_id="NS-NEW", topic="gridwatch/sensors/NS-NEW/readings",
                                             payload=b'{"values": {"db": 61}, "lon": 120.1, "lat": 32.3}', at=now)])


def open_app(store: Store, data_dir: Path) -> FastAPI:
    """Return the app with limits no fuzzer reaches (the limits are tested on their own: test_access_edges.py)."""
    app = create_app(store=store, token_policy=POLICY, data_dir=data_dir)
    # The fuzzer logs in per operation and posts to the token route itself.
    app.state.login_limiter = RateLimiter(name="login", rate_per_s=1000, burst=100_000, clock=time.monotonic)
    # The intake routes share a bucket that refills by the wall clock: with it on, which posts got a 429 (and
    # whether a failing example failed again on replay) depended on the machine's speed.
    app.state.intake_limiter = RateLimiter(name="case intake", rate_per_s=1000, burst=100_000, clock=time.monotonic)
    app.state.rating_limiter = RateLimiter(name="rating", rate_per_s=1000, burst=100_000, clock=time.monotonic)
    return app


# Ids of records the seed holds (the seeded case, the town of seed 7's teams and grids) and the formats: a random
# text id only ever meets 404, so most examples of a route with one of these in its path use a seeded one instead,
# and the answers past the 404 are held to the document.
KNOWN_IDS: dict[str, tuple[str | int, ...]] = {"device_id": ("AQ-001", "AQ-002", "NS-NEW"), "case_id": (1, 1),
                                               "team_id": ("T-GOV-01", "T-GOV-02"),
                                               "code": ("321283101", "321283101001"), "fmt": ("json", "xml")}


def fuzz(app: FastAPI, schema: Any, *, examples: int, headers: Callable[[TestClient], dict[str, str]]
         ) -> tuple[list[str], list[int]]:
    """Run CHECKS on examples of every operation of schema; return the failures and the statuses seen."""
    # Schemathesis' pytest plugin does not run under pytest 9 yet, so its strategies are driven here directly.
    failures: list[str] = []
    statuses: list[int] = []
    with TestClient(app) as client:
        for operation in [result.ok() for result in schema.get_all_operations()]:
            # A fresh session per operation: fuzzing /api/auth/logout would otherwise end it for all the rest.
            session_headers = headers(client)

            @given(case=operation.as_strategy(), pick=st.integers(0, 3))
            @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def exercise(case, pick: int) -> None:  # type: ignore[no-untyped-def]
                for name, ids in KNOWN_IDS.items():
                    if case.path_parameters and name in case.path_parameters and pick < len(ids):
                        case.path_parameters[name] = ids[pick]
                response = case.call_and_validate(headers=session_headers, checks=CHECKS)
                statuses.append(response.status_code)

            try:
                exercise()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect all, then report together
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    return failures, statuses


@pytest.fixture(scope="session")
def small_town():  # type: ignore[no-untyped-def]
    from town.generate import generate_town

    return generate_town(7)


@pytest.fixture
def fuzz_app(store, tmp_path: Path, small_town):  # type: ignore[no-untyped-def]
    seed(store, small_town)
    yield open_app(store, tmp_path)


@pytest.fixture
def api_schema(fuzz_app):  # type: ignore[no-untyped-def]
    # The stream never ends, so it is tested by the end-to-end tests instead.
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app).exclude(path="/api/events/stream")


def test_no_operation_answers_5xx_or_breaks_its_schema(api_schema, fuzz_app) -> None:  # type: ignore[no-untyped-def]
    assert len(list(api_schema.get_all_operations())) > 20
    failures, statuses = fuzz(fuzz_app, api_schema, examples=EXAMPLES_PER_OPERATION,
                              headers=lambda client: login(client, "operator"))
    assert failures == []
    # Most answers must be real ones, not the same refusal: otherwise nothing past the gate was tested.
    assert sum(s < 400 for s in statuses) > len(statuses) / 3, sorted(set(statuses))


# Answers on the seeded store that random ids and filters rarely reach: each record kind in each shape.
SEEDED_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/cases/{case_id}", {"path_parameters": {"case_id": 1}}),
    ("GET", "/api/cases", {"query": {"format": "geojson"}}),
    ("GET", "/api/alerts", {"query": {"format": "geojson"}}),
    ("GET", "/api/alerts/{alert_id}", {"path_parameters": {"alert_id": 1}}),
    ("GET", "/api/dead-letters", {}),
    ("GET", "/api/events", {}),
    ("GET", "/api/audit", {}),
    ("GET", "/api/grids", {"query": {"format": "geojson", "limit": 20}}),
    ("GET", "/api/grids", {"query": {"level": 3, "limit": 5}}),
    ("GET", "/api/teams", {"query": {"format": "geojson"}}),
    ("GET", "/api/cameras", {"query": {"format": "geojson", "limit": 20}}),
    ("GET", "/api/devices", {"query": {"format": "geojson", "limit": 20}}),
    ("GET", "/api/devices/{device_id}", {"path_parameters": {"device_id": "AQ-001"}}),
    ("GET", "/api/devices/quarantine", {}),
    ("POST", "/api/devices", {"body": {"id": "CC-900", "kind": "cold_chain", "name": "冷链车", "mobile": True}}),
    ("PUT", "/api/devices/{device_id}", {"path_parameters": {"device_id": "AQ-002"},
                                         "body": {"kind": "air_quality", "name": "改名", "lon": 120.0, "lat": 32.3}}),
    ("POST", "/api/devices/quarantine/{device_id}/adopt", {"path_parameters": {"device_id": "NS-NEW"}, "body": {}}),
    ("POST", "/api/cases/{case_id}/actions/{action}", {"path_parameters": {"case_id": 1, "action": "accept"},
                                                       "body": {"note": "seen"}}),
    ("POST", "/api/cases/{case_id}/actions/{action}", {"path_parameters": {"case_id": 1, "action": "dispatch"},
                                                       "body": {}}),
    ("GET", "/api/cases/{case_id}", {"path_parameters": {"case_id": 1}}),
    ("GET", "/api/audit/verify", {}),
    ("GET", "/api/users", {}),
]


def test_seeded_records_of_every_kind_fit_their_models(api_schema, fuzz_app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(fuzz_app) as client:
        headers = login(client, "admin")
    answered = []
    for method, path, parts in SEEDED_CALLS:
        case = api_schema[path][method].Case(**parts)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code < 300, (method, path, response.text)
        answered.append(response.json())
    # The records were there to be checked, not an empty page.
    assert all(answer.get("items", answer.get("features", [None])) for answer in answered), answered
    dispatched, detail = answered[-4], answered[-3]
    assert dispatched["team"] is not None and detail["events"][-1]["action"] == "dispatch"
