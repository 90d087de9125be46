"""Accounts, sessions, API keys, and the principal a request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cases.models import Platform


class Role(StrEnum):
    """Roles of the command room (seed texts: 指挥室值班员, 四个平台, 网格员, 督办, 领导)."""

    ADMIN = "admin"
    OPERATOR = "operator"
    PLATFORM_MEMBER = "platform_member"
    GRID_STAFF = "grid_staff"
    SUPERVISOR = "supervisor"
    VIEWER = "viewer"


@dataclass(frozen=True, slots=True)
class User:
    """A person's account; platform and team for platform members, grid codes for grid staff."""

    username: str
    display_name: str
    role: Role
    password_hash: str
    created_at: datetime
    platform: Platform | None = None
    team_id: str | None = None
    grid_codes: tuple[str, ...] = ()
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    password_changed_at: datetime | None = None
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A login: the hash of its current refresh token, when it was last used and when it ends at the latest."""

    id: str
    username: str
    refresh_hash: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    source_ip: str = ""
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A machine client's key (Open311 apps, the city platform's webhook); only its hash is kept."""

    id: str
    name: str
    role: Role
    key_hash: str
    created_at: datetime
    platform: Platform | None = None
    grid_codes: tuple[str, ...] = ()
    revoked: bool = False
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever a request acts as: a logged-in user or an API key, with what bounds their reach."""

    name: str
    role: Role
    kind: str = "user"
    platform: Platform | None = None
    team_id: str | None = None
    grid_codes: tuple[str, ...] = ()
    session_id: str | None = None

    @property
    def actor(self) -> str:
        """Return the name recorded on case events and audit entries."""
        return self.name if self.kind == "user" else f"apikey:{self.name}"
