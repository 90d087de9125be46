"""Health: is the store up, and what has the system seen."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from alerts.models import AlertStatus
from api.deps import StoreDep
from api.responses import HealthRead, HealthUnavailable
from cases.models import CaseStatus

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthRead,
            responses={503: {"model": HealthUnavailable, "description": "The store does not answer"}})
def healthz(request: Request, store: StoreDep) -> dict[str, Any] | JSONResponse:
    """Return ok with counts when the store answers, 503 otherwise."""
    try:
        with store.unit_of_work() as uow:
            counts = {
                "open_cases": uow.cases.count() - uow.cases.count(status=CaseStatus.CLOSED),
                "dispatched": uow.cases.count(status=CaseStatus.DISPATCHED),
                "alerts": uow.alerts.count(),
                "open_alerts": uow.alerts.count(status=AlertStatus.OPEN),
                "dead_letters": uow.dead_letters.count(),
                "readings": uow.readings.count(),
            }
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy, and the body says which
        return JSONResponse({"status": "unavailable", "store": store.name, "detail": str(exc)}, status_code=503)
    stats = getattr(request.app.state, "ingest_stats", None)
    return {"status": "ok", "store": store.name, "counts": counts, "ingest": stats.snapshot() if stats else None}
