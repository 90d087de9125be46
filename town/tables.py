"""The town's CSV tables: cameras.csv, sensors.csv and teams.csv, one record per line, lon/lat with a crs."""

from __future__ import annotations

from pathlib import Path

from cases.models import Platform, Team, TeamStatus
from gis.crs import Crs
from iot.models import Device, SensorKind
from town.rows import read_rows, write_rows
from video.models import Camera

CAMERA_COLUMNS = ("id", "name", "lon", "lat", "crs", "bearing_deg", "fov_deg", "range_m", "owner", "stream_url")
SENSOR_COLUMNS = ("id", "kind", "name", "lon", "lat", "crs", "mobile")
TEAM_COLUMNS = ("id", "name", "platform", "status", "lon", "lat", "crs", "members", "phone")

# A camera that sees farther than this is a typo, not a town camera.
MAX_RANGE_M = 5000.0


def write_cameras(cameras: list[Camera], path: Path) -> Path:
    """Write cameras.csv with WGS-84 positions."""
    rows = [
        (c.id, c.name, c.lon, c.lat, Crs.WGS84.value, c.bearing_deg, c.fov_deg, c.range_m, c.owner, c.stream_url)
        for c in cameras
    ]
    return write_rows(path, CAMERA_COLUMNS, rows)


def read_cameras(path: Path) -> list[Camera]:
    """Read cameras.csv; positions in any supported crs come back in WGS-84."""
    cameras = []
    for row in read_rows(path, ("id", "name", "lon", "lat", "bearing_deg", "fov_deg", "range_m")):
        lon, lat = row.position()
        cameras.append(
            Camera(
                id=row.text("id"),
                name=row.text("name"),
                lon=lon,
                lat=lat,
                bearing_deg=row.number("bearing_deg", 0, 360),
                fov_deg=row.number("fov_deg", 1, 360),
                range_m=row.number("range_m", 1, MAX_RANGE_M),
                owner=row.text("owner", default="town"),
                stream_url=row.raw("stream_url"),
            )
        )
    return cameras


def write_sensors(devices: list[Device], path: Path) -> Path:
    """Write sensors.csv with WGS-84 positions."""
    rows = [(d.id, d.kind.value, d.name, d.lon, d.lat, Crs.WGS84.value, str(d.mobile).lower()) for d in devices]
    return write_rows(path, SENSOR_COLUMNS, rows)


def read_sensors(path: Path) -> list[Device]:
    """Read sensors.csv; every kind must be one the town knows (SensorKind)."""
    devices = []
    for row in read_rows(path, ("id", "kind", "name", "lon", "lat")):
        kind = row.choice("kind", SensorKind)
        lon, lat = row.position()
        devices.append(
            Device(id=row.text("id"), kind=kind, name=row.text("name"), lon=lon, lat=lat, mobile=row.flag("mobile"))
        )
    return devices


def write_teams(teams: list[Team], path: Path) -> Path:
    """Write teams.csv; a team without a known position has empty lon and lat."""
    rows = [
        (
            t.id,
            t.name,
            t.platform.value,
            t.status.value,
            "" if t.lon is None else t.lon,
            "" if t.lat is None else t.lat,
            Crs.WGS84.value,
            t.members,
            t.phone,
        )
        for t in teams
    ]
    return write_rows(path, TEAM_COLUMNS, rows)


def read_teams(path: Path) -> list[Team]:
    """Read teams.csv; platforms must be the four platforms, positions may be empty."""
    teams = []
    for row in read_rows(path, ("id", "name", "platform", "lon", "lat")):
        platform = row.choice("platform", Platform)
        status = row.choice("status", TeamStatus, default=TeamStatus.AVAILABLE)
        lon, lat = row.optional_position()
        teams.append(
            Team(
                id=row.text("id"),
                name=row.text("name"),
                platform=platform,
                status=status,
                lon=lon,
                lat=lat,
                members=row.integer("members", 1, 500, default=3),
                phone=row.raw("phone"),
            )
        )
    return teams
