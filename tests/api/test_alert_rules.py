"""Alert rules over HTTP: seeded defaults, create, replace, delete, who may, and errors that say where."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from alerts.rule_parse import default_rules
from storage import Store
from tests.api.conftest import login

FENCE = {"id": "river-bank", "name": "Restricted river bank", "kind": "geofence", "scope": {"kind": "team"},
         "polygon": [[120.0, 30.0], [120.01, 30.0], [120.01, 30.01], [120.0, 30.01]], "trigger": "enter",
         "severity": "critical", "case_policy": {"open_case": True, "auto_dispatch": False}}
SUSTAINED = {"id": "noise-night", "kind": "sustained", "scope": {"subject": "NS-001"}, "metric": "db",
             "direction": "above", "raise_at": 55, "clear_at": 50, "for_s": 300, "levels": {"critical": 70},
             "clear_delay_s": 120}


def _rules(client: TestClient, who: dict[str, str]) -> dict[str, Any]:
    answer = client.get("/api/alert-rules", headers=who)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_list_starts_with_the_shipped_defaults(app_client: TestClient) -> None:
    listed = _rules(app_client, login(app_client, "viewer"))
    assert [r["id"] for r in listed["items"]] == sorted(r.id for r in default_rules())
    noise = next(r for r in listed["items"] if r["id"] == "noise-db-high")
    assert (noise["raise_at"], noise["clear_at"], noise["levels"]) == (75.0, 70.0, {"critical": 112.5})


def test_an_operator_creates_replaces_and_deletes_a_rule_and_the_revision_moves(app_client: TestClient) -> None:
    operator = login(app_client, "operator")
    start = _rules(app_client, operator)["revision"]
    created = app_client.post("/api/alert-rules", json=SUSTAINED, headers=operator)
    assert created.status_code == 201, created.text
    assert created.json()["for_s"] == 300 and created.json()["purpose"] == "incident"
    assert app_client.post("/api/alert-rules", json=SUSTAINED, headers=operator).status_code == 409
    fence = app_client.post("/api/alert-rules", json=FENCE, headers=operator)
    assert fence.status_code == 201, fence.text
    changed = app_client.put("/api/alert-rules/noise-night", json={**SUSTAINED, "for_s": 600}, headers=operator)
    assert changed.status_code == 200 and changed.json()["for_s"] == 600
    assert app_client.get("/api/alert-rules/noise-night", headers=operator).json()["for_s"] == 600
    assert app_client.delete("/api/alert-rules/noise-night", headers=operator).status_code == 204
    assert app_client.get("/api/alert-rules/noise-night", headers=operator).status_code == 404
    assert app_client.delete("/api/alert-rules/noise-night", headers=operator).status_code == 404
    assert app_client.put("/api/alert-rules/noise-night", json=SUSTAINED, headers=operator).status_code == 404
    assert _rules(app_client, operator)["revision"] == start + 4


@pytest.mark.parametrize("role", ["viewer", "supervisor", "member", "staff"])
def test_roles_without_rules_write_may_read_but_not_change_rules(app_client: TestClient, role: str) -> None:
    who = login(app_client, role)
    assert app_client.get("/api/alert-rules", headers=who).status_code == 200
    assert app_client.post("/api/alert-rules", json=SUSTAINED, headers=who).status_code == 403
    assert app_client.delete("/api/alert-rules/noise-db-high", headers=who).status_code == 403


@pytest.mark.parametrize(("change", "where"), [
    ({"clear_at": 60}, "rule 'noise-night': field 'clear_at': 60 must be at or below raise_at 55"),
    ({"polygon": [[1, 2], [3, 4], [5, 6]]}, "rule 'noise-night': field 'polygon': is not a field of a sustained rule"),
    ({"levels": {"warning": 80}}, "rule 'noise-night': field 'levels': warning is not graver"),
    ({"scope": {"kind": "noise", "subject": "NS-001"}}, "rule 'noise-night': field 'scope': give exactly one"),
    ({"metric": None}, "rule 'noise-night': field 'metric': is required"),
    ({"for_s": None}, "rule 'noise-night': field 'for_s': is required"),
])
def test_a_rule_that_does_not_validate_is_refused_naming_the_rule_and_field(app_client: TestClient,
                                                                           change: dict[str, Any], where: str) -> None:
    body = {k: v for k, v in {**SUSTAINED, **change}.items() if v is not None}
    answer = app_client.post("/api/alert-rules", json=body, headers=login(app_client, "operator"))
    assert answer.status_code == 422, answer.text
    assert where in answer.json()["detail"]


def test_unknown_fields_and_a_mismatched_id_are_refused(app_client: TestClient) -> None:
    operator = login(app_client, "operator")
    unknown = app_client.post("/api/alert-rules", json={**SUSTAINED, "actor": "me"}, headers=operator)
    assert unknown.status_code == 422 and "actor" in unknown.text
    other = app_client.put("/api/alert-rules/noise-db-high", json=SUSTAINED, headers=operator)
    assert other.status_code == 422 and "differs from the path" in other.json()["detail"]


def test_a_rule_set_through_the_api_reaches_the_running_ingest(app_client: TestClient, store: Store) -> None:
    from datetime import UTC, datetime

    from cases.locator import Locator
    from gridwatch.pipeline import Pipeline

    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    pipeline.handle([])
    assert pipeline.rules is not None and "noise-night" not in pipeline.rules.rules
    app_client.post("/api/alert-rules", json=SUSTAINED, headers=login(app_client, "admin"))
    pipeline.handle([])
    assert pipeline.rules.rules["noise-night"].params.for_s == 300  # type: ignore[union-attr]
