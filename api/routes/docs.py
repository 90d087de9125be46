"""The API docs (Swagger UI at /docs, ReDoc at /redoc) from packaged assets, under the page's CSP: no CDN."""

from __future__ import annotations

import re
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

# fastapi-offline ships Swagger UI's and ReDoc's bundles; we serve its files, not its pages, whose inline
# init script the CSP (script-src 'self') would block.
DOCS_ASSETS = Path(str(files("fastapi_offline") / "static"))
DOCS_ASSETS_URL = "/static/apidocs"
# ReDoc's sidebar shows a logo from Redocly's CDN, which the CSP (img-src 'self') refuses and no command room
# can reach: any absolute address of that logo in the bundle is swapped for ours.
REMOTE_LOGO = re.compile(r"https?://[^\s\"'`]+/logo-mini\.svg")

router = APIRouter(include_in_schema=False)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<link rel=\"icon\" href=\"{DOCS_ASSETS_URL}/favicon.png\">\n{head}"
        f"</head>\n<body>\n{body}</body>\n</html>\n",
        headers={"Cache-Control": "no-cache"})


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    """Serve Swagger UI for /openapi.json; its init script is a served file, not inline."""
    return _page(
        "gridwatch API - Swagger UI",
        f"<link rel=\"stylesheet\" href=\"{DOCS_ASSETS_URL}/swagger-ui.css\">\n",
        "<div id=\"swagger-ui\" data-openapi-url=\"/openapi.json\"></div>\n"
        f"<script src=\"{DOCS_ASSETS_URL}/swagger-ui-bundle.js\"></script>\n"
        "<script src=\"/static/docs.js\"></script>\n")


@router.get("/redoc")
def redoc() -> HTMLResponse:
    """Serve ReDoc for /openapi.json; the <redoc> element starts it without any inline script."""
    # ReDoc's search runs in a worker made from a blob: URL, which the CSP refuses (worker-src falls back
    # to 'self'); the filter of Swagger UI at /docs stands in for it.
    return _page(
        "gridwatch API - ReDoc", "",
        "<redoc spec-url=\"/openapi.json\" disable-search=\"true\"></redoc>\n"
        f"<script src=\"{DOCS_ASSETS_URL}/redoc.standalone.js\"></script>\n")


@router.get(f"{DOCS_ASSETS_URL}/redoc.standalone.js")
def redoc_bundle() -> Response:
    """Serve ReDoc's bundle with its CDN logo swapped for a local one."""
    return Response(_redoc_bundle(), media_type="text/javascript", headers={"Cache-Control": "max-age=3600"})


@cache
def _redoc_bundle() -> bytes:
    text = (DOCS_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    return REMOTE_LOGO.sub(f"{DOCS_ASSETS_URL}/favicon.png", text).encode()


def mount_docs_assets(app: FastAPI) -> None:
    """Serve the Swagger UI and ReDoc bundles; call before the page mounts /static."""
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="apidocs")
