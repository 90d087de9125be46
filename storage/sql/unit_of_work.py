"""One transaction holding every repository, on any backend's connection."""

from __future__ import annotations

from typing import Any

from storage import revisions
from storage.revisions import PendingRevisions
from storage.sql.access import SqlApiKeyRepository, SqlSessionRepository, SqlUserRepository
from storage.sql.alert_rules import SqlAlertRuleRepository, SqlRuleStateRepository
from storage.sql.alerts import SqlAlertRepository
from storage.sql.assessment import SqlAssessmentRepository
from storage.sql.assignments import SqlAssignmentRepository
from storage.sql.audit import SqlAuditRepository
from storage.sql.camera_health import SqlCameraHealthRepository
from storage.sql.cameras import SqlCameraRepository
from storage.sql.cases import SqlCaseRepository
from storage.sql.city_handoff import SqlCityInboundRepository, SqlCityOutboxRepository
from storage.sql.db import Db
from storage.sql.dialect import Dialect
from storage.sql.feed import SqlFeedRepository
from storage.sql.grids import SqlGridRepository
from storage.sql.iot import SqlDeadLetterRepository, SqlDeviceRepository, SqlReadingRepository
from storage.sql.quarantine import SqlQuarantineRepository
from storage.sql.reminders import SqlReminderRepository
from storage.sql.reporters import SqlNoticeRepository, SqlReporterRepository
from storage.sql.spatial_stats import SqlSpatialStatsRepository
from storage.sql.map_view import SqlMapRepository
from storage.sql.jobs import SqlJobRunRepository
from storage.sql.taxonomy import SqlCorrectionRepository, SqlTaxonomyRepository
from storage.sql.team_positions import SqlTeamTrackRepository
from storage.sql.teams import SqlTeamRepository
from storage.sql.work_calendar import SqlWorkCalendarRepository


class SqlUnitOfWork:
    """The repositories of one transaction on one connection; the store commits or rolls it back."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self._conn = conn
        self._db = db = Db(conn, dialect)
        self._revisions = PendingRevisions(self._bump_revision, self._read_revision)
        # All counters, read in one query at the first read of this unit of work; a bump here forgets them.
        self._revision_values: dict[str, int] | None = None
        self.grids = SqlGridRepository(db, self._revisions)
        self.devices = SqlDeviceRepository(db, self._revisions)
        self.readings = SqlReadingRepository(db)
        self.dead_letters = SqlDeadLetterRepository(db)
        self.quarantine = SqlQuarantineRepository(db)
        self.cameras = SqlCameraRepository(db, self._revisions)
        # No revisions here: a probe must not make every process rebuild its camera index.
        self.camera_health = SqlCameraHealthRepository(db)
        self.alerts = SqlAlertRepository(db)
        self.alert_rules = SqlAlertRuleRepository(db, self._revisions)
        self.rule_states = SqlRuleStateRepository(db, self._revisions)
        self.cases = SqlCaseRepository(db)
        self.teams = SqlTeamRepository(db, self._revisions)
        self.team_positions = SqlTeamTrackRepository(db)
        self.assignments = SqlAssignmentRepository(db)
        self.feed = SqlFeedRepository(db)
        self.users = SqlUserRepository(db)
        self.sessions = SqlSessionRepository(db)
        self.api_keys = SqlApiKeyRepository(db)
        self.audit = SqlAuditRepository(db)
        self.job_runs = SqlJobRunRepository(db)
        self.spatial_stats = SqlSpatialStatsRepository(db)
        self.map_view = SqlMapRepository(db)
        self.work_calendar = SqlWorkCalendarRepository(db)
        self.taxonomy_versions = SqlTaxonomyRepository(db)
        self.classification_corrections = SqlCorrectionRepository(db)
        self.case_reminders = SqlReminderRepository(db)
        self.reporters = SqlReporterRepository(db)
        self.reporter_notices = SqlNoticeRepository(db)
        self.assessment = SqlAssessmentRepository(db)
        self.city_outbox = SqlCityOutboxRepository(db)
        self.city_inbound = SqlCityInboundRepository(db)

    def flush(self) -> None:
        """Write what is pending (revision bumps) before the commit."""
        self._revisions.flush()

    def _bump_revision(self, name: str) -> None:
        self._db.execute("INSERT INTO revisions (name, value) VALUES (?, 1)"
                         " ON CONFLICT (name) DO UPDATE SET value = revisions.value + 1", (name,))
        self._revision_values = None
        if name == revisions.TEAM_POSITIONS:
            # Under the counter's row lock until commit, so revisions stamp in commit order (cases.locator).
            self.teams.stamp_moves(self._read_revision(name))

    def _read_revision(self, name: str) -> int:
        # The ingest reads six counters a batch: one round trip instead of six (bench/ingest.py). A counter
        # read older than the data loaded after it only costs one more reload at the next batch.
        if self._revision_values is None:
            rows = self._db.execute("SELECT name, value FROM revisions", ()).fetchall()
            self._revision_values = {row["name"]: row["value"] for row in rows}
        return self._revision_values.get(name, 0)
