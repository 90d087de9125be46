"""Prometheus metrics of this process: the ingest's counters, rendered by whatever the wiring gave the app."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

router = APIRouter(tags=["health"])


# Prometheus text is not JSON, so it stays out of /openapi.json; like /healthz it needs no login (scrapers
# carry none): it says how much flowed, never what.
@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Return the process's counters in Prometheus text format."""
    source = getattr(request.app.state, "metrics", None)
    if source is None:
        return JSONResponse({"detail": "metrics: this process was started without a metrics source"},
                            status_code=404)
    body, content_type = source()
    return Response(body, media_type=content_type)
