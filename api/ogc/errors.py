"""OGC API exceptions: a status and a JSON body {code, description} that says what was wrong and where."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class OgcError(Exception):
    """A refusal of the OGC API with its HTTP status and OGC exception code."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description


def bad_parameter(description: str) -> OgcError:
    """Return the 400 of a query parameter the API cannot honour."""
    return OgcError(400, "InvalidParameterValue", description)


def not_found(description: str) -> OgcError:
    """Return the 404 of a collection or feature that does not exist within the caller's reach."""
    return OgcError(404, "NotFound", description)


def install_ogc_errors(app: FastAPI) -> None:
    """Answer every OgcError with its status and the OGC exception body."""

    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, OgcError)
        return JSONResponse({"code": exc.code, "description": exc.description}, status_code=exc.status)

    app.add_exception_handler(OgcError, handle)
