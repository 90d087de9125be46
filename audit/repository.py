"""The store the audit trail needs; storage backends implement it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from audit.models import AuditEntry


class AuditRepository(Protocol):
    def head(self, *, for_update: bool = False) -> tuple[int, str]:
        """Return the last entry's id and hash ((0, GENESIS_HASH) when empty); for_update serialises appenders."""
        ...

    def append(self, entry: AuditEntry) -> None:
        """Insert an entry (id and hash already set) and move the head to it."""
        ...

    def entries(self, *, after_id: int = 0, limit: int | None = None) -> Iterator[AuditEntry]:
        """Yield entries with id > after_id in id order."""
        ...

    def count(self) -> int: ...
