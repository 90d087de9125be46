"""Refuse input before it reaches a route: bodies declared over their size, NUL characters in the path or the query."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.bodies import body_limit

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    # The page loads only its own files; Leaflet positions its panes with inline styles; the incident panel plays
    # voice notes from blobs it fetched with the token (media-src).
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
                                 b"style-src 'self' 'unsafe-inline'; "
                                 b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
]


class InputGuard:
    """ASGI middleware: 413 for a declared body over its limit (before it is read), 422 for NUL characters."""

    def __init__(self, app: ASGIApp, *, upload_max_bytes: int) -> None:
        self.app = app
        self.upload_max_bytes = upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            status, detail = refusal
            await JSONResponse({"detail": detail}, status_code=status)(scope, receive, _with_headers(send))
            return
        await self.app(scope, receive, _with_headers(send))

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        path = scope.get("path", "")
        if "\x00" in path:
            return 422, "path: contains a NUL character"
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            return 422, "query string: contains a NUL character"
        limit = body_limit(path, upload_max_bytes=self.upload_max_bytes)
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            return 413, f"request body of {int(declared)} bytes: more than the {limit} this route accepts"
        return None


def _with_headers(send: Send) -> Send:
    async def sending(message: dict) -> None:  # type: ignore[type-arg]
        if message["type"] == "http.response.start":
            message.setdefault("headers", [])
            message["headers"] = [*message["headers"], *SECURITY_HEADERS]
        await send(message)

    return sending


def install_input_guards(app: FastAPI, *, upload_max_bytes: int) -> None:
    """Add the guards to the app."""
    app.add_middleware(InputGuard, upload_max_bytes=upload_max_bytes)
