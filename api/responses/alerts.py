"""Answers about alerts beyond the list: counts up the grid hierarchy."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.common import ReadModel

# A status, or "open" for raised and acknowledged alike.
AlertStatusFilter = Literal["raised", "acknowledged", "cleared", "open"]


class GridAlertCount(ReadModel):
    """How many alerts lie in one grid, its finer grids included."""

    code: str
    name: str
    level: Annotated[int, Field(ge=1)]
    parent_code: str | None
    count: Annotated[int, Field(ge=0)]


class AlertCounts(ReadModel):
    """Alert counts per grid of the level (or under the grid) asked, for the map."""

    status: AlertStatusFilter
    level: Annotated[int | None, Field(ge=1)]
    grid: str | None
    total: Annotated[int, Field(ge=0, description="alerts of the status in the town, whatever their grid")]
    grids: list[GridAlertCount]
