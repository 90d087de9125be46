"""GET /api/jobs: the newest run of each job, typed, for admins and supervisors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jobs.models import JobOutcome, JobRun
from storage import Store
from tests.api.conftest import login
from tests.factories import at


def test_jobs_lists_the_newest_run_of_each_job_with_its_outcome_and_runner(store: Store, app_client: TestClient) -> None:
    with store.unit_of_work() as uow:
        for period in (1, 2):
            uow.job_runs.claim(JobRun(job="retention", lease="", period=period, started_at=at(period * 60),
                                      runner="worker@w1:7"), busy_since=at(period * 60 - 1))
            uow.job_runs.finish(job="retention", lease="", period=period, outcome=JobOutcome.OK,
                                detail=f"deleted feed {period}", finished_at=at(period * 60 + 1))
        uow.job_runs.claim(JobRun(job="index-refresh", lease="api@a:1", period=9, started_at=at(200),
                                  runner="api@a:1"), busy_since=at(199))

    answer = app_client.get("/api/jobs", headers=login(app_client, "supervisor"))

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"items": [
        {"job": "index-refresh", "period": 9, "per_process": True, "started_at": "2024-05-01T11:20:00Z",
         "finished_at": None, "outcome": "running", "detail": "", "runner": "api@a:1"},
        {"job": "retention", "period": 2, "per_process": False, "started_at": "2024-05-01T10:00:00Z",
         "finished_at": "2024-05-01T10:01:00Z", "outcome": "ok", "detail": "deleted feed 2", "runner": "worker@w1:7"},
    ]}
    schema = app_client.get("/openapi.json").json()
    assert schema["paths"]["/api/jobs"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JobList"}


def test_jobs_is_refused_to_a_viewer(app_client: TestClient) -> None:
    assert app_client.get("/api/jobs", headers=login(app_client, "viewer")).status_code == 403
