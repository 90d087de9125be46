"""The store accounts need; storage backends implement it."""

from __future__ import annotations

from typing import Protocol

from access.models import ApiKey, Session, User


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Store a new user; raise StorageError if the username exists."""
        ...

    def get(self, username: str) -> User | None: ...
    def update(self, user: User) -> None:
        """Overwrite the stored user with the same username."""
        ...

    def list(self) -> list[User]:
        """Return every user ordered by username."""
        ...


class SessionRepository(Protocol):
    def add(self, session: Session) -> None: ...
    def get(self, session_id: str, *, for_update: bool = False) -> Session | None: ...
    def update(self, session: Session) -> None: ...
    def revoke_all(self, username: str) -> int:
        """Revoke every session of a user (password reset); return how many."""
        ...


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey) -> None: ...
    def get(self, key_id: str) -> ApiKey | None: ...
    def update(self, key: ApiKey) -> None: ...
    def list(self) -> list[ApiKey]:
        """Return every key ordered by id."""
        ...
