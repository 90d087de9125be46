"""The work queues' counts (definitions: cases/queues.py) and the dashboard of a period (docs/api.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.assessment import AssessmentRowRead, Rate
from api.responses.common import Instant, ReadModel
from cases.queues import Queue


class QueueCountRead(ReadModel):
    """How many cases within the caller's reach wait in one queue."""

    queue: Queue
    count: Annotated[int, Field(ge=0)]


class QueuesRead(ReadModel):
    """Every queue's count at one instant, in the order the command room shows them."""

    at: Instant
    queues: list[QueueCountRead]


class DashboardTotalsRead(ReadModel):
    """The period's figures, as the assessment's total row defines them, and the cases open now."""

    received: Annotated[int, Field(ge=0)]
    closed: Annotated[int, Field(ge=0)]
    closure_rate: Rate
    on_time_rate: Rate
    satisfaction_avg: Annotated[float | None, Field(ge=1, le=5)]
    open: Annotated[int, Field(ge=0, description="cases not finished now, whenever received")]


class TrendDayRead(ReadModel):
    """One Beijing day of the period: cases received that day and, of those, closed now (the assessment's terms)."""

    day: Annotated[str, Field(description="YYYY-MM-DD in Asia/Shanghai")]
    received: Annotated[int, Field(ge=0)]
    closed: Annotated[int, Field(ge=0)]


class TopCategoryRead(ReadModel):
    """A category with how many cases of it were received in the period."""

    category: str
    name_zh: str
    name_en: str
    count: Annotated[int, Field(ge=1)]


class HotSpotRead(ReadModel):
    """A heatmap bin among the period's busiest: its centre (WGS-84), its count and the finest grid at the centre."""

    lon: float
    lat: float
    count: Annotated[int, Field(ge=1)]
    grid_code: str | None
    grid_name: str | None


class SensorHealthRead(ReadModel):
    """Registered devices, those with an open silence alert, and the rest."""

    online: Annotated[int, Field(ge=0)]
    silent: Annotated[int, Field(ge=0)]
    total: Annotated[int, Field(ge=0)]


class HealthRead(ReadModel):
    """Cameras per health state of their latest probe ('unknown': never probed) and the sensors' silence."""

    cameras: dict[str, int]
    sensors: SensorHealthRead


class DashboardRead(ReadModel):
    """The command room's dashboard of a period in Beijing time, from its start up to now, within the caller's reach."""

    period: Literal["today", "week", "month"]
    since: Instant
    until: Instant
    timezone: Literal["Asia/Shanghai"]
    totals: DashboardTotalsRead
    by_platform: list[AssessmentRowRead]
    by_grid: list[AssessmentRowRead]
    trend: list[TrendDayRead]
    top_categories: list[TopCategoryRead]
    hot_spots: list[HotSpotRead]
    health: HealthRead
