"""One map from domain error classes to HTTP statuses; the body always says what and where."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from alerts.errors import AlertError
from cases.errors import CaseError, CaseNotFound, IllegalTransition, NoTeamAvailable
from gis.errors import GisError
from iot.errors import IngestError
from storage import StorageError

logger = logging.getLogger(__name__)

# Most specific first: the first class an error is an instance of decides its status.
ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (CaseNotFound, 404),
    (IllegalTransition, 409),
    (NoTeamAvailable, 409),
    (CaseError, 422),
    (AlertError, 422),
    (GisError, 422),
    (IngestError, 422),
    (StorageError, 503),
)


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


def install_error_handlers(app: FastAPI) -> None:
    """Answer every mapped error with its status and {"detail": message}."""

    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            logger.error("%s: %s", type(exc).__name__, exc)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    for cls in (NotFound, *(cls for cls, _ in ERROR_STATUS)):
        app.add_exception_handler(cls, handle)
