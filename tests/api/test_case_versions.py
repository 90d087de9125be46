"""Optimistic concurrency through the API: ETag and If-Match, a stale version refused with 409, side roads' fields."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storage import Store
from tests.api.conftest import login
from tests.factories import make_case, make_team


def _case(store: Store) -> int:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1")])
        return uow.cases.add(make_case()).id  # type: ignore[return-value]


def test_a_step_on_the_version_seen_is_taken_and_one_on_a_stale_version_is_refused_with_the_current_one(
        store: Store, app_client: TestClient) -> None:
    case_id = _case(store)
    operator = login(app_client, "operator")
    seen = app_client.get(f"/api/cases/{case_id}", headers=operator)
    assert (seen.headers["ETag"], seen.json()["version"]) == ('"1"', 1)
    taken = app_client.post(f"/api/cases/{case_id}/actions/accept", json={},
                            headers={**operator, "If-Match": seen.headers["ETag"]})
    assert (taken.status_code, taken.headers["ETag"], taken.json()["version"]) == (200, '"2"', 2)
    # A second operator still looking at version 1 tries to reject it: refused, and told what it is now.
    stale = app_client.post(f"/api/cases/{case_id}/actions/reject", json={"note": "not ours"},
                            headers={**operator, "If-Match": '"1"'})
    assert stale.status_code == 409 and stale.headers["ETag"] == '"2"'
    assert stale.json() == {"detail": f"case {case_id}: version 1 is stale; it is now version 2 and 'accepted'",
                            "version": 2, "status": "accepted"}
    after = app_client.get(f"/api/cases/{case_id}", headers=operator).json()
    assert (after["status"], after["version"], len(after["events"])) == ("accepted", 2, 1)  # added without a report
    assert after["events"][-1]["role"] == "operator" and after["events"][-1]["attachments"] == []
    bad = app_client.post(f"/api/cases/{case_id}/actions/route", json={"platform": "market"},
                          headers={**operator, "If-Match": "yesterday"})
    assert bad.status_code == 422 and "header 'If-Match'" in bad.json()["detail"]


def test_side_roads_need_their_fields_and_an_illegal_step_says_why(store: Store, app_client: TestClient) -> None:
    case_id = _case(store)
    other = _case(store)
    operator = login(app_client, "operator")

    def act(cid: int, action: str, **body: object):  # noqa: ANN202 - a response
        return app_client.post(f"/api/cases/{cid}/actions/{action}", json=body, headers=operator)

    refused = act(case_id, "reject")
    assert refused.status_code == 422 and refused.json()["detail"] == f"case {case_id}: 'reject' needs 'note'"
    assert act(case_id, "merge", target_case_id=case_id).status_code == 422
    merged = act(case_id, "merge", target_case_id=other, note="same smoke", attachments=["file-7"])
    assert (merged.json()["status"], merged.json()["merged_into"]) == ("merged", other)
    assert merged.json()["event"]["attachments"] == ["file-7"]
    illegal = act(case_id, "dispatch")
    assert illegal.status_code == 409
    assert illegal.json()["detail"] == f"case {case_id} is 'merged'; 'dispatch' needs 'accepted' or 'routed'"
    assert act(other, "reject", note="not the town's").json()["status"] == "rejected"
    reopened = act(other, "reopen", note="the reporter called again").json()
    assert (reopened["status"], reopened["next_actions"][:2]) == ("accepted", ["route", "dispatch"])
