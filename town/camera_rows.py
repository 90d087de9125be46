"""One camera record of cameras.csv or a camera GeoJSON feature: every registry field, validated and named."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gis.crs import Crs
from town.rows import Row
from video.diagnosis import Thresholds
from video.errors import VideoError
from video.models import DEFAULT_HEIGHT_M, DEFAULT_OWNER, GB28181_ID, Camera, Credentials, Mount
from video.urls import UrlPolicy, check_live_url, check_stream_url, split_credentials

REQUIRED = ("id", "name", "lon", "lat", "bearing_deg", "fov_deg", "range_m")
# cameras.csv and the export carry these, in this order; credentials never.
CAMERA_COLUMNS = ("id", "name", "lon", "lat", "crs", "bearing_deg", "fov_deg", "range_m", "height_m", "mount",
                  "owner", "grid_code", "gb_device_id", "stream_url", "live_url", "diagnosis_overrides")
# A camera that sees farther than this is a typo, not a town camera; a pole higher than this is a tower.
MAX_RANGE_M = 5000.0
MAX_HEIGHT_M = 300.0


@dataclass(frozen=True, slots=True)
class CameraRow:
    """A camera read from a file, with the login its stream URL carried (split off), if any."""

    camera: Camera
    credentials: Credentials | None


class FeatureRow(Row):
    """A GeoJSON feature's properties read like a CSV record; messages say 'file feature n'."""

    @property
    def where(self) -> str:
        """Return 'file feature n' (0-based, as GeoJSON tools count features)."""
        return f"{self.file} feature {self.line}"


def camera_from_row(row: Row, policy: UrlPolicy) -> CameraRow:
    """Return the camera of one record, or raise TownFileError naming the row and the field."""
    lon, lat = row.position()
    gb_id = row.raw("gb_device_id") or None
    if gb_id is not None and not GB28181_ID.match(gb_id):
        raise row.error(f"gb_device_id {gb_id!r} is not a 20-digit GB/T 28181 device id")
    stream_url, credentials = split_credentials(row.raw("stream_url"))
    live_url = row.raw("live_url")
    if split_credentials(live_url)[1] is not None:
        raise row.error("live_url carries a login, which every browser would see; use the media server's tokens")
    try:
        if stream_url:
            check_stream_url(stream_url, policy, where=f"{row.where}: stream_url")
        if live_url:
            check_live_url(live_url, policy, where=f"{row.where}: live_url")
    except VideoError as exc:
        raise row.error(str(exc).removeprefix(f"{row.where}: ")) from None
    camera = Camera(
        id=row.text("id"),
        name=row.text("name"),
        lon=lon,
        lat=lat,
        bearing_deg=row.number("bearing_deg", 0, 360),
        fov_deg=row.number("fov_deg", 1, 360),
        range_m=row.number("range_m", 1, MAX_RANGE_M),
        owner=row.text("owner", default=DEFAULT_OWNER),
        stream_url=stream_url,
        height_m=row.number("height_m", 0, MAX_HEIGHT_M, default=DEFAULT_HEIGHT_M),
        mount=row.choice("mount", Mount, default=Mount.FIXED),
        grid_code=row.raw("grid_code"),
        gb_device_id=gb_id,
        live_url=live_url,
        diagnosis_overrides=_overrides(row),
    )
    return CameraRow(camera, credentials)


def _overrides(row: Row) -> dict[str, float]:
    """Return the row's diagnosis_overrides (a JSON object of threshold names to numbers); empty when absent."""
    text = row.raw("diagnosis_overrides")
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise row.error(f"diagnosis_overrides {text!r} is not JSON") from None
    if not isinstance(value, dict):
        raise row.error(f"diagnosis_overrides {text!r} is not a JSON object of threshold names to numbers")
    try:
        checked = Thresholds().with_overrides(value, where="diagnosis_overrides")
    except VideoError as exc:
        raise row.error(str(exc)) from None
    return {name: getattr(checked, name) for name in value}


def camera_values(camera: Camera) -> tuple[Any, ...]:
    """Return a camera as the values of CAMERA_COLUMNS (WGS-84, no credentials)."""
    return (camera.id, camera.name, camera.lon, camera.lat, Crs.WGS84.value, camera.bearing_deg, camera.fov_deg,
            camera.range_m, camera.height_m, camera.mount.value, camera.owner, camera.grid_code,
            camera.gb_device_id or "", camera.stream_url, camera.live_url,
            json.dumps(camera.diagnosis_overrides, sort_keys=True) if camera.diagnosis_overrides else "")


def camera_feature(camera: Camera) -> dict[str, Any]:
    """Return a camera as a GeoJSON point feature whose properties are the CSV's columns but lon/lat/crs."""
    values = dict(zip(CAMERA_COLUMNS, camera_values(camera), strict=True))
    properties = {k: v for k, v in values.items() if k not in ("lon", "lat", "crs")}
    properties["gb_device_id"] = camera.gb_device_id
    properties["diagnosis_overrides"] = dict(camera.diagnosis_overrides)
    return {"type": "Feature", "id": camera.id, "geometry": {"type": "Point", "coordinates": [camera.lon, camera.lat]},
            "properties": properties}
