"""One map from domain error classes to HTTP statuses; the body always says what and where."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from access.errors import AccountLocked, Forbidden, InvalidAccount, NotAuthenticated, RateLimited
from alerts.errors import AlertConflict, AlertError, AlertNotFound, AlertRuleExists, AlertRuleNotFound
from api.uploads import UploadTooLarge, UploadTypeRefused
from cases.errors import CaseError, CaseNotFound, IllegalTransition, NoTeamAvailable, VersionConflict
from gis.errors import GisError, GridNotFound
from iot.errors import DeviceError, DeviceExists, DeviceNotFound, IngestError
from reports.errors import FontMissing, ReportError
from storage import StorageError
from video.errors import StreamUnavailable

logger = logging.getLogger(__name__)

class BadQuery(ValueError):
    """Query parameters each valid alone that make no sense together (a window that ends before it starts)."""


class TooLarge(ValueError):
    """A request asking for more than its route serves at once (more points than a bulk locate takes)."""


# Most specific first: the first class an error is an instance of decides its status.
ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (AccountLocked, 423),
    (RateLimited, 429),
    (InvalidAccount, 422),
    (UploadTooLarge, 413),
    (TooLarge, 413),
    (UploadTypeRefused, 415),
    (CaseNotFound, 404),
    (IllegalTransition, 409),
    (VersionConflict, 409),
    (NoTeamAvailable, 409),
    (CaseError, 422),
    (AlertNotFound, 404),
    (AlertConflict, 409),
    (AlertRuleNotFound, 404),
    (AlertRuleExists, 409),
    (AlertError, 422),
    (GridNotFound, 404),
    (GisError, 422),
    (BadQuery, 422),
    (IngestError, 422),
    (DeviceNotFound, 404),
    (DeviceExists, 409),
    (DeviceError, 422),
    (StorageError, 503),
    (FontMissing, 503),
    (ReportError, 422),
    (StreamUnavailable, 502),
)


class ErrorBody(BaseModel):
    """Every refusal: what was wrong and where."""

    detail: str


class ConflictBody(BaseModel):
    """A 409: why the step cannot be taken now; a stale version also says the case's current version and status."""

    detail: str
    version: int | None = None
    status: str | None = None


class InvalidBody(BaseModel):
    """A 422: a field that failed validation (a list naming each field's loc) or a domain rule (a message)."""

    detail: str | list[dict[str, Any]]


def _doc(description: str, model: type[BaseModel] = ErrorBody) -> dict[str, Any]:
    return {"model": model, "description": description}


# Declared once for every route, so clients and the OpenAPI document agree on error bodies.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _doc("No valid credentials"),
    403: _doc("The caller's role may not do this"),
    404: _doc("No such object within the caller's reach"),
    409: _doc("The step is not allowed now, the version is stale, or the object already exists", ConflictBody),
    413: _doc("Upload too large"),
    415: _doc("Upload type not accepted"),
    422: _doc("A field or rule was not met", InvalidBody),
    423: _doc("Account locked after failed logins"),
    429: _doc("Too many requests; see Retry-After"),
    503: _doc("The store does not answer"),
}


class NotFound(LookupError):
    """A route's object does not exist; the message names it."""


def status_for(exc: Exception) -> int:
    """Return the HTTP status an error maps to."""
    if isinstance(exc, NotFound):
        return 404
    for cls, status in ERROR_STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_headers(exc: Exception) -> dict[str, str]:
    """Return the headers the answer to an error carries (how to authenticate, when to retry)."""
    headers = {}
    if isinstance(exc, NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after_s)
    if isinstance(exc, VersionConflict):
        headers["ETag"] = f'"{exc.version}"'
    return headers


def error_body(exc: Exception) -> dict[str, Any]:
    """Return the body of an error's answer: the message, and for a stale version the case's current one."""
    if isinstance(exc, VersionConflict):
        return {"detail": str(exc), "version": exc.version, "status": exc.status}
    return {"detail": str(exc)}


def install_error_handlers(app: FastAPI) -> None:
    """Answer every mapped error with its status and {"detail": message}."""

    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            logger.error("%s: %s", type(exc).__name__, exc)
        return JSONResponse(error_body(exc), status_code=status, headers=error_headers(exc))

    for cls in (NotFound, *(cls for cls, _ in ERROR_STATUS)):
        app.add_exception_handler(cls, handle)
