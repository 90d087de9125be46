"""The town as a whole: its grids, sensors, cameras and teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cases.models import Team
from gis.models import Grid, GridLevel
from iot.models import Device
from video.models import Camera, Credentials


@dataclass(frozen=True)
class Town:
    """Everything placed in one town, positions in WGS-84 (lon, lat); seed is None unless generated from one."""

    grids: list[Grid] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    cameras: list[Camera] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    seed: int | None = None
    # The road network as a GeoJSON FeatureCollection of lines (gis.roads reads it); None: the town has none.
    roads: dict[str, Any] | None = None
    # Stream logins split off the cameras' URLs when read; kept apart from the cameras, never written back.
    camera_credentials: dict[str, Credentials] = field(default_factory=dict, repr=False)

    def grids_at(self, level: GridLevel) -> list[Grid]:
        """Return the grids of one level in file order."""
        return [g for g in self.grids if g.level == level]

    @property
    def town_grid(self) -> Grid:
        """Return the level-1 grid (the whole town)."""
        return self.grids_at(GridLevel.TOWN)[0]
