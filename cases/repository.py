"""The store the cases stage needs; storage backends implement it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from cases.models import Assignment, Case, CaseEvent, CaseStatus, Platform, ReleaseReason, Team, TeamStatus

BBox = tuple[float, float, float, float]


class CaseRepository(Protocol):
    def add(self, case: Case) -> Case:
        """Store a new case and return it with its id."""
        ...

    def update(self, case: Case) -> None:
        """Overwrite the stored case with the same id."""
        ...

    def get(self, case_id: int, *, for_update: bool = False) -> Case | None:
        """Return the case; for_update locks it until the unit of work ends (PostGIS)."""
        ...

    def list(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
             grid_code: str | None = None, any_grid: Sequence[str] | None = None, bbox: BBox | None = None,
             limit: int = 100, offset: int = 0) -> list[Case]:
        """Return cases newest first; grid_code matches a grid at any level, any_grid any of several (none: none)."""
        ...

    def count(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
              grid_code: str | None = None, any_grid: Sequence[str] | None = None, bbox: BBox | None = None) -> int: ...

    def open_near(self, *, category: str, bbox: BBox, created_since: datetime, limit: int = 20) -> list[Case]:
        """Return cases of the category not closed, lying in the WGS-84 bbox, created at or after created_since."""
        ...

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
    def update_position(self, team_id: str, *, lon: float, lat: float, at: datetime) -> bool:
        """Move the team if at is newer than its last position; return whether it moved."""
        ...

    def claim(self, team_id: str) -> bool:
        """Atomically turn an available team busy; return False if it was not available."""
        ...

    def set_status(self, team_id: str, status: TeamStatus) -> None: ...
    def revision(self) -> int:
        """Return a number that changes whenever any team changes."""
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
