"""Refuse input no store can keep before it reaches a route: NUL characters in the path or the query."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class RefuseNulBytes:
    """ASGI middleware answering 422 to a path or query string carrying a NUL (raw or %00)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = _nul_in(scope)
            if where:
                detail = f"{where}: contains a NUL character"
                await JSONResponse({"detail": detail}, status_code=422)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _nul_in(scope: Scope) -> str:
    if "\x00" in scope.get("path", ""):
        return "path"
    if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
        return "query string"
    return ""


def install_input_guards(app: FastAPI) -> None:
    """Add the guards to the app."""
    app.add_middleware(RefuseNulBytes)
