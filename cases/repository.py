"""The store the cases stage needs; storage backends implement it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cases.models import (Assignment, Case, CaseEvent, CaseStatus, Platform, ReleaseReason, TaskState, Team,
                          TeamStatus, TrackPoint)
from cases.queues import QueueBounds

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Involving:
    """Whose cases a list keeps: those actor reported (its 'report' event), or team_id holds an active assignment on."""

    actor: str
    team_id: str | None = None


class CaseRepository(Protocol):
    def add(self, case: Case) -> Case:
        """Store a new case and return it with its id."""
        ...

    def update(self, case: Case) -> Case:
        """Overwrite the stored case if it is still at case.version; return it with its next version (else StorageError)."""
        ...

    def get(self, case_id: int, *, for_update: bool = False) -> Case | None:
        """Return the case; for_update locks it until the unit of work ends (PostGIS)."""
        ...

    def list(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
             grid_code: str | None = None, any_grid: Sequence[str] | None = None, bbox: BBox | None = None,
             category: str | None = None, created_since: datetime | None = None,
             created_until: datetime | None = None, triage: bool | None = None,
             involving: Involving | None = None, queue: QueueBounds | None = None, limit: int = 100,
             offset: int = 0) -> list[Case]:
        """Return cases newest first; grid_code matches a grid at any level, any_grid any of several (none: none).

        created_since and created_until bound created_at, both inclusive; triage (not None) keeps the cases whose
        triage flag is that; involving keeps a person's own cases (the mobile page's "my tasks"); queue keeps the
        cases within a queue's bounds (cases.queues.within decides the same).
        """
        ...

    def count(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
              grid_code: str | None = None, any_grid: Sequence[str] | None = None, bbox: BBox | None = None,
              category: str | None = None, created_since: datetime | None = None,
              created_until: datetime | None = None, triage: bool | None = None,
              involving: Involving | None = None, queue: QueueBounds | None = None) -> int: ...

    def count_by_category(self, *, since: datetime, until: datetime, platform: Platform | None = None,
                          any_grid: Sequence[str] | None = None) -> dict[str, int]:
        """Return, per category, how many cases were received in [since, until) (merged ones left out, as assessed)."""
        ...

    def count_open_by_grid(self, *, platform: Platform | None = None,
                           any_grid: Sequence[str] | None = None) -> dict[str, int]:
        """Return, per grid code at any level, how many cases not closed lie in it (a town counts its villages').

        platform and any_grid bound the cases as in list (a caller's reach).
        """
        ...

    def open_near(self, *, category: str, bbox: BBox, created_since: datetime, limit: int = 20) -> list[Case]:
        """Return cases of the category not closed, lying in the WGS-84 bbox, created at or after created_since."""
        ...

    def due_before(self, before: datetime, *, below_level: int = 4, limit: int = 1000) -> list[Case]:
        """Return cases not finished, due at or before before, whose supervision level is below below_level.

        Soonest due first (the due_at index); supervision's job reads them.
        """
        ...

    def supervised(self, *, level: int | None = None, platform: Platform | None = None, grid_code: str | None = None,
                   any_grid: Sequence[str] | None = None, limit: int = 100, offset: int = 0) -> list[Case]:
        """Return cases not finished with a supervision level (this one, else any above 0), most urgent first.

        Most urgent: highest level, then soonest due; grid_code and any_grid bound them as in list.
        """
        ...

    def count_supervised(self, *, level: int | None = None, platform: Platform | None = None,
                         grid_code: str | None = None, any_grid: Sequence[str] | None = None) -> int: ...

    def append_event(self, event: CaseEvent) -> CaseEvent:
        """Append to the case's event log (never updated or deleted) and return it with its id."""
        ...

    def events(self, case_id: int) -> list[CaseEvent]:
        """Return the case's events, oldest first."""
        ...


class TeamRepository(Protocol):
    def upsert_many(self, teams: Iterable[Team]) -> int:
        """Insert teams, or update name, platform, members and phone; keep live status and any reported position."""
        ...

    def replace_all(self, teams: Iterable[Team]) -> int:
        """Make these the teams, written in full; a team a case still names stays, off duty; return how many were written."""
        ...

    def get(self, team_id: str) -> Team | None: ...
    def all(self) -> list[Team]: ...
    def list(self, *, platform: Platform | None = None, status: TeamStatus | None = None) -> list[Team]: ...
    def update_position(self, team_id: str, *, lon: float, lat: float, at: datetime,
                        received_at: datetime | None = None) -> bool:
        """Move the team if at is newer than its last position (then it reports again, at received_at or at); return whether it moved."""
        ...

    def mark_reporting(self, team_id: str, *, at: datetime) -> None:
        """Note that the team's phone reported at this server time (a position that did not move it); clear silent."""
        ...

    def mark_silent(self, *, reported_before: datetime, at: datetime) -> list[Team]:
        """Mark silent, since at, every team on duty whose phone last reported before the cutoff; return them.

        A team that never reported is not marked (nothing to compare with), nor one off duty (its phone may be off).
        """
        ...

    def moved_since(self, revision: int) -> list[Team]:
        """Return the teams moved (or whose silence changed) by a positions revision above this one."""
        ...

    def claim(self, team_id: str) -> bool:
        """Atomically turn an available team busy; return False if it was not available."""
        ...

    def set_status(self, team_id: str, status: TeamStatus) -> None: ...
    def revision(self) -> int:
        """Return a number that changes whenever a team is added, changed or claimed (a move alone: positions_revision)."""
        ...

    def positions_revision(self) -> int:
        """Return a number that changes whenever a team moves or its phone falls silent or reports again."""
        ...


class TeamTrackRepository(Protocol):
    def add(self, point: TrackPoint) -> bool:
        """Append a position to the team's track; return False when (team_id, ts) is already there (a redelivery)."""
        ...

    def list(self, team_id: str, *, since: datetime | None = None, until: datetime | None = None,
             limit: int = 1000, offset: int = 0) -> list[TrackPoint]:
        """Return the team's track between since (inclusive) and until (exclusive), oldest first."""
        ...

    def count(self, team_id: str, *, since: datetime | None = None, until: datetime | None = None) -> int: ...
    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit positions taken before cutoff, oldest first; return how many went."""
        ...


class AssignmentRepository(Protocol):
    def add(self, assignment: Assignment) -> Assignment:
        """Store a new assignment; a team already holding an active one is refused (StorageError)."""
        ...

    def for_case(self, case_id: int, *, active_only: bool = False) -> list[Assignment]:
        """Return the case's assignments in dispatch order."""
        ...

    def active(self, *, limit: int = 1000, offset: int = 0) -> list[Assignment]:
        """Return every assignment still holding its team, oldest first."""
        ...

    def count_active(self) -> int: ...

    def mark_arrived(self, assignment_id: int, *, at: datetime) -> bool:
        """Record the team's arrival on site once; return whether it was recorded now."""
        ...

    def release(self, assignment_id: int, *, at: datetime, reason: ReleaseReason) -> bool:
        """End an active assignment; return False if it had already ended."""
        ...

    def set_state(self, assignment_id: int, *, state: TaskState, at: datetime,
                  expected: TaskState | None = None) -> bool:
        """Move an active assignment's task to state (done stamps done_at); with expected, only from that state."""
        ...
