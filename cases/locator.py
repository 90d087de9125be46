"""The in-memory spatial indexes of the hot path, kept fresh from the store by revision numbers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cases.dispatch_policy import DispatchPolicy
from cases.models import Platform, Team, TeamStatus
from cases.repository import TeamRepository
from gis.index import Coverage, GridIndex, PointIndex, Ranked, SectorIndex, rank
from gis.repository import GridRepository
from video.health import Health
from video.models import Camera, Mount
from video.repository import CameraRepository

logger = logging.getLogger(__name__)

# Health of cameras by id, or a function giving it for the ids asked (one store query for the candidates only).
HealthSource = Mapping[str, Health] | Callable[[Sequence[str]], Mapping[str, Health]]
# Healthy first, then never probed, then faulty: an unhealthy camera stays listed, marked, at the end.
TIER_OK, TIER_UNKNOWN, TIER_FAULT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class CoveringCamera:
    """A camera that sees the point: how far, the bearing to it, how far off axis, where to turn, its health."""

    item: Camera
    distance_m: float
    bearing_to_point_deg: float
    off_axis_deg: float
    turn_to_deg: float | None
    score: float
    health: Health | None

    @property
    def healthy(self) -> bool:
        """Return whether the last probe found the picture good."""
        return self.health is Health.OK


def _camera_index(cameras: Sequence[Camera]) -> SectorIndex[Camera]:
    return SectorIndex(cameras, Camera.sector, turnable=lambda c: c.mount is Mount.PTZ)


def _team_index(teams: Sequence[Team]) -> PointIndex[Team]:
    return PointIndex(teams, lambda t: t.position, key=lambda t: t.id)


@dataclass(frozen=True, slots=True)
class _TeamFlags:
    """Arrays over the team index's slots that dispatch masks with, built once per index (not per query)."""

    index: PointIndex[Team]
    platform: np.ndarray
    available: np.ndarray
    silent: np.ndarray


def _team_flags(index: PointIndex[Team]) -> _TeamFlags:
    return _TeamFlags(index, index.values(lambda t: t.platform.value).astype(str),
                      index.values(lambda t: t.status is TeamStatus.AVAILABLE).astype(bool),
                      index.values(lambda t: t.silent).astype(np.int8))


def _tier(health: Health | None) -> int:
    return TIER_UNKNOWN if health is None else TIER_OK if health is Health.OK else TIER_FAULT


class Locator:
    """Answers point → grids, covering cameras and nearest teams from memory; rebuilds what the store changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revisions = {"grids": -1, "cameras": -1, "teams": -1, "team_positions": -1}
        self._grids = GridIndex([])
        self._cameras: SectorIndex[Camera] = _camera_index([])
        self._teams: PointIndex[Team] = _team_index([])
        self._team_flags = _team_flags(self._teams)
        self.team_rebuilds = 0  # how often the team index was built from every team (tests and benchmarks read it)
        # Set once at start-up (road network, offer timeout); every process that dispatches holds the same one.
        self.dispatch = DispatchPolicy()

    @classmethod
    def of_cameras(cls, cameras: Sequence[Camera]) -> Locator:
        """Return a locator over these cameras alone, without a store (benchmarks, tools, tests)."""
        locator = cls()
        locator._cameras = _camera_index(cameras)
        return locator

    def refresh(self, *, grids: GridRepository, cameras: CameraRepository, teams: TeamRepository) -> None:
        """Rebuild each index whose table changed since the last refresh (three tiny queries otherwise)."""
        with self._lock:
            revision = grids.revision()
            if revision != self._revisions["grids"]:
                # Prepared here, once per change of grids, so no lookup of a batch or request pays for it.
                self._grids = GridIndex(grids.all()).prepare()
                self._revisions["grids"] = revision
                logger.info("grid index rebuilt: %d grids", len(self._grids))
            revision = cameras.revision()
            if revision != self._revisions["cameras"]:
                self._cameras = _camera_index(cameras.all())
                self._revisions["cameras"] = revision
                logger.info("camera index rebuilt: %d cameras", len(self._cameras))
            self._refresh_teams(teams)

    def _refresh_teams(self, teams: TeamRepository) -> None:
        # Read both counters before any row: a change committed meanwhile is fetched again next time, never missed.
        revision, moved_at = teams.revision(), teams.positions_revision()
        if revision != self._revisions["teams"]:
            self._teams = _team_index(teams.all())
            self.team_rebuilds += 1
        elif moved_at != self._revisions["team_positions"]:
            # Moves and silence: fetch only the teams stamped since the last look, put them in place (O(moved)).
            moved = teams.moved_since(self._revisions["team_positions"])
            updated = self._teams.with_moved(moved)
            if updated is None:  # a team placed for the first time: build again
                updated = _team_index(teams.all())
                self.team_rebuilds += 1
            self._teams = updated
        self._revisions["teams"], self._revisions["team_positions"] = revision, moved_at
        if self._team_flags.index is not self._teams:
            self._team_flags = _team_flags(self._teams)

    def grid_path(self, lon: float, lat: float) -> tuple[str, ...]:
        """Return the codes of the grids containing a WGS-84 point, coarsest first."""
        return self._grids.locate(lon, lat).codes

    @property
    def grid_index(self) -> GridIndex:
        """Return the grid index as of the last refresh: hold it for a request so every answer comes from one set."""
        return self._grids

    def covering_cameras(self, lon: float, lat: float, *, limit: int = 8,
                         health: HealthSource | None = None) -> list[CoveringCamera]:
        """Return the cameras whose view covers the point: healthy first, then by score (see gis.index.Coverage).

        Fixed cameras count when the point lies in their sector, PTZ ones when it is within range (turn_to_deg
        says where to turn them). Health is looked up per call, never kept in the index, so probes never
        rebuild it; without health every camera ranks as never probed.
        """
        hits = self._cameras.hits(lon, lat)
        if callable(health):
            status = health([h.item.id for h in hits]) if hits else {}
        else:
            status = health or {}
        ranked = rank(hits, limit=limit, tier=lambda camera: _tier(status.get(camera.id)))
        return [_covering(c, status.get(c.item.id)) for c in ranked]

    def nearest_teams(self, platform: Platform, lon: float, lat: float, *, limit: int = 50) -> list[Ranked[Team]]:
        """Return the platform's teams that are not off duty: reporting ones nearest first, then silent ones nearest first.

        A silent team may still be sent (its phone may only be flat), but its position is stale, so every team
        whose position is current goes before it; availability is the store's to say.
        """
        candidates = self._teams.nearest(
            lon, lat, where=lambda t: t.platform == platform and t.status != TeamStatus.OFF_DUTY, limit=len(self._teams)
        )
        # A stable sort keeps distance order within each group.
        return sorted(candidates, key=lambda r: r.item.silent)[:limit]


    def available_teams(self, platform: Platform, lon: float, lat: float, *,
                        exclude: Collection[str] = ()) -> Iterator[Ranked[Team]]:
        """Yield the platform's teams the index holds available, not excluded: reporting ones nearest first, then
        silent ones nearest first (vectorised: dispatch's hot path; the store's claim still decides)."""
        flags = self._team_flags
        mask = flags.available & (flags.platform == platform.value)
        for team_id in exclude:
            slot = flags.index.slot(team_id)
            if slot is not None:
                mask[slot] = False
        return flags.index.ranked_among(lon, lat, mask, tier=flags.silent)

    # Issue 10, lookups for the command room: teams and cameras within a radius, grids near a point outside.
    def teams_within(self, lon: float, lat: float, radius_m: float, *, platform: Platform | None = None,
                     limit: int | None = None) -> list[Ranked[Team]]:
        """Return the teams (of a platform, or all) within radius_m of a WGS-84 point, nearest first; any status."""
        return self._teams.within(lon, lat, radius_m, where=lambda t: platform is None or t.platform == platform,
                                  limit=limit)

    def cameras_within(self, lon: float, lat: float, radius_m: float) -> list[Ranked[Camera]]:
        """Return the cameras standing within radius_m of a WGS-84 point, nearest first, whatever they face."""
        return self._cameras.within(lon, lat, radius_m)

    def nearest_grids(self, lon: float, lat: float, k: int = 3, *, level: int | None = None) -> list[Ranked[Grid]]:
        """Return the k finest grids (or of a level) nearest to a point, in metres: where an outsider is closest to."""
        return self._grids.nearest(lon, lat, k, level=level)

    def grids_in_bbox(self, bbox: tuple[float, float, float, float], *, level: int | None = None) -> list[Grid]:
        """Return the grids (of a level, or all) meeting the WGS-84 bbox, by code."""
        return self._grids.in_bbox(bbox, level=level)


def _covering(hit: Coverage[Camera], health: Health | None) -> CoveringCamera:
    return CoveringCamera(hit.item, hit.distance_m, hit.bearing_to_point_deg, hit.off_axis_deg, hit.turn_to_deg,
                          hit.score, health)
