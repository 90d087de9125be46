"""A feed entry and the store of entries: a transactional outbox that browsers and other processes read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of the live feed (new alert, case, assignment, step) with its ever-growing id."""

    id: int
    at: datetime
    kind: str
    payload: dict[str, Any] = field(hash=False)


class FeedRepository(Protocol):
    def append(self, kind: str, payload: dict[str, Any], *, at: datetime) -> FeedEntry:
        """Append an entry; it becomes visible to readers when the unit of work commits."""
        ...

    def since(self, last_id: int, *, limit: int = 500) -> list[FeedEntry]:
        """Return entries with id > last_id, oldest first."""
        ...

    def last_id(self) -> int:
        """Return the newest entry's id, 0 when empty."""
        ...

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit entries appended before cutoff, oldest first; return how many were deleted."""
        ...
