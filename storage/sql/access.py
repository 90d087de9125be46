"""Accounts, sessions and API keys."""

from __future__ import annotations

from typing import Any

from access.models import ApiKey, Role, Session, User
from cases.models import Platform
from storage.contract import StorageError
from storage.sql.db import Db

_USER = ("username", "display_name", "role", "password_hash", "platform", "team_id", "grid_codes", "active",
         "failed_logins", "locked_until", "created_at", "password_changed_at", "last_login_at")
_SESSION = ("id", "username", "refresh_hash", "created_at", "last_used_at", "expires_at", "source_ip", "revoked")
_KEY = ("id", "name", "role", "key_hash", "platform", "grid_codes", "created_at", "revoked", "last_used_at")


def _marks(columns: tuple[str, ...], json_param: str, json_column: str = "grid_codes") -> str:
    return ", ".join(json_param if c == json_column else "?" for c in columns)


class SqlUserRepository:
    """UserRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _values(self, u: User) -> tuple[Any, ...]:
        d = self._d
        return (u.username, u.display_name, str(u.role), u.password_hash, str(u.platform) if u.platform else None,
                u.team_id, d.json_to_db(list(u.grid_codes), where=f"user {u.username}.grid_codes"), bool(u.active),
                u.failed_logins, d.optional_time_to_db(u.locked_until, where=f"user {u.username}.locked_until"),
                d.time_to_db(u.created_at, where=f"user {u.username}.created_at"),
                d.optional_time_to_db(u.password_changed_at, where=f"user {u.username}.password_changed_at"),
                d.optional_time_to_db(u.last_login_at, where=f"user {u.username}.last_login_at"))

    def _user(self, row: Any) -> User:
        d = self._d
        return User(username=row["username"], display_name=row["display_name"], role=Role(row["role"]),
                    password_hash=row["password_hash"], platform=Platform(row["platform"]) if row["platform"] else None,
                    team_id=row["team_id"], grid_codes=tuple(d.json_from_db(row["grid_codes"])),
                    active=bool(row["active"]), failed_logins=row["failed_logins"],
                    locked_until=d.optional_time_from_db(row["locked_until"]),
                    created_at=d.time_from_db(row["created_at"]),
                    password_changed_at=d.optional_time_from_db(row["password_changed_at"]),
                    last_login_at=d.optional_time_from_db(row["last_login_at"]))

    def add(self, user: User) -> None:
        """Store a new user; raise StorageError if the username exists."""
        if self.get(user.username) is not None:
            raise StorageError(f"user {user.username!r}: already exists")
        self._db.execute(f"INSERT INTO users ({', '.join(_USER)}) VALUES ({_marks(_USER, self._d.json_param)})",
                         self._values(user))

    def get(self, username: str) -> User | None:
        """Return the user, or None."""
        row = self._db.one(f"SELECT {', '.join(_USER)} FROM users WHERE username = ?", (username,))
        return None if row is None else self._user(row)

    def update(self, user: User) -> None:
        """Overwrite the stored user with the same username."""
        sets = ", ".join(f"{c} = {self._d.json_param if c == 'grid_codes' else '?'}" for c in _USER[1:])
        cur = self._db.execute(f"UPDATE users SET {sets} WHERE username = ?", (*self._values(user)[1:], user.username))
        if cur.rowcount == 0:
            raise StorageError(f"user {user.username!r}: not found, nothing updated")

    def list(self) -> list[User]:
        """Return every user ordered by username."""
        return [self._user(r) for r in self._db.execute(f"SELECT {', '.join(_USER)} FROM users ORDER BY username")]


class SqlSessionRepository:
    """SessionRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _values(self, s: Session) -> tuple[Any, ...]:
        d, where = self._d, f"session {s.id}"
        return (s.id, s.username, s.refresh_hash, d.time_to_db(s.created_at, where=where),
                d.time_to_db(s.last_used_at, where=where), d.time_to_db(s.expires_at, where=where), s.source_ip,
                bool(s.revoked))

    def _session(self, row: Any) -> Session:
        d = self._d
        return Session(id=row["id"], username=row["username"], refresh_hash=row["refresh_hash"],
                       created_at=d.time_from_db(row["created_at"]), last_used_at=d.time_from_db(row["last_used_at"]),
                       expires_at=d.time_from_db(row["expires_at"]), source_ip=row["source_ip"],
                       revoked=bool(row["revoked"]))

    def add(self, session: Session) -> None:
        """Store a new session."""
        self._db.execute(f"INSERT INTO sessions ({', '.join(_SESSION)}) VALUES ({', '.join('?' * len(_SESSION))})",
                         self._values(session))

    def get(self, session_id: str, *, for_update: bool = False) -> Session | None:
        """Return the session; for_update keeps a concurrent refresh from using the same token."""
        lock = self._d.for_update if for_update else ""
        row = self._db.one(f"SELECT {', '.join(_SESSION)} FROM sessions WHERE id = ?{lock}", (session_id,))
        return None if row is None else self._session(row)

    def update(self, session: Session) -> None:
        """Overwrite the stored session with the same id."""
        sets = ", ".join(f"{c} = ?" for c in _SESSION[1:])
        cur = self._db.execute(f"UPDATE sessions SET {sets} WHERE id = ?", (*self._values(session)[1:], session.id))
        if cur.rowcount == 0:
            raise StorageError(f"session {session.id}: not found, nothing updated")

    def revoke_all(self, username: str) -> int:
        """Revoke every open session of a user; return how many."""
        cur = self._db.execute("UPDATE sessions SET revoked = ? WHERE username = ? AND revoked = ?",
                               (True, username, False))
        return cur.rowcount


class SqlApiKeyRepository:
    """ApiKeyRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _values(self, k: ApiKey) -> tuple[Any, ...]:
        d = self._d
        return (k.id, k.name, str(k.role), k.key_hash, str(k.platform) if k.platform else None,
                d.json_to_db(list(k.grid_codes), where=f"api key {k.id}.grid_codes"),
                d.time_to_db(k.created_at, where=f"api key {k.id}"), bool(k.revoked),
                d.optional_time_to_db(k.last_used_at, where=f"api key {k.id}"))

    def _key(self, row: Any) -> ApiKey:
        d = self._d
        return ApiKey(id=row["id"], name=row["name"], role=Role(row["role"]), key_hash=row["key_hash"],
                      platform=Platform(row["platform"]) if row["platform"] else None,
                      grid_codes=tuple(d.json_from_db(row["grid_codes"])), created_at=d.time_from_db(row["created_at"]),
                      revoked=bool(row["revoked"]), last_used_at=d.optional_time_from_db(row["last_used_at"]))

    def add(self, key: ApiKey) -> None:
        """Store a new key."""
        self._db.execute(f"INSERT INTO api_keys ({', '.join(_KEY)}) VALUES ({_marks(_KEY, self._d.json_param)})",
                         self._values(key))

    def get(self, key_id: str) -> ApiKey | None:
        """Return the key, or None."""
        row = self._db.one(f"SELECT {', '.join(_KEY)} FROM api_keys WHERE id = ?", (key_id,))
        return None if row is None else self._key(row)

    def update(self, key: ApiKey) -> None:
        """Overwrite the stored key with the same id."""
        sets = ", ".join(f"{c} = {self._d.json_param if c == 'grid_codes' else '?'}" for c in _KEY[1:])
        cur = self._db.execute(f"UPDATE api_keys SET {sets} WHERE id = ?", (*self._values(key)[1:], key.id))
        if cur.rowcount == 0:
            raise StorageError(f"api key {key.id}: not found, nothing updated")

    def list(self) -> list[ApiKey]:
        """Return every key ordered by id."""
        return [self._key(r) for r in self._db.execute(f"SELECT {', '.join(_KEY)} FROM api_keys ORDER BY id")]
