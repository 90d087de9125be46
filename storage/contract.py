"""The one storage contract: a store hands out units of work holding every domain's repository."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from access.repository import ApiKeyRepository, SessionRepository, UserRepository
from alerts.repository import AlertRepository
from alerts.rule_repository import AlertRuleRepository, RuleStateRepository
from audit.repository import AuditRepository
from cases.reporters import NoticeRepository, ReporterRepository
from cases.assessment import AssessmentRepository
from cases.handoff.repository import CityInboundRepository, CityOutboxRepository
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository, TeamTrackRepository
from cases.spatial_stats import SpatialStatsRepository
from cases.map_view import MapRepository
from cases.workdays.repository import WorkCalendarRepository
from cases.supervision import ReminderRepository
from cases.taxonomy_store import CorrectionRepository, TaxonomyRepository
from feed import FeedRepository
from gis.repository import GridRepository
from iot.repository import DeadLetterRepository, DeviceRepository, QuarantineRepository, ReadingRepository
from jobs.repository import JobRunRepository
from video.repository import CameraHealthRepository, CameraRepository


class StorageError(RuntimeError):
    """The store cannot be opened, migrated or written; the message names the store and the step."""


class StoreUnavailable(StorageError):
    """The store does not answer (refused, timed out, server gone): retry later; no record is at fault."""


class UnitOfWork(Protocol):
    """One transaction over all repositories; the caller decides when it ends."""

    grids: GridRepository
    devices: DeviceRepository
    readings: ReadingRepository
    dead_letters: DeadLetterRepository
    quarantine: QuarantineRepository
    cameras: CameraRepository
    camera_health: CameraHealthRepository
    alerts: AlertRepository
    alert_rules: AlertRuleRepository
    rule_states: RuleStateRepository
    cases: CaseRepository
    teams: TeamRepository
    team_positions: TeamTrackRepository
    assignments: AssignmentRepository
    feed: FeedRepository
    users: UserRepository
    sessions: SessionRepository
    api_keys: ApiKeyRepository
    audit: AuditRepository
    job_runs: JobRunRepository
    spatial_stats: SpatialStatsRepository
    map_view: MapRepository
    work_calendar: WorkCalendarRepository
    taxonomy_versions: TaxonomyRepository
    classification_corrections: CorrectionRepository
    case_reminders: ReminderRepository
    reporters: ReporterRepository
    reporter_notices: NoticeRepository
    assessment: AssessmentRepository
    city_outbox: CityOutboxRepository
    city_inbound: CityInboundRepository


class Store(Protocol):
    """A storage backend: opened from a URL by storage.open_store."""

    name: str
    url: str

    def migrate(self) -> list[str]:
        """Apply pending SQL migrations in order; return the versions applied."""
        ...

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """Open a transaction: commit when the block ends normally, roll back when it raises."""
        ...

    def read_only(self) -> AbstractContextManager[UnitOfWork]:
        """Open a read-only transaction on one snapshot: it takes no write lock, and any write raises StorageError."""
        ...

    def ping(self) -> bool:
        """Return whether the store answers."""
        ...

    def close(self) -> None: ...
