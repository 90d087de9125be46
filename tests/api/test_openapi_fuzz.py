"""Schemathesis drives every operation of the OpenAPI document with an operator's token: no 5xx, no schema breaks."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from access.ratelimit import RateLimiter
from api.app import create_app
from gridwatch.towns import load_town
from tests.api.conftest import POLICY, add_accounts, login
from tests.factories import make_case

pytestmark = pytest.mark.timeout(300)
# Bounded: a few examples per operation keep the whole run to about a minute on a 2-core machine.
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def fuzz_app(store, tmp_path: Path, small_town):  # type: ignore[no-untyped-def]
    load_town(store, small_town)
    add_accounts(store)
    with store.unit_of_work() as uow:
        uow.cases.add(make_case(created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path)
    # The fuzzer logs in per operation and posts to the token route itself; limits are tested on their own.
    app.state.login_limiter = RateLimiter(name="login", rate_per_s=1000, burst=100_000, clock=time.monotonic)
    yield app


@pytest.fixture(scope="session")
def small_town():  # type: ignore[no-untyped-def]
    from town.generate import generate_town

    return generate_town(7)


@pytest.fixture
def api_schema(fuzz_app):  # type: ignore[no-untyped-def]
    # The stream never ends, so it is tested by the end-to-end tests instead.
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app).exclude(path="/api/events/stream")


def test_no_operation_answers_5xx_or_breaks_its_schema(api_schema, fuzz_app) -> None:  # type: ignore[no-untyped-def]
    # Schemathesis' pytest plugin does not run under pytest 9 yet, so its strategies are driven here directly.
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20
    with TestClient(fuzz_app) as client:
        for operation in operations:
            # A fresh session per operation: fuzzing /api/auth/logout would otherwise end it for all the rest.
            session_headers = [login(client, "operator")]

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def exercise(case) -> None:  # type: ignore[no-untyped-def]
                response = case.call_and_validate(headers=session_headers[0],
                                                  checks=[not_a_server_error, response_schema_conformance])
                statuses.append(response.status_code)

            try:
                exercise()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect all, then report together
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert failures == []
    # Most answers must be real ones, not the same refusal: otherwise nothing past the gate was tested.
    assert sum(s < 400 for s in statuses) > len(statuses) / 3, sorted(set(statuses))
