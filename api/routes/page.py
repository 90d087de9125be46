"""The command-room page and its local assets (Leaflet from the xstatic-leaflet package, no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from xstatic.pkg import leaflet

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    """Serve the command-room page."""
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


@router.get("/m/")
def mobile() -> FileResponse:
    """Serve the grid staff's mobile page (report, dictate, photos, audio, position; my grid's cases, my tasks)."""
    return FileResponse(STATIC_DIR / "m" / "index.html", headers={"Cache-Control": "no-cache"})


def mount_assets(app: FastAPI) -> None:
    """Serve Leaflet and the page's own files from disk."""
    app.mount("/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
