"""What a new grid set moves: open cases, open alerts, devices and cameras located with the old and the new index.

Cases and alerts keep the grid they were located in (their grid_path is history: who was told, who handled it);
the report only shows where they would fall now. Devices and cameras stand where they stand: their grid_code
follows the new set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from alerts.models import OPEN_STATUSES
from cases.lifecycle import FINISHED
from gis.index import GridIndex
from iot.models import Device
from video.models import Camera

SHOWN = 10


@dataclass(frozen=True, slots=True)
class Move:
    """One thing whose grid differs between the old and the new set ("" = outside every grid)."""

    id: str
    lon: float
    lat: float
    old_grid: str
    new_grid: str


@dataclass(frozen=True, slots=True)
class MoveSummary:
    """How many things of a kind were located, how many change grid, and the first few that do."""

    kind: str
    total: int
    moved: int
    examples: tuple[Move, ...]
    follows_new_set: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready fields."""
        return {"kind": self.kind, "total": self.total, "moved": self.moved, "follows_new_set": self.follows_new_set,
                "examples": [vars_of(m) for m in self.examples]}


def vars_of(move: Move) -> dict[str, Any]:
    """Return a move's fields."""
    return {"id": move.id, "lon": move.lon, "lat": move.lat, "old_grid": move.old_grid, "new_grid": move.new_grid}


def relocate(kind: str, ids: Sequence[str], lons: Sequence[float], lats: Sequence[float], old: GridIndex,
             new: GridIndex, *, follows_new_set: bool, shown: int = SHOWN) -> tuple[MoveSummary, np.ndarray]:
    """Locate the points in both indexes at once; return the summary and each point's new finest grid."""
    xs, ys = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    before, after = old.locate_many(xs, ys), new.locate_many(xs, ys)
    moved = np.flatnonzero(before != after)
    examples = tuple(Move(str(ids[i]), float(xs[i]), float(ys[i]), str(before[i]), str(after[i]))
                     for i in moved[:shown])
    return MoveSummary(kind, len(ids), int(moved.size), examples, follows_new_set), after


def what_moves(uow: Any, old: GridIndex, new: GridIndex, *, shown: int = SHOWN
               ) -> tuple[list[MoveSummary], list[Device], list[Camera]]:
    """Relocate open cases and alerts, devices and cameras; return the summaries and the devices and cameras whose
    grid_code the new set changes."""
    cases = [c for c in uow.cases.list(limit=max(uow.cases.count(), 1)) if c.status not in FINISHED]
    alerts = uow.alerts.list(status=OPEN_STATUSES, limit=max(uow.alerts.count(status=OPEN_STATUSES), 1))
    devices = [d for d in uow.devices.all() if d.lon is not None and d.lat is not None]
    cameras = uow.cameras.all()
    summaries = [
        relocate("open cases", [str(c.id) for c in cases], [c.lon for c in cases], [c.lat for c in cases], old, new,
                 follows_new_set=False, shown=shown)[0],
        relocate("open alerts", [str(a.id) for a in alerts], [a.lon for a in alerts], [a.lat for a in alerts], old,
                 new, follows_new_set=False, shown=shown)[0],
    ]
    device_moves, device_grids = relocate("devices", [d.id for d in devices], [d.lon for d in devices],
                                          [d.lat for d in devices], old, new, follows_new_set=True, shown=shown)
    camera_moves, camera_grids = relocate("cameras", [c.id for c in cameras], [c.lon for c in cameras],
                                          [c.lat for c in cameras], old, new, follows_new_set=True, shown=shown)
    summaries += [device_moves, camera_moves]
    # Compared with the stored grid_code, not the old index: a code set by hand or a stale one is put right too.
    changed_devices = [replace(d, grid_code=str(g)) for d, g in zip(devices, device_grids, strict=True)
                       if d.grid_code != g]
    changed_cameras = [replace(c, grid_code=str(g)) for c, g in zip(cameras, camera_grids, strict=True)
                       if c.grid_code != g]
    return summaries, changed_devices, changed_cameras
