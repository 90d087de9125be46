"""Retention: delete what is kept only for a while (feed, dead letters, readings, job runs, camera probes, team
tracks, quarantined devices not heard from) in batches.

The audit log is not pruned here. Its entries are hash-chained and append-only (triggers, and on PostGIS the
app role's grants), `audit_retention_days` is a floor of 180 days, not a deadline, and cutting the chain's
start would need a signed checkpoint for `gridwatch audit verify` to stay meaningful; that is future work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gridwatch.settings import JobSettings
from storage import Store, UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long each kind of row is kept, and how many rows one transaction deletes."""

    feed: timedelta
    dead_letters: timedelta
    readings: timedelta
    job_runs: timedelta
    camera_health: timedelta = timedelta(days=90)
    team_positions: timedelta = timedelta(days=30)
    quarantine: timedelta = timedelta(days=30)  # by last_seen_at: a device still publishing stays
    batch: int = 5000
    # One run stops after this many batches of a table; the next run goes on where it stopped.
    max_batches: int = 1000

    @classmethod
    def from_settings(cls, settings: JobSettings) -> RetentionPolicy:
        """Return the policy the settings describe."""
        return cls(feed=timedelta(days=settings.feed_retention_days),
                   dead_letters=timedelta(days=settings.dead_letter_retention_days),
                   readings=timedelta(days=settings.reading_retention_days),
                   job_runs=timedelta(days=settings.job_run_retention_days),
                   camera_health=timedelta(days=settings.camera_health_retention_days),
                   team_positions=timedelta(days=settings.team_position_retention_days),
                   quarantine=timedelta(days=settings.quarantine_retention_days), batch=settings.retention_batch)


_TABLES: dict[str, Callable[[UnitOfWork], Any]] = {
    "feed": lambda uow: uow.feed,
    "dead_letters": lambda uow: uow.dead_letters,
    "readings": lambda uow: uow.readings,
    "job_runs": lambda uow: uow.job_runs,
    "camera_health": lambda uow: uow.camera_health,
    "team_positions": lambda uow: uow.team_positions,
    "quarantine": lambda uow: uow.quarantine,
}


def prune(store: Store, policy: RetentionPolicy, *, now: datetime) -> dict[str, int]:
    """Delete rows older than the policy keeps, one batch per unit of work; return how many went per table."""
    deleted: dict[str, int] = {}
    for table, repository in _TABLES.items():
        cutoff = now - getattr(policy, table)
        total = 0
        # A short transaction per batch: the ingest and the API wait for a batch, never for the whole prune.
        for _ in range(policy.max_batches):
            with store.unit_of_work() as uow:
                count = repository(uow).delete_older_than(cutoff, limit=policy.batch)
            total += count
            if count < policy.batch:
                break
        deleted[table] = total
        if total:
            logger.info("retention: deleted %d %s older than %s", total, table, cutoff.isoformat())
    return deleted


def describe(deleted: dict[str, int]) -> str:
    """Return one line naming how many rows of each table were deleted."""
    return "deleted " + ", ".join(f"{table} {count}" for table, count in deleted.items())
