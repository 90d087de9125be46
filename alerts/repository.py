"""The store the alerts stage needs; storage backends implement it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from alerts.models import Alert, AlertStatus

BBox = tuple[float, float, float, float]
# One status, or several (OPEN_STATUSES: raised or acknowledged).
StatusFilter = AlertStatus | Collection[AlertStatus]


class AlertRepository(Protocol):
    def add(self, alert: Alert) -> Alert:
        """Store a new alert and return it with its id; a second open alert of one subject and rule is refused."""
        ...

    def update(self, alert: Alert) -> None:
        """Overwrite the stored alert with the same id."""
        ...

    def get(self, alert_id: int, *, for_update: bool = False) -> Alert | None:
        """Return the alert; for_update locks it until the unit of work ends (PostGIS)."""
        ...

    def find_open(self, *, device_id: str, rule_id: str) -> Alert | None:
        """Return the open (raised or acknowledged) alert of this subject and rule, or None."""
        ...

    def for_case(self, case_id: int) -> list[Alert]:
        """Return the alerts linked to a case, oldest first."""
        ...

    def list(self, *, status: StatusFilter | None = None, bbox: BBox | None = None,
             raised_since: datetime | None = None, raised_until: datetime | None = None, limit: int = 100,
             offset: int = 0) -> list[Alert]:
        """Return alerts, newest first (raised_since, raised_until: bounds on raised_at, both inclusive)."""
        ...

    def count(self, *, status: StatusFilter | None = None, bbox: BBox | None = None,
              raised_since: datetime | None = None, raised_until: datetime | None = None) -> int:
        """Return how many alerts match the filters (raised_since, raised_until: bounds on raised_at, inclusive)."""
        ...

    def count_by_grid(self, *, status: StatusFilter | None = None) -> dict[str, int]:
        """Return, per grid code at any level, how many matching alerts lie in it (a town counts its villages')."""
        ...
