"""The town's CSV tables: cameras.csv, sensors.csv and teams.csv, one record per line, lon/lat with a crs."""

from __future__ import annotations

from pathlib import Path

from cases.models import Platform, Team, TeamStatus
from gis.crs import Crs
from iot.models import Device, SensorKind
from town.rows import read_rows, write_rows
from town.camera_rows import CAMERA_COLUMNS, REQUIRED, camera_from_row, camera_values
from video.models import Camera, Credentials
from video.urls import UrlPolicy

# grid_code, department and interval_s are optional when read (older files lack them): empty means located at
# load, no owner, and the kind's interval (iot/kinds.yaml).
SENSOR_COLUMNS = ("id", "kind", "name", "lon", "lat", "crs", "mobile", "grid_code", "department", "interval_s")
MAX_INTERVAL_S = 7 * 24 * 3600
TEAM_COLUMNS = ("id", "name", "platform", "status", "lon", "lat", "crs", "members", "phone")


def write_cameras(cameras: list[Camera], path: Path) -> Path:
    """Write cameras.csv with WGS-84 positions and no credentials."""
    return write_rows(path, CAMERA_COLUMNS, [camera_values(c) for c in cameras])


def read_cameras(path: Path, policy: UrlPolicy | None = None) -> tuple[list[Camera], dict[str, Credentials]]:
    """Read cameras.csv, refusing the whole file at its first bad row; logins come back apart from the cameras.

    Stream and live URLs pass the SSRF guard of policy (default: nothing local allowed).
    """
    cameras, credentials = [], {}
    for row in read_rows(path, REQUIRED):
        got = camera_from_row(row, policy or UrlPolicy())
        cameras.append(got.camera)
        if got.credentials is not None:
            credentials[got.camera.id] = got.credentials
    return cameras, credentials


def write_sensors(devices: list[Device], path: Path) -> Path:
    """Write sensors.csv with WGS-84 positions."""
    rows = [(d.id, d.kind.value, d.name, "" if d.lon is None else d.lon, "" if d.lat is None else d.lat,
             Crs.WGS84.value, str(d.mobile).lower(), d.grid_code, d.department,
             "" if d.interval_s is None else d.interval_s) for d in devices]
    return write_rows(path, SENSOR_COLUMNS, rows)


def read_sensors(path: Path) -> list[Device]:
    """Read sensors.csv; every kind must be one the town knows (SensorKind); a mobile sensor may have no position."""
    devices = []
    for row in read_rows(path, ("id", "kind", "name", "lon", "lat")):
        kind = row.choice("kind", SensorKind)
        mobile = row.flag("mobile")
        lon, lat = row.optional_position() if mobile else row.position()
        interval = row.integer("interval_s", 1, MAX_INTERVAL_S) if row.raw("interval_s") else None
        devices.append(
            Device(id=row.text("id"), kind=kind, name=row.text("name"), lon=lon, lat=lat, mobile=mobile,
                   grid_code=row.raw("grid_code"), department=row.raw("department"), interval_s=interval)
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
