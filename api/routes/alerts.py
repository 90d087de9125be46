"""Alerts: the list by status, counts up the grid hierarchy, one alert, and an operator's acknowledgement."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from alerts.models import OPEN_STATUSES, AlertStatus
from alerts.repository import StatusFilter
from api.deps import BBoxDep, ClockDep, Format, IdPath, PagingDep, StoreDep
from api.errors import NotFound
from api.responses import AlertList, AlertRead
from api.responses.alerts import AlertCounts, AlertStatusFilter
from api.schemas import AlertAcknowledge
from api.security import AlertCommander, OpsReader
from api.serialize import alert_dict, feature_collection, page, point_feature
from cases.use_cases import acknowledge_alert_and_announce

router = APIRouter(tags=["alerts"])

StatusQuery = Annotated[AlertStatusFilter | None, Query(description="raised, acknowledged, cleared, or open (not "
                                                                    "cleared)")]


def status_filter(status: str | None) -> StatusFilter | None:
    """Return the store's filter for a status word: 'open' is raised or acknowledged."""
    if status is None:
        return None
    return OPEN_STATUSES if status == "open" else AlertStatus(status)


@router.get("/api/alerts", response_model=AlertList)
def list_alerts(store: StoreDep, _who: OpsReader, paging: PagingDep, bbox: BBoxDep, format: Format = "json",
                status: StatusQuery = None) -> dict[str, Any]:
    """List alerts, newest first."""
    chosen = status_filter(status)
    with store.read_only() as uow:
        found = uow.alerts.list(status=chosen, bbox=bbox, limit=paging.limit, offset=paging.offset)
        total = uow.alerts.count(status=chosen, bbox=bbox)
    items = [alert_dict(a) for a in found]
    if format == "geojson":
        return feature_collection([point_feature(i, feature_id=i["id"]) for i in items], total=total, **paging.window)
    return page(items, total=total, **paging.window)


@router.get("/api/alerts/counts", response_model=AlertCounts)
def count_alerts(store: StoreDep, _who: OpsReader, status: Annotated[AlertStatusFilter, Query()] = "open",
                 level: Annotated[int | None, Query(ge=1, description="1 the coarsest (the seeds: 1 town, 2 village, "
                                                                     "3 natural village)")] = None,
                 grid: Annotated[str | None, Query(max_length=64, description="this grid and the grids just under it")]
                 = None) -> dict[str, Any]:
    """Count alerts per grid of a level, or of a grid and its children; a grid's count includes its finer grids'."""
    with store.read_only() as uow:
        counts = uow.alerts.count_by_grid(status=status_filter(status))
        total = uow.alerts.count(status=status_filter(status))
        grids = uow.grids.all()
    if grid is not None and not any(g.code == grid for g in grids):
        raise NotFound(f"query 'grid' {grid!r}: no such grid")
    chosen = [g for g in grids if (level is None or g.level == level)
              and (grid is None or g.code == grid or g.parent_code == grid)]
    return {"status": status, "level": level, "grid": grid, "total": total, "grids": [
        {"code": g.code, "name": g.name, "level": g.level, "parent_code": g.parent_code, "count": counts.get(g.code, 0)}
        for g in sorted(chosen, key=lambda g: (g.level, g.code))]}


@router.get("/api/alerts/{alert_id}", response_model=AlertRead)
def get_alert(store: StoreDep, _who: OpsReader, alert_id: IdPath) -> dict[str, Any]:
    """Return one alert."""
    with store.read_only() as uow:
        alert = uow.alerts.get(alert_id)
    if alert is None:
        raise NotFound(f"alert {alert_id}: no such alert")
    return alert_dict(alert)


@router.post("/api/alerts/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge_alert(store: StoreDep, clock: ClockDep, principal: AlertCommander, alert_id: IdPath,
                      body: AlertAcknowledge) -> dict[str, Any]:
    """Acknowledge an alert with a note: 404 if none, 409 with the reason if it is already acknowledged or cleared."""
    with store.unit_of_work() as uow:
        alert = acknowledge_alert_and_announce(uow, alert_id=alert_id, note=body.note, actor=principal.actor,
                                               at=clock())
    return alert_dict(alert)
