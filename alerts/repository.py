"""The store the alerts stage needs; storage backends implement it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from alerts.models import Alert, AlertStatus

BBox = tuple[float, float, float, float]


class AlertRepository(Protocol):
    def add(self, alert: Alert) -> Alert:
        """Store a new alert and return it with its id."""
        ...

    def update(self, alert: Alert) -> None:
        """Overwrite the stored alert with the same id."""
        ...

    def get(self, alert_id: int) -> Alert | None: ...
    def find_open(self, *, device_id: str, metric: str) -> Alert | None: ...
    def list(self, *, status: AlertStatus | None = None, bbox: BBox | None = None, limit: int = 100,
             offset: int = 0) -> list[Alert]:
        """Return alerts, newest first."""
        ...

    def count(self, *, status: AlertStatus | None = None, bbox: BBox | None = None,
              raised_since: datetime | None = None) -> int:
        """Return how many alerts match the filters (raised_since: raised at or after that instant)."""
        ...
