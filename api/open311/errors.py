"""Open311 refusals: the spec's status codes and bodies, [{"code", "description"}] or <errors><error>, per format."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI, Request
from fastapi.responses import Response

from access.errors import Forbidden, NotAuthenticated, RateLimited
from api.open311.render import FORMATS, render
from cases.errors import CaseError
from gis.errors import GisError
from storage import StorageError

logger = logging.getLogger(__name__)


class Open311Error(Exception):
    """A refusal answered in the request's format with the spec's status (400, 403, 404) and a description."""

    def __init__(self, status: int, description: str, *, fmt: str = "json", retry_after_s: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        # An unknown format is itself the error: it is answered in JSON, which every Open311 client reads.
        self.fmt = fmt if fmt in FORMATS else "json"
        self.retry_after_s = retry_after_s


def error_response(exc: Open311Error) -> Response:
    """Render the error as the spec's list of errors in its format."""
    headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
    body = [{"code": exc.status, "description": exc.description}]
    return render(body, exc.fmt, root="errors", item="error", status=exc.status, headers=headers)


@contextmanager
def spec_errors(fmt: str) -> Iterator[None]:
    """Turn the domain's refusals inside an Open311 route into the spec's codes, in the request's format."""
    try:
        yield
    except Open311Error:
        raise
    except (NotAuthenticated, Forbidden) as exc:
        raise Open311Error(403, str(exc), fmt=fmt) from exc
    except RateLimited as exc:
        raise Open311Error(429, str(exc), fmt=fmt, retry_after_s=exc.retry_after_s) from exc
    except (CaseError, GisError) as exc:
        raise Open311Error(400, str(exc), fmt=fmt) from exc
    except StorageError as exc:
        logger.error("open311: the store does not answer: %s", exc)
        raise Open311Error(503, "the store does not answer; try again later", fmt=fmt) from exc


def install_open311_errors(app: FastAPI) -> None:
    """Answer every Open311Error in the spec's shape."""

    async def handle(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Open311Error)
        return error_response(exc)

    app.add_exception_handler(Open311Error, handle)
