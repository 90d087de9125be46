"""Cameras and their view geometry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CameraStatus(StrEnum):
    """Health of a camera's stream as last probed."""

    UNKNOWN = "unknown"
    ONLINE = "online"
    NO_SIGNAL = "no_signal"
    FROZEN = "frozen"
    BLURRED = "blurred"
    COVERED = "covered"


@dataclass(frozen=True, slots=True)
class Camera:
    """A monitoring point: WGS-84 position, bearing (degrees from north), field of view and range."""

    id: str
    name: str
    lon: float
    lat: float
    bearing_deg: float
    fov_deg: float
    range_m: float
    owner: str = "town"
    stream_url: str = ""
    status: CameraStatus = CameraStatus.UNKNOWN

    def sector(self) -> tuple[float, float, float, float, float]:
        """Return (lon, lat, bearing, fov, range) for the view-sector index."""
        return (self.lon, self.lat, self.bearing_deg, self.fov_deg, self.range_m)
