"""Cases, their append-only event log, platforms and teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Platform(StrEnum):
    """The four platforms (四个平台)."""

    GOVERNANCE = "governance"
    MARKET = "market"
    ENFORCEMENT = "enforcement"
    SERVICE = "service"


class CaseStatus(StrEnum):
    """Where a case stands in the closed loop (闭环管理), GB/T 30428's steps and the side roads off them.

    Three stored values keep their first names (accepted, handling, fed_back) because API clients, the live feed
    and stored rows already speak them; REGISTERED, IN_PROGRESS and HANDLED are the standard's names for them.
    """

    REPORTED = "reported"
    ACCEPTED = "accepted"
    ROUTED = "routed"
    DISPATCHED = "dispatched"
    HANDLING = "handling"
    FED_BACK = "fed_back"
    VERIFIED = "verified"
    CLOSED = "closed"
    EVALUATED = "evaluated"
    RETURNED = "returned"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    MERGED = "merged"
    # Aliases (the same members): the standard's names for the stored values.
    REGISTERED = "accepted"
    IN_PROGRESS = "handling"
    HANDLED = "fed_back"


class CaseSource(StrEnum):
    """Who or what reported the case."""

    SENSOR = "sensor"
    CAMERA = "camera"
    GRID_STAFF = "grid_staff"
    CITIZEN = "citizen"
    HOTLINE = "hotline"
    CITY = "city"  # handed down by the city platform (交办)


class TeamStatus(StrEnum):
    """Whether a team can take a new task."""

    AVAILABLE = "available"
    BUSY = "busy"
    OFF_DUTY = "off_duty"


@dataclass(frozen=True, slots=True)
class Case:
    """A matter in the closed loop: what, where (WGS-84 and grids), which platform, how it stands (teams: Assignment)."""

    title: str
    category: str
    source: CaseSource
    status: CaseStatus
    platform: Platform | None
    lon: float
    lat: float
    grid_path: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    description: str = ""
    reporter: str = ""
    reporter_phone: str = ""
    alert_id: int | None = None
    satisfaction: int | None = None
    # Bumped by every change; a step names the version it saw (optimistic concurrency).
    version: int = 1
    merged_into: int | None = None
    # From the taxonomy at intake: how urgent, which department answers for it.
    priority: str = ""
    department: str = ""
    # The clock (working-day deadlines): the step the case waits on and when it is due; None once finished.
    due_step: str = ""
    due_at: datetime | None = None
    # The reporter must hear back by then (5 working days, seed 003).
    feedback_due_at: datetime | None = None
    # A deadline set from outside (the city's, for a case it handed down, 交办): no step is due later than it.
    external_due_at: datetime | None = None
    # Stamped once, for assessment: when the lead fed back and closed, working hours from report to handled,
    # and whether handling met the handle limit.
    handled_at: datetime | None = None
    closed_at: datetime | None = None
    handling_wh: float | None = None
    on_time: bool | None = None
    # The classifier's confidence in the category; triage: an operator must confirm it.
    confidence: float | None = None
    triage: bool = False
    # Supervision (督办): 0 none, 1 due soon, 2 overdue, 3 escalated to the platform head, 4 to the leader.
    supervision_level: int = 0
    id: int | None = None

    @property
    def grid_code(self) -> str | None:
        """Return the finest grid the case lies in."""
        return self.grid_path[-1] if self.grid_path else None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One step of a case, kept forever (全程留痕): who did what, when, from which status to which."""

    case_id: int
    action: str
    actor: str
    at: datetime
    from_status: CaseStatus | None
    to_status: CaseStatus
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict, hash=False)
    role: str = ""
    # Ids or URLs of files already in the file store that the step refers to.
    attachments: tuple[str, ...] = ()
    id: int | None = None


class AssignmentRole(StrEnum):
    """How a team takes part in a case: one lead platform, any number assisting (联合执法)."""

    LEAD = "lead"
    ASSISTING = "assisting"


class ReleaseReason(StrEnum):
    """Why an assignment ended and gave its team back."""

    FED_BACK = "fed_back"
    VERIFIED = "verified"
    CASE_CLOSED = "case_closed"
    REJECTED = "rejected"
    MERGED = "merged"
    ESCALATED = "escalated"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"  # the team turned the offer down
    TIMED_OUT = "timed_out"  # the team did not answer the offer in time
    TASK_DONE = "task_done"  # an assisting team finished its task (联合执法); the case goes on without it


class TaskState(StrEnum):
    """Where one team's task on a case stands: offered until it accepts, then accepted until its work is done."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Assignment:
    """A team sent to a case: it holds the team from dispatch until it is released, and only it releases the team."""

    case_id: int
    team_id: str
    platform: Platform
    role: AssignmentRole
    dispatched_at: datetime
    task: str = ""
    arrived_at: datetime | None = None
    released_at: datetime | None = None
    release_reason: ReleaseReason | None = None
    state: TaskState = TaskState.ACCEPTED
    # An offer lapses at this time when the team has not answered (then the next nearest is offered).
    offer_expires_at: datetime | None = None
    done_at: datetime | None = None
    # How far the team was when sent, and the expected travel time (road network where loaded).
    distance_m: float | None = None
    eta_s: float | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        """Return whether the assignment still holds its team."""
        return self.released_at is None


@dataclass(frozen=True, slots=True)
class Team:
    """A field team of one platform, with its last known WGS-84 position."""

    id: str
    name: str
    platform: Platform
    status: TeamStatus
    lon: float | None
    lat: float | None
    position_at: datetime | None = None
    members: int = 3
    phone: str = ""
    # When the phone last reported (server time, any position, in order or not), and since when it has been silent.
    reported_at: datetime | None = None
    silent_since: datetime | None = None

    @property
    def position(self) -> tuple[float, float] | None:
        """Return (lon, lat) when known."""
        return None if self.lon is None or self.lat is None else (self.lon, self.lat)

    @property
    def silent(self) -> bool:
        """Return whether the team's phone has stopped reporting (its position is stale)."""
        return self.silent_since is not None


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One position a team's phone reported: where (WGS-84), when it was taken and when it was received."""

    team_id: str
    ts: datetime
    lon: float
    lat: float
    received_at: datetime
