"""Account rules: create and reset accounts, log in with lockout, refresh with idle timeout, log out, API keys."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from access.errors import AccountLocked, InvalidAccount, NotAuthenticated
from access.models import ApiKey, Principal, Role, Session, User
from access.passwords import DUMMY_HASH, hash_password, verify_password
from access.repository import ApiKeyRepository, SessionRepository, UserRepository
from access.tokens import TokenPolicy, digest, issue_access_token, new_refresh_token
from cases.models import Platform

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$")
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
API_KEY_ID = re.compile(r"^[0-9a-f]{12}$")
API_KEY_PREFIX = "gwk_"


@dataclass(frozen=True, slots=True)
class Tokens:
    """What a login or refresh hands back."""

    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    user: User


def principal_of(user: User, *, session_id: str | None = None) -> Principal:
    """Return the principal a user acts as."""
    return Principal(name=user.username, role=user.role, platform=user.platform, team_id=user.team_id,
                     grid_codes=user.grid_codes, session_id=session_id)


def create_user(*, users: UserRepository, username: str, password: str, role: Role, display_name: str = "",
                platform: Platform | None = None, team_id: str | None = None, grid_codes: tuple[str, ...] = (),
                now: datetime) -> User:
    """Create an account, checking the username, the password's strength and the role's bounds."""
    if not USERNAME.match(username):
        raise InvalidAccount(f"username {username!r}: 2-64 letters, digits or _ . @ -")
    if users.get(username) is not None:
        raise InvalidAccount(f"username {username!r}: already exists")
    if role is Role.PLATFORM_MEMBER and platform is None:
        raise InvalidAccount(f"user {username!r}: a platform member needs a platform")
    if role is Role.GRID_STAFF and not grid_codes:
        raise InvalidAccount(f"user {username!r}: grid staff need at least one grid code")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), created_at=now, platform=platform, team_id=team_id,
                grid_codes=grid_codes, password_changed_at=now)
    users.add(user)
    return user


def reset_password(*, users: UserRepository, sessions: SessionRepository, username: str, password: str,
                   now: datetime) -> User:
    """Set a new password, unlock the account and end its sessions."""
    user = users.get(username)
    if user is None:
        raise InvalidAccount(f"username {username!r}: no such user")
    updated = replace(user, password_hash=hash_password(password), failed_logins=0, locked_until=None,
                      password_changed_at=now, active=True)
    users.update(updated)
    sessions.revoke_all(username)
    return updated


def login(*, users: UserRepository, sessions: SessionRepository, policy: TokenPolicy, username: str,
          password: str, source_ip: str, now: datetime) -> Tokens:
    """Check a password and open a session; count failures and lock the account after too many."""
    user = users.get(username) if USERNAME.match(username) else None
    if user is None or not user.active:
        verify_password(DUMMY_HASH, password)
        raise NotAuthenticated("login: wrong username or password")
    if user.locked_until is not None and user.locked_until <= now:
        # The lock has run out: the next attempts start a fresh count.
        user = replace(user, failed_logins=0, locked_until=None)
    if user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(f"login: account {username!r} is locked until {user.locked_until.isoformat()} "
                            f"after {user.failed_logins} failed attempts")
    if not verify_password(user.password_hash, password):
        failures = user.failed_logins + 1
        locked = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
        users.update(replace(user, failed_logins=failures, locked_until=locked))
        raise NotAuthenticated("login: wrong username or password")
    user = replace(user, failed_logins=0, locked_until=None, last_login_at=now)
    users.update(user)
    session_id = secrets.token_hex(16)
    refresh = _refresh_token_for(session_id)
    sessions.add(Session(id=session_id, username=username, refresh_hash=digest(refresh), created_at=now,
                         last_used_at=now, expires_at=now + policy.max_age, source_ip=source_ip))
    return _tokens(policy, user, session_id, refresh, now)


def refresh_session(*, users: UserRepository, sessions: SessionRepository, policy: TokenPolicy, refresh_token: str,
                    now: datetime) -> Tokens:
    """Trade a refresh token for new tokens (rotating it); an idle, expired or reused one ends the session."""
    session_id, _, _ = refresh_token.partition(".")
    session = sessions.get(session_id, for_update=True) if SESSION_ID.match(session_id) else None
    if session is None or session.revoked:
        raise NotAuthenticated("refresh: no such session; log in again")
    if digest(refresh_token) != session.refresh_hash:
        # A rotated token used again means it leaked: end the session for both holders.
        sessions.update(replace(session, revoked=True))
        raise NotAuthenticated("refresh: token already used; the session is ended, log in again")
    if now - session.last_used_at > policy.idle_timeout or now >= session.expires_at:
        sessions.update(replace(session, revoked=True))
        raise NotAuthenticated("refresh: session expired; log in again")
    user = users.get(session.username)
    if user is None or not user.active:
        raise NotAuthenticated("refresh: the account is gone or disabled")
    refresh = _refresh_token_for(session.id)
    sessions.update(replace(session, refresh_hash=digest(refresh), last_used_at=now))
    return _tokens(policy, user, session.id, refresh, now)


def logout(*, sessions: SessionRepository, session_id: str | None) -> None:
    """End the session a token belongs to."""
    session = sessions.get(session_id) if session_id else None
    if session is not None and not session.revoked:
        sessions.update(replace(session, revoked=True))


def create_api_key(*, keys: ApiKeyRepository, name: str, role: Role, platform: Platform | None = None,
                   grid_codes: tuple[str, ...] = (), now: datetime) -> tuple[ApiKey, str]:
    """Create a key for a machine client; return it and the secret, which is shown once and stored hashed."""
    key_id = secrets.token_hex(6)
    secret = f"{API_KEY_PREFIX}{key_id}.{secrets.token_urlsafe(32)}"
    key = ApiKey(id=key_id, name=name, role=role, key_hash=digest(secret), created_at=now, platform=platform,
                 grid_codes=grid_codes)
    keys.add(key)
    return key, secret


def authenticate_api_key(*, keys: ApiKeyRepository, secret: str) -> Principal:
    """Return the principal of a valid, unrevoked API key, or raise NotAuthenticated."""
    key_id = secret.removeprefix(API_KEY_PREFIX).partition(".")[0]
    key = keys.get(key_id) if secret.startswith(API_KEY_PREFIX) and API_KEY_ID.match(key_id) else None
    if key is None or key.revoked or not secrets.compare_digest(key.key_hash, digest(secret)):
        raise NotAuthenticated("API key: unknown or revoked")
    return Principal(name=key.name, role=key.role, kind="api_key", platform=key.platform, grid_codes=key.grid_codes)


def _refresh_token_for(session_id: str) -> str:
    # The token names its session so refresh can find it; only its hash is stored.
    return f"{session_id}.{new_refresh_token()}"


def _tokens(policy: TokenPolicy, user: User, session_id: str, refresh: str, now: datetime) -> Tokens:
    access = issue_access_token(policy, principal_of(user, session_id=session_id), now=now)
    return Tokens(access_token=access, refresh_token=refresh, expires_in=int(policy.access_ttl.total_seconds()),
                  refresh_expires_in=int(policy.idle_timeout.total_seconds()), user=user)
