"""The in-memory spatial indexes of the hot path, kept fresh from the store by revision numbers."""

from __future__ import annotations

import logging
import threading

from cases.models import Platform, Team, TeamStatus
from cases.repository import TeamRepository
from gis.index import GridIndex, PointIndex, Ranked, SectorIndex
from gis.repository import GridRepository
from video.models import Camera
from video.repository import CameraRepository

logger = logging.getLogger(__name__)


class Locator:
    """Answers point → grids, covering cameras and nearest teams from memory; rebuilds what the store changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revisions = {"grids": -1, "cameras": -1, "teams": -1}
        self._grids = GridIndex([])
        self._cameras: SectorIndex[Camera] = SectorIndex([], Camera.sector)
        self._teams: PointIndex[Team] = PointIndex([], lambda t: t.position)

    def refresh(self, *, grids: GridRepository, cameras: CameraRepository, teams: TeamRepository) -> None:
        """Rebuild each index whose table changed since the last refresh (three tiny queries otherwise)."""
        with self._lock:
            revision = grids.revision()
            if revision != self._revisions["grids"]:
                self._grids = GridIndex(grids.all())
                self._revisions["grids"] = revision
                logger.info("grid index rebuilt: %d grids", len(self._grids))
            revision = cameras.revision()
            if revision != self._revisions["cameras"]:
                self._cameras = SectorIndex(cameras.all(), Camera.sector)
                self._revisions["cameras"] = revision
                logger.info("camera index rebuilt: %d cameras", len(self._cameras))
            revision = teams.revision()
            if revision != self._revisions["teams"]:
                self._teams = PointIndex(teams.all(), lambda t: t.position)
                self._revisions["teams"] = revision

    def grid_path(self, lon: float, lat: float) -> tuple[str, ...]:
        """Return the codes of the grids containing a WGS-84 point, coarsest first."""
        return self._grids.locate(lon, lat).codes

    def covering_cameras(self, lon: float, lat: float, *, limit: int = 8) -> list[Ranked[Camera]]:
        """Return the cameras whose view covers the point, nearest first."""
        return self._cameras.covering(lon, lat, limit=limit)

    def nearest_teams(self, platform: Platform, lon: float, lat: float, *, limit: int = 50) -> list[Ranked[Team]]:
        """Return the platform's teams that are not off duty, nearest first (availability is the store's to say)."""
        return self._teams.nearest(
            lon, lat, where=lambda t: t.platform == platform and t.status != TeamStatus.OFF_DUTY, limit=limit
        )
