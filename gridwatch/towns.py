"""Put a town's files into the store, and make the synthetic town when there are none."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace as changed
from pathlib import Path

from gis.errors import GisError
from gis.index import GridIndex
from gis.models import Grid, GridLevel
from gis.repository import GridRepository
from iot.models import Device
from iot.provisioning import with_grid
from storage import Store
from town.files import read_town, write_town
from town.generate import generate_town
from town.models import Town
from video.models import Camera
from video.urls import UrlPolicy

logger = logging.getLogger(__name__)

TOWN_MARKER = "town.json"


def ensure_town_files(town_dir: Path, *, seed: int) -> Path:
    """Generate the synthetic town into town_dir unless a town is already there; return the folder."""
    if (town_dir / TOWN_MARKER).exists():
        return town_dir
    town_dir.mkdir(parents=True, exist_ok=True)
    write_town(generate_town(seed), town_dir)
    logger.info("generated the synthetic town (seed %d) in %s", seed, town_dir)
    return town_dir


class DifferentTownError(GisError):
    """The store holds another town than the one being loaded; the message names both."""


def town_identity(grids: Iterable[Grid]) -> tuple[tuple[str, str], ...]:
    """Return what names a town: (code, name) of its coarsest grids, by code; () for no grids."""
    grids = list(grids)
    if not grids:
        return ()
    coarsest = min(grid.level for grid in grids)
    return tuple(sorted((grid.code, grid.name) for grid in grids if grid.level == coarsest))


def stored_town_identity(grids: GridRepository) -> tuple[tuple[str, str], ...]:
    """Return the identity of the town in the store, () when it holds no grids."""
    for level in sorted(GridLevel):
        count = grids.count(level=level)
        if count:
            return tuple(sorted((g.code, g.name) for g in grids.list(level=level, limit=count)))
    return ()


def describe_town(identity: tuple[tuple[str, str], ...]) -> str:
    """Return a town's identity as people read it: "321283101 杨胜镇"."""
    shown = ", ".join(f"{code} {name}" for code, name in identity[:3])
    return shown + (f" and {len(identity) - 3} more grids" if len(identity) > 3 else "")


def with_grid_codes(cameras: Iterable[Camera], grids: GridIndex) -> list[Camera]:
    """Return the cameras with grid_code set to the finest grid containing each (kept when none does)."""
    located = []
    for camera in cameras:
        finest = grids.locate(camera.lon, camera.lat).finest
        located.append(camera if finest is None or finest == camera.grid_code else changed(camera, grid_code=finest))
    return located


def devices_with_grid_codes(devices: Iterable[Device], grids: GridIndex) -> list[Device]:
    """Return the devices with an empty grid_code located in the finest grid containing them (when one does)."""
    return [with_grid(d, lambda lon, lat: grids.locate(lon, lat).finest or "") for d in devices]


def load_town(store: Store, town: Town, *, replace: bool = False) -> dict[str, int]:
    """Write a town's grids, sensors, cameras and teams in one transaction; return the counts.

    The same town again updates it in place. Another town is refused, unless replace: then the store's grids,
    sensors, cameras and teams become this town's. Cases, alerts and readings stay as they are.
    """
    incoming = town_identity(town.grids)
    index = GridIndex(town.grids)
    cameras = with_grid_codes(town.cameras, index)
    devices = devices_with_grid_codes(town.devices, index)
    with store.unit_of_work() as uow:
        stored = stored_town_identity(uow.grids)
        different = bool(stored) and bool(incoming) and stored != incoming
        if different and not replace:
            raise DifferentTownError(
                f"the store holds town {describe_town(stored)}; the files are town {describe_town(incoming)}. "
                "Loading them would mix two towns: load with --replace to replace the store's grids, sensors, "
                "cameras and teams (cases are kept)")
        if different:
            logger.warning("replacing town %s with %s", describe_town(stored), describe_town(incoming))
            return {
                "grids": uow.grids.replace_all(town.grids),
                "devices": uow.devices.replace_all(devices),
                "cameras": uow.cameras.replace_all(cameras, town.camera_credentials),
                "teams": uow.teams.replace_all(town.teams),
            }
        return {
            "grids": uow.grids.upsert_many(town.grids),
            "devices": uow.devices.upsert_many(devices),
            "cameras": uow.cameras.upsert_many(cameras, town.camera_credentials),
            "teams": uow.teams.upsert_many(town.teams),
        }


def load_town_dir(store: Store, town_dir: Path, *, replace: bool = False, policy: UrlPolicy | None = None
                  ) -> dict[str, int]:
    """Read and validate a town folder (camera URLs through the SSRF guard of policy), then load it."""
    return load_town(store, read_town(town_dir, policy), replace=replace)
