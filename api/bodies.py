"""Read a request body only for a caller whose credentials hold, and only up to its route's limit, as it streams."""

from __future__ import annotations

import logging

from anyio import to_thread
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_headers, status_for
from api.security import API_KEY, OAUTH2, authenticate, authorize

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# Room for the multipart boundaries and headers around an attached file.
MULTIPART_OVERHEAD = 16 * 1024


class BodyRefused(HTTPException):
    """A body refused while the route reads it: FastAPI passes HTTPExceptions from a body read on unchanged."""


# POST /api/cases/intake: a report with up to this many files (api.routes.intake.MAX_INTAKE_FILES).
INTAKE_PATH, INTAKE_FILES = "/api/cases/intake", 8
# POST /api/cases/batch: up to 500 reports (api.routes.case_batch.MAX_BATCH), each up to ~13 KB of JSON.
BATCH_PATH, BATCH_BODY_BYTES = "/api/cases/batch", 8 * 1024 * 1024


def body_limit(path: str, *, upload_max_bytes: int) -> int:
    """Return how many body bytes a request to path may send."""
    if path == INTAKE_PATH:
        return INTAKE_FILES * (upload_max_bytes + MULTIPART_OVERHEAD)
    if path == BATCH_PATH:
        return BATCH_BODY_BYTES
    return upload_max_bytes + MULTIPART_OVERHEAD if path.endswith("/attachments") else MAX_BODY_BYTES


def needs_credentials(dependant: Dependant) -> bool:
    """Return whether a route's dependencies include the credentials check."""
    return dependant.call is authorize or any(needs_credentials(d) for d in dependant.dependencies)


class BodyGuard:
    """ASGI middleware: a route's first read of the body checks credentials, and every read counts the bytes.

    It wraps receive rather than deciding up front because only the router knows the route (and so whether it
    needs credentials), and FastAPI reads a route's body before it runs the route's dependencies.
    """

    def __init__(self, app: ASGIApp, *, upload_max_bytes: int) -> None:
        self.app = app
        self.upload_max_bytes = upload_max_bytes
        self._gated: dict[int, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", ""), upload_max_bytes=self.upload_max_bytes)
        received, checked = 0, False

        async def guarded_receive() -> Message:
            nonlocal received, checked
            if not checked:
                checked = True
                await self._check_credentials(scope)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyRefused(413, f"request body: more than the {limit} bytes this route accepts")
            return message

        await self.app(scope, guarded_receive, send)

    async def _check_credentials(self, scope: Scope) -> None:
        route = scope.get("route")
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            return
        if id(route) not in self._gated:
            self._gated[id(route)] = needs_credentials(dependant)
        if not self._gated[id(route)]:
            return
        request = Request(scope)
        try:
            # The principal found here is kept on request.state, and the route's own check reuses it.
            await to_thread.run_sync(authenticate, request, await OAUTH2(request), await API_KEY(request))
        except Exception as exc:
            status = status_for(exc)
            if status == 500:
                logger.exception("credentials could not be checked before the body")
                raise BodyRefused(500, "credentials could not be checked") from exc
            raise BodyRefused(status, str(exc), headers=error_headers(exc) or None) from exc


def install_body_guard(app: FastAPI, *, upload_max_bytes: int) -> None:
    """Add the guard inside the audit trail, so that what it refuses is audited like any refusal."""
    app.add_middleware(BodyGuard, upload_max_bytes=upload_max_bytes)
