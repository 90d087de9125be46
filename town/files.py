"""A town on disk: grids.geojson, cameras.csv, sensors.csv, teams.csv, roads.geojson and a town.json summary."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import shapely

from cases.models import Platform
from gis.crs import Crs
from gis.models import GridLevel
from iot.models import SensorKind
from town.errors import TownFileError
from town.grid_file import read_grids, write_grids
from town.models import Town
from town.projection import geodesic_area_m2
from town.tables import read_cameras, read_sensors, read_teams, write_cameras, write_sensors, write_teams
from video.urls import UrlPolicy

logger = logging.getLogger(__name__)

T = TypeVar("T")

GRIDS_FILE = "grids.geojson"
CAMERAS_FILE = "cameras.csv"
SENSORS_FILE = "sensors.csv"
TEAMS_FILE = "teams.csv"
ROADS_FILE = "roads.geojson"
SUMMARY_FILE = "town.json"
SUMMARY_FORMAT = "gridwatch-town/1"


def write_town(town: Town, out_dir: Path) -> list[Path]:
    """Write the town's data files (roads.geojson when it has roads) and town.json into out_dir; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [
        write_grids(town.grids, out_dir / GRIDS_FILE),
        write_cameras(town.cameras, out_dir / CAMERAS_FILE),
        write_sensors(town.devices, out_dir / SENSORS_FILE),
        write_teams(town.teams, out_dir / TEAMS_FILE),
    ]
    if town.roads is not None:
        roads = out_dir / ROADS_FILE
        roads.write_text(json.dumps(town.roads, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(roads)
    summary = out_dir / SUMMARY_FILE
    summary.write_text(json.dumps(summarise(town), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths.append(summary)
    logger.info("wrote town", extra={"dir": str(out_dir), "files": len(paths)})
    return paths


def read_town(in_dir: Path, policy: UrlPolicy | None = None) -> Town:
    """Read and validate a town from in_dir; grids.geojson is required, the CSV files and town.json optional.

    Camera stream URLs pass the SSRF guard of policy (default: nothing local allowed).
    """
    grids_path = in_dir / GRIDS_FILE
    if not grids_path.is_file():
        raise TownFileError(f"{GRIDS_FILE}: not found in {in_dir}")
    cameras_path = in_dir / CAMERAS_FILE
    cameras, credentials = read_cameras(cameras_path, policy) if cameras_path.is_file() else (
        _optional(cameras_path, lambda path: []), {})
    town = Town(
        grids=read_grids(grids_path),
        devices=_optional(in_dir / SENSORS_FILE, read_sensors),
        cameras=cameras,
        teams=_optional(in_dir / TEAMS_FILE, read_teams),
        camera_credentials=credentials,
        roads=_roads(in_dir / ROADS_FILE),
    )
    return replace(town, seed=_seed_if_unchanged(town, in_dir / SUMMARY_FILE))


def summarise(town: Town) -> dict[str, Any]:
    """Return town.json's content: seed, counts, bbox and area; no clock time, so equal towns give equal files."""
    # A user's file may lack the level-1 grid; the coarsest level present still covers the whole town.
    coarsest = min((grid.level for grid in town.grids), default=GridLevel.TOWN)
    top = town.grids_at(coarsest)
    bounds = shapely.total_bounds([grid.geometry for grid in town.grids]) if town.grids else None
    return {
        "format": SUMMARY_FORMAT,
        "seed": town.seed,
        "crs": Crs.WGS84.value,
        "town": {"code": top[0].code, "name": top[0].name} if len(top) == 1 else None,
        "area_km2": round(sum(geodesic_area_m2(grid.geometry) for grid in top) / 1e6, 3),
        "bbox": None if bounds is None else [round(float(v), 7) for v in bounds],
        "counts": _counts(town),
        "files": [GRIDS_FILE, CAMERAS_FILE, SENSORS_FILE, TEAMS_FILE],
    }


def _counts(town: Town) -> dict[str, Any]:
    """Return the counts town.json records, keyed by level, kind and platform in a fixed order."""
    levels = Counter(grid.level for grid in town.grids)
    kinds = Counter(device.kind for device in town.devices)
    platforms = Counter(team.platform for team in town.teams)
    return {
        # The seeds' levels by name, any deeper level a user's file adds as level_N.
        "grids": {**{level.name.lower(): levels[level] for level in GridLevel},
                  **{f"level_{level}": levels[level] for level in sorted(levels) if level > max(GridLevel)}},
        "cameras": len(town.cameras),
        "sensors": {kind.value: kinds[kind] for kind in SensorKind},
        "teams": {platform.value: platforms[platform] for platform in Platform},
    }


def _roads(path: Path) -> dict[str, Any] | None:
    """Return the road file's FeatureCollection as read (gis.roads checks it when it is loaded), None without one."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise TownFileError(f"{ROADS_FILE}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise TownFileError(f"{ROADS_FILE}: expected a GeoJSON FeatureCollection")
    return data


def _optional(path: Path, read: Callable[[Path], list[T]]) -> list[T]:
    """Return what read finds in path, or nothing when the file is absent."""
    if path.is_file():
        return read(path)
    logger.warning("town file missing; reading none", extra={"file": str(path)})
    return []


def _seed_if_unchanged(town: Town, summary: Path) -> int | None:
    """Return the seed town.json records, unless the files no longer hold the counts it lists (replaced by a user's)."""
    if not summary.is_file():
        return None
    try:
        recorded = json.loads(summary.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TownFileError(f"{SUMMARY_FILE}: not valid JSON: {exc}") from None
    if not isinstance(recorded, dict):
        raise TownFileError(f"{SUMMARY_FILE}: expected a JSON object")
    seed = recorded.get("seed")
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool)):
        raise TownFileError(f"{SUMMARY_FILE}: seed {seed!r} is not a whole number")
    if recorded.get("counts") != _counts(town):
        logger.warning("files differ from town.json; not the generated town of its seed", extra={"seed": seed})
        return None
    return seed
