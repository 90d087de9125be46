"""Cameras in the registry, their view geometry, and the probes of their streams kept apart from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from video.health import Health

# GB/T 28181 device ids: 20 digits (centre code, industry, type, network flag, serial).
GB28181_ID = re.compile(r"^[0-9]{20}$")
DEFAULT_OWNER = "town"
DEFAULT_HEIGHT_M = 6.0


class Mount(StrEnum):
    """How a camera is mounted: a fixed view, or pan-tilt-zoom that can be turned to a point."""

    FIXED = "fixed"
    PTZ = "ptz"


@dataclass(frozen=True, slots=True)
class Camera:
    """A monitoring point: WGS-84 position, bearing (degrees from north), field of view and range.

    stream_url never holds credentials (they live apart, see video.urls); has_credentials says whether the
    store keeps some for it. grid_code is the finest grid containing the camera, set when loaded.
    """

    id: str
    name: str
    lon: float
    lat: float
    bearing_deg: float
    fov_deg: float
    range_m: float
    owner: str = DEFAULT_OWNER
    stream_url: str = ""
    height_m: float = DEFAULT_HEIGHT_M
    mount: Mount = Mount.FIXED
    grid_code: str = ""
    gb_device_id: str | None = None
    live_url: str = ""
    has_credentials: bool = False
    # The camera's own diagnosis thresholds over the settings' (e.g. {"dark_luma": 15} for a river by night).
    diagnosis_overrides: dict[str, float] = field(default_factory=dict, hash=False)

    def sector(self) -> tuple[float, float, float, float, float]:
        """Return (lon, lat, bearing, fov, range) for the view-sector index."""
        return (self.lon, self.lat, self.bearing_deg, self.fov_deg, self.range_m)


@dataclass(frozen=True, slots=True)
class Credentials:
    """A stream's login, kept apart from its URL; repr never shows the password."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class HealthRecord:
    """One probe of a camera's stream: what it found, the measures behind it, and how the stream opened."""

    camera_id: str
    probed_at: datetime
    status: Health
    measures: dict[str, Any] = field(default_factory=dict)
    open_ms: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    detail: str = ""
