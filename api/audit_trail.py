"""Record every state change, login and read of personal data on the audit chain, with its outcome."""

from __future__ import annotations

import logging
from typing import Any

import asyncio
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint

from access.models import Principal
from access.scopes import Scope, has_scope
from api.audit_writer import AuditWriter
from api.security import client_ip

logger = logging.getLogger(__name__)

# Reads whose answers carry reporters' names and phone numbers (cases, their files, the feed) or raw device payloads.
PERSONAL_READS = frozenset({"/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/attachments/{sha256}",
                            "/api/cases/{case_id}/reporters",
                            "/api/events", "/api/events/stream", "/api/dead-letters",
                            "/ogc/collections/cases/items", "/ogc/collections/cases/items/{featureId}"})
OUTCOMES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "refused", 422: "invalid", 423: "locked",
            429: "rate_limited"}


def outcome_of(status: int) -> str:
    """Return the audit outcome of an HTTP status."""
    if status < 400:
        return "ok"
    return OUTCOMES.get(status, "error" if status >= 500 else "refused")


def should_audit(method: str, route_path: str, principal: Principal | None) -> bool:
    """Return whether a request is audited: every write, and reads of personal data by roles that see it unmasked."""
    if method not in ("GET", "HEAD", "OPTIONS"):
        return True
    return route_path in PERSONAL_READS and principal is not None and has_scope(principal.role, Scope.PERSONAL_READ)


def install_audit_trail(app: FastAPI) -> None:
    """Add the middleware that writes one audit entry per audited request, after it is answered."""
    # Group commit: entries of requests answered together share a transaction (api/audit_writer.py).
    app.state.audit_writer = AuditWriter(lambda: app.state.store, lambda: app.state.clock())

    @app.middleware("http")
    async def audit(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        route = request.scope.get("route")
        route_path = getattr(route, "path", request.url.path)
        principal: Principal | None = getattr(request.state, "principal", None)
        if should_audit(request.method, route_path, principal):
            entry = _entry(request, route_path, principal, response.status_code)
            try:
                await asyncio.wrap_future(request.app.state.audit_writer.submit(entry))
            except Exception:
                logger.exception("audit entry could not be written: %s", entry)
        return response


def _entry(request: Request, route_path: str, principal: Principal | None, status: int) -> dict[str, Any]:
    hint = getattr(request.state, "actor_hint", None)
    params = request.scope.get("path_params") or {}
    return {
        "actor": principal.actor if principal else (hint or "anonymous"),
        "role": str(principal.role) if principal else "",
        "source_ip": client_ip(request),
        "action": f"{request.method} {route_path}",
        # A rating link's token is a password for one rating: the log keeps only its start.
        "target": " ".join(f"{k}={str(v)[:4] + '…' if k == 'token' else v}" for k, v in sorted(params.items())),
        "outcome": outcome_of(status),
        "detail": {"status": status, **({"username": hint} if hint and not principal else {})},
    }

