"""Answers about the system itself: health, logins and accounts, the audit log and the live feed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from access.models import Role
from api.responses.calendar import CalendarHealth
from api.responses.common import Instant, Page, ReadModel
from cases.models import Platform


class HealthCounts(ReadModel):
    """What the store holds."""

    open_cases: int
    dispatched: int
    alerts_today: Annotated[int, Field(description="alerts raised since midnight Beijing time")]
    open_alerts: int
    dead_letters: int


class IngestCounts(ReadModel):
    """What this process's ingest did since it started: deliveries taken in, and what became of them."""

    received: int
    readings: int
    duplicates: int
    positions: int
    dead_letters: int
    parse_errors: Annotated[int, Field(description="dead letters the parser refused (a reason each)")]
    alerts: int
    cases: int
    dispatched: int
    store_errors: Annotated[int, Field(description="dead letters the store refused, found by halving their batch")]
    fallbacks: Annotated[int, Field(description="batches the store refused whole and that were stored in halves")]
    store_pauses: int
    paused: int
    quarantine_full: Annotated[int, Field(description="dead letters of unknown devices the full quarantine did not "
                                                      "take (GRIDWATCH_QUARANTINE_MAX_ENTRIES)")]


class HealthRead(ReadModel):
    """The store answers; what it holds, and the ingest's counters when this process runs one."""

    status: Literal["ok"]
    store: Annotated[str, Field(description="sqlite or postgis")]
    counts: HealthCounts
    last_reading_at: Annotated[Instant | None, Field(description="time of the newest stored reading")]
    ingest: IngestCounts | None
    calendar: Annotated[CalendarHealth, Field(description="whether the years deadlines need now have a holiday "
                                                          "schedule; fallback: Monday to Friday are assumed")]


class HealthUnavailable(ReadModel):
    """The store does not answer, and why."""

    status: Literal["unavailable"]
    store: str
    detail: str


class UserRead(ReadModel):
    """What a client may know of an account or API key: name, role, and what bounds its reach."""

    username: str
    display_name: str
    role: Role
    platform: Platform | None
    team_id: str | None
    grid_codes: list[str]


class AccountRead(UserRead):
    """An account as an admin sees it."""

    active: bool
    locked_until: Instant | None
    failed_logins: int


class AccountPage(Page[AccountRead]):
    """Every account."""


class TokenRead(ReadModel):
    """Tokens of a login or refresh, and the account they act as."""

    access_token: str
    token_type: Literal["bearer"]
    expires_in: Annotated[int, Field(description="the access token's lifetime in seconds")]
    refresh_token: str
    refresh_expires_in: Annotated[int, Field(description="seconds the refresh token lasts unused")]
    user: UserRead


class StreamTicketRead(ReadModel):
    """A short-lived ticket for opening the event stream."""

    ticket: str
    expires_in: Annotated[int, Field(description="seconds")]


class AuditEntryRead(ReadModel):
    """One audited act; hash covers every other field and the previous entry's hash."""

    id: int
    at: Instant
    actor: str
    role: str
    source_ip: str
    action: str
    target: str
    outcome: str
    detail: Annotated[dict[str, Any], Field(description="what the act carried; its members depend on the action")]
    hash: str


class AuditPage(Page[AuditEntryRead]):
    """A page of audit entries, newest first."""


class AuditVerifyRead(ReadModel):
    """What walking the hash chain found: ok, how many entries, and the first problem with its entry."""

    ok: bool
    checked: int
    problem: str | None
    entry_id: int | None


class FeedEntryRead(ReadModel):
    """An entry of the live feed; payload holds the records its kind names (see docs/api.md)."""

    id: int
    at: Instant
    kind: Annotated[str, Field(description="alert.raised, case.opened, case.updated, team.assigned, team.moved, …")]
    payload: dict[str, Any]


class EventPage(ReadModel):
    """Feed entries after since that the caller may see, oldest first, and the id to ask after next."""

    items: list[FeedEntryRead]
    last_id: int
