"""Turn domain records into the JSON and GeoJSON the API and the live feed send."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from shapely.geometry import mapping

from alerts.models import Alert
from cases.feed import team_fields
from cases.models import Assignment, Case, CaseEvent, Team
from feed import record
from gis.models import Grid, GridSet, GridStaff
from iot.kinds import Catalogue, default_catalogue
from iot.models import DeadLetter, Device, QuarantineEntry
from video.models import Camera, HealthRecord


def grid_feature(grid: Grid) -> dict[str, Any]:
    """Return a grid as a GeoJSON feature."""
    return {"type": "Feature", "id": grid.code, "geometry": mapping(grid.geometry), "properties": grid_dict(grid)}


def staff_dict(person: GridStaff) -> dict[str, str]:
    """Return one grid staff member's fields."""
    return {"role": str(person.role), "name": person.name, "phone": person.phone, "username": person.username}


def grid_ref(grid: Grid) -> dict[str, Any]:
    """Return what names a grid: code, name, level, parent."""
    return {"code": grid.code, "name": grid.name, "level": int(grid.level), "parent_code": grid.parent_code}


def grid_set_dict(grid_set: GridSet) -> dict[str, Any]:
    """Return a grid set's fields."""
    return {"id": grid_set.id, "created_at": grid_set.created_at, "source": grid_set.source, "note": grid_set.note,
            "grid_count": grid_set.grid_count, "active": grid_set.active}


def grid_dict(grid: Grid, *, with_geometry: bool = False) -> dict[str, Any]:
    """Return a grid's fields, optionally with its GeoJSON geometry."""
    out: dict[str, Any] = {"code": grid.code, "name": grid.name, "level": int(grid.level),
                           "parent_code": grid.parent_code, "staff": [staff_dict(p) for p in grid.staff]}
    if with_geometry:
        out["geometry"] = mapping(grid.geometry)
    return out


def case_dict(case: Case, *, now: datetime | None = None) -> dict[str, Any]:
    """Return a case's fields, whether it lies outside every grid, and whether its step is overdue at now.

    overdue is None without now (an answer not about the present, like the feed's record of a step).
    """
    overdue = None if now is None else (case.due_at is not None and now > case.due_at)
    return {**record(case), "outside_jurisdiction": not case.grid_path, "overdue": overdue}


def event_dict(event: CaseEvent) -> dict[str, Any]:
    """Return a case event's fields."""
    return record(event)


def assignment_dict(assignment: Assignment) -> dict[str, Any]:
    """Return an assignment's fields."""
    return record(assignment)


def task_dict(assignment: Assignment) -> dict[str, Any]:
    """Return an assignment as a task of a joint case (联合执法): who does what, and whether it is still open."""
    return {"assignment_id": assignment.id, "platform": str(assignment.platform), "role": str(assignment.role),
            "team": assignment.team_id, "task": assignment.task, "state": str(assignment.state),
            "open": assignment.active, "dispatched_at": assignment.dispatched_at, "done_at": assignment.done_at,
            "released_at": assignment.released_at,
            "release_reason": None if assignment.release_reason is None else str(assignment.release_reason)}


def alert_dict(alert: Alert) -> dict[str, Any]:
    """Return an alert's fields, and whether it lies outside every grid (its path is empty)."""
    return {**record(alert), "outside_jurisdiction": not alert.grid_path}


def team_dict(team: Team) -> dict[str, Any]:
    """Return a team's fields and whether it is silent."""
    return team_fields(team)


def camera_dict(camera: Camera, health: HealthRecord | None = None) -> dict[str, Any]:
    """Return a camera's fields (its stream URL holds no credentials) with its latest health."""
    out = record(camera)
    out["live_view"] = live_view(camera)
    out["health"] = ({"status": "unknown", "probed_at": None, "detail": ""} if health is None else
                     {"status": str(health.status), "probed_at": health.probed_at.isoformat(), "detail": health.detail})
    return out


def live_view(camera: Camera) -> dict[str, str]:
    """Return where the page plays a camera: its own live URL when it has one, else this server's MJPEG relay."""
    if camera.live_url:
        return {"kind": "live_url", "url": camera.live_url}
    if camera.stream_url:
        return {"kind": "relay", "url": f"/api/cameras/{quote(camera.id, safe='')}/live.mjpeg"}
    return {"kind": "none", "url": ""}


def device_dict(device: Device, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Return a device's fields, with its effective metrics and interval (its kind's, under its own overrides)."""
    cat = catalogue or default_catalogue()
    out = record(device, drop=("metrics",))
    out["metrics"] = {m: {"unit": r.unit, "min": r.min, "max": r.max} for m, r in cat.metrics_of(device).items()}
    out["interval_s"] = cat.interval_of(device)
    return out


def quarantine_dict(entry: QuarantineEntry) -> dict[str, Any]:
    """Return a quarantine entry with its payload prefix as text where it decodes, and always as hex."""
    out = record(entry, drop=("payload_prefix",))
    out["payload_text"] = entry.payload_prefix.decode("utf-8", errors="replace")
    out["payload_hex"] = entry.payload_prefix.hex()
    return out


def dead_letter_dict(letter: DeadLetter) -> dict[str, Any]:
    """Return a dead letter with its kept payload as text where it decodes and always as hex, its size and hash."""
    text = letter.payload.decode("utf-8", errors="replace")
    return {"id": letter.id, "received_at": letter.received_at.isoformat(), "topic": letter.topic,
            "reason": letter.reason, "payload_text": text, "payload_hex": letter.payload.hex(),
            "payload_size": letter.size, "payload_sha256": letter.sha256, "truncated": letter.truncated}


def point_feature(fields: dict[str, Any], *, feature_id: Any) -> dict[str, Any]:
    """Return a record with lon/lat fields as a GeoJSON point feature (null geometry when unknown)."""
    lon, lat = fields.get("lon"), fields.get("lat")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
    return {"type": "Feature", "id": feature_id, "geometry": geometry, "properties": fields}


def feature_collection(features: list[dict[str, Any]], *, total: int, limit: int, offset: int) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection with OGC API paging members."""
    return {"type": "FeatureCollection", "features": features, "numberMatched": total,
            "numberReturned": len(features), "limit": limit, "offset": offset}


def page(items: list[dict[str, Any]], *, total: int, limit: int, offset: int) -> dict[str, Any]:
    """Return a JSON page of items."""
    return {"items": items, "total": total, "limit": limit, "offset": offset}
