"""Periodic jobs: the last run of each, for those who oversee what the system does by itself."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import StoreDep
from api.security import AuditReader
from jobs.models import JobOutcome, JobRun

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


class JobRunRead(BaseModel):
    """The newest run of one job."""

    job: str = Field(description="The job's name, e.g. retention or index-refresh.")
    period: int = Field(description="floor(epoch seconds / interval) of the period the run belongs to.")
    per_process: bool = Field(description="True when every process runs the job for itself, once per period.")
    started_at: datetime
    finished_at: datetime | None = Field(description="Empty while the run is in flight.")
    outcome: JobOutcome
    detail: str = Field(description="What the run did, or why it failed.")
    runner: str = Field(description="The process that ran it: role@host:pid.")

    @classmethod
    def of(cls, run: JobRun) -> JobRunRead:
        """Return the body of a job run."""
        return cls(job=run.job, period=run.period, per_process=bool(run.lease), started_at=run.started_at,
                   finished_at=run.finished_at, outcome=run.outcome, detail=run.detail, runner=run.runner)


class JobList(BaseModel):
    """The newest run of each job that ever ran, by job name."""

    items: list[JobRunRead]


@router.get("", response_model=JobList)
def list_jobs(store: StoreDep, _who: AuditReader) -> JobList:
    """Return the newest run of each job."""
    with store.unit_of_work() as uow:
        runs = uow.job_runs.latest()
    return JobList(items=[JobRunRead.of(run) for run in runs])
