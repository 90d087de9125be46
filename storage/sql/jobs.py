"""Job runs: the (job, lease, period) primary key is the lease that lets exactly one process run a period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobs.models import JobOutcome, JobRun
from storage.sql.db import Db, delete_oldest

_COLUMNS = "job, lease, period, started_at, finished_at, outcome, detail, runner"


class SqlJobRunRepository:
    """JobRunRepository over one connection; claim in a unit of work of its own, so the win commits at once."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _run(self, row: Any) -> JobRun:
        return JobRun(job=row["job"], lease=row["lease"], period=row["period"],
                      started_at=self._d.time_from_db(row["started_at"]), runner=row["runner"],
                      outcome=JobOutcome(row["outcome"]), finished_at=self._d.optional_time_from_db(row["finished_at"]),
                      detail=row["detail"])

    def claim(self, run: JobRun, *, busy_since: datetime) -> bool:
        """Record run as started and return True, unless its (job, lease, period) is taken or a run of the
        same job and lease started after busy_since is unfinished (then write nothing, return False)."""
        where = f"job run {run.job!r} period {run.period}"
        self._d.lock_job_claims(self._db, run.job)
        # The primary key decides who runs the period: a second INSERT of it writes nothing and returns no row.
        rows = self._db.execute(
            f"INSERT INTO job_runs ({_COLUMNS}) SELECT ?, ?, ?, ?, NULL, ?, '', ?"
            " WHERE NOT EXISTS (SELECT 1 FROM job_runs WHERE job = ? AND lease = ? AND finished_at IS NULL"
            " AND started_at > ?)"
            " ON CONFLICT (job, lease, period) DO NOTHING RETURNING period",
            (run.job, run.lease, run.period, self._d.time_to_db(run.started_at, where=f"{where}.started_at"),
             str(JobOutcome.RUNNING), run.runner,
             run.job, run.lease, self._d.time_to_db(busy_since, where=f"{where} busy_since")),
        ).fetchall()
        return len(rows) == 1

    def finish(self, *, job: str, lease: str, period: int, outcome: JobOutcome, detail: str,
               finished_at: datetime) -> bool:
        """Record how an unfinished run ended; return False when it was already finished (first word wins)."""
        at = self._d.time_to_db(finished_at, where=f"job run {job!r} period {period}.finished_at")
        rows = self._db.execute(
            "UPDATE job_runs SET finished_at = ?, outcome = ?, detail = ?"
            " WHERE job = ? AND lease = ? AND period = ? AND finished_at IS NULL RETURNING period",
            (at, str(outcome), detail, job, lease, period),
        ).fetchall()
        return len(rows) == 1

    def latest(self) -> list[JobRun]:
        """Return the newest run of each job, ordered by job name."""
        rows = self._db.execute(
            f"SELECT {', '.join('r.' + c for c in _COLUMNS.split(', '))} FROM job_runs r"
            " JOIN (SELECT job, max(started_at) AS newest FROM job_runs GROUP BY job) m"
            " ON r.job = m.job AND r.started_at = m.newest ORDER BY r.job, r.runner, r.lease"
        )
        newest: dict[str, JobRun] = {}
        for row in rows:  # two processes may start a per-process job in the same instant: keep one
            newest.setdefault(row["job"], self._run(row))
        return list(newest.values())

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit runs started before cutoff; return how many were deleted."""
        return delete_oldest(self._db, table="job_runs", key="(job, lease, period)", time_column="started_at",
                             order="started_at", cutoff=cutoff, limit=limit)
