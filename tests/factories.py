"""Builders of domain records for tests: sensible defaults near (lon 120.0, lat 32.3), overridable by keyword."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from shapely.geometry import box

from alerts.models import Alert, AlertStatus, Severity
from cases.models import (Assignment, AssignmentRole, Case, CaseEvent, CaseSource, CaseStatus, Platform, Team,
                          TeamStatus, TrackPoint)
from gis.models import Grid, GridLevel, GridStaff, StaffRole
from iot.models import DeadLetter, Device, Reading, SensorKind
from video.health import Health
from video.models import Camera, HealthRecord

LON, LAT = 120.0, 32.3
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def at(minutes: float = 0) -> datetime:
    """Return T0 plus some minutes (UTC)."""
    return T0 + timedelta(minutes=minutes)


def make_grid(code: str = "T01", *, lon: float = LON, lat: float = LAT, size: float = 0.01, **overrides: Any) -> Grid:
    """Return a town-level grid: a square of size degrees centred on (lon, lat) unless geometry is given."""
    half = size / 2
    fields: dict[str, Any] = dict(code=code, name=f"Grid {code}", level=GridLevel.TOWN, parent_code=None,
                                  geometry=box(lon - half, lat - half, lon + half, lat + half),
                                  staff=(GridStaff(StaffRole.HEAD, "Wang Fang", "13800000001"),))
    return Grid(**{**fields, **overrides})


def make_device(id: str = "aq-001", **overrides: Any) -> Device:
    """Return an air-quality sensor."""
    fields: dict[str, Any] = dict(id=id, kind=SensorKind.AIR_QUALITY, name=f"Sensor {id}", lon=LON, lat=LAT, mobile=False)
    return Device(**{**fields, **overrides})


def make_reading(device_id: str = "aq-001", ts: datetime = T0, **overrides: Any) -> Reading:
    """Return a PM reading of the device at ts."""
    fields: dict[str, Any] = dict(device_id=device_id, ts=ts, values={"pm25": 42.5, "pm10": 80.0}, lon=LON, lat=LAT)
    return Reading(**{**fields, **overrides})


def make_dead_letter(**overrides: Any) -> DeadLetter:
    """Return a refused message with invalid JSON as its payload."""
    fields: dict[str, Any] = dict(received_at=T0, topic="gridwatch/sensors/aq-001", payload=b"{not json",
                                  reason="payload is not JSON")
    return DeadLetter(**{**fields, **overrides})


def make_camera(id: str = "cam-001", **overrides: Any) -> Camera:
    """Return a town camera looking north-east."""
    fields: dict[str, Any] = dict(id=id, name=f"Camera {id}", lon=LON, lat=LAT, bearing_deg=45.0, fov_deg=60.0,
                                  range_m=150.0, owner="town", stream_url=f"rtsp://127.0.0.1:8554/{id}")
    return Camera(**{**fields, **overrides})


def make_health(camera_id: str = "cam-001", probed_at: datetime = T0, **overrides: Any) -> HealthRecord:
    """Return a healthy probe of the camera at probed_at."""
    fields: dict[str, Any] = dict(camera_id=camera_id, probed_at=probed_at, status=Health.OK,
                                  measures={"focus": 812.5, "mean": 118.0}, open_ms=143.0, width=640, height=480,
                                  fps=25.0, detail="")
    return HealthRecord(**{**fields, **overrides})


def make_alert(device_id: str = "aq-001", **overrides: Any) -> Alert:
    """Return an open PM2.5 alert in grid T01 / V01, raised at T0."""
    fields: dict[str, Any] = dict(device_id=device_id, sensor_kind=SensorKind.AIR_QUALITY.value, metric="pm25",
                                  value=180.0, limit=150.0, severity=Severity.WARNING, lon=LON, lat=LAT,
                                  grid_path=("T01", "V01"), raised_at=T0, last_seen_at=T0, occurrences=1,
                                  status=AlertStatus.RAISED, case_id=None, id=None)
    return Alert(**{**fields, **overrides})


def make_case(title: str = "Smoke behind the market", **overrides: Any) -> Case:
    """Return a reported governance case in T01 / V01 / N01, created at T0."""
    fields: dict[str, Any] = dict(title=title, category="safety_hazard", source=CaseSource.GRID_STAFF,
                                  status=CaseStatus.REPORTED, platform=Platform.GOVERNANCE, lon=LON, lat=LAT,
                                  grid_path=("T01", "V01", "N01"), created_at=T0, updated_at=T0,
                                  description="Seen from the bridge", reporter="Li Lei", reporter_phone="13800000000")
    return Case(**{**fields, **overrides})


def make_event(case_id: int, **overrides: Any) -> CaseEvent:
    """Return the 'accept' step of a case."""
    fields: dict[str, Any] = dict(case_id=case_id, action="accept", actor="operator-1", at=T0,
                                  from_status=CaseStatus.REPORTED, to_status=CaseStatus.ACCEPTED, note="",
                                  data={"channel": "screen"})
    return CaseEvent(**{**fields, **overrides})


def make_team(id: str = "gov-1", **overrides: Any) -> Team:
    """Return an available governance team at (lon, lat), last seen at T0."""
    fields: dict[str, Any] = dict(id=id, name=f"Team {id}", platform=Platform.GOVERNANCE, status=TeamStatus.AVAILABLE,
                                  lon=LON, lat=LAT, position_at=T0, members=3, phone="13900000000")
    return Team(**{**fields, **overrides})


def make_track_point(team_id: str = "gov-1", **overrides: Any) -> TrackPoint:
    """Return a position of the team's track taken at T0 and received at once, at (lon, lat)."""
    fields: dict[str, Any] = dict(team_id=team_id, ts=T0, lon=LON, lat=LAT)
    fields.update(overrides)
    fields.setdefault("received_at", fields["ts"])
    return TrackPoint(**fields)


def make_assignment(case_id: int, team_id: str = "gov-1", **overrides: Any) -> Assignment:
    """Return the active lead assignment of a governance team to a case, dispatched at T0."""
    fields: dict[str, Any] = dict(case_id=case_id, team_id=team_id, platform=Platform.GOVERNANCE,
                                  role=AssignmentRole.LEAD, dispatched_at=T0, task="go and see")
    return Assignment(**{**fields, **overrides})


def make_box_town() -> list[Grid]:
    """Return a town of two villages and three natural villages drawn as boxes (shared edges at 120.1 and 32.05)."""
    return [
        Grid("T", "镇", GridLevel.TOWN, None, box(120.0, 32.0, 120.2, 32.1)),
        Grid("T1", "东村", GridLevel.VILLAGE, "T", box(120.1, 32.0, 120.2, 32.1)),
        Grid("T0", "西村", GridLevel.VILLAGE, "T", box(120.0, 32.0, 120.1, 32.1)),
        Grid("T0a", "西村一组", GridLevel.NATURAL_VILLAGE, "T0", box(120.0, 32.0, 120.1, 32.05)),
        Grid("T0b", "西村二组", GridLevel.NATURAL_VILLAGE, "T0", box(120.0, 32.05, 120.1, 32.1)),
        Grid("T1a", "东村一组", GridLevel.NATURAL_VILLAGE, "T1", box(120.1, 32.0, 120.2, 32.1)),
    ]


def handle_as_worker(pipeline: Any, batch: list[Any]) -> None:
    """Hand a batch to a pipeline as the ingest worker does: received is counted when the delivery enters."""
    pipeline.stats.add({"received": len(batch)})
    pipeline.handle(batch)
