"""Batch intake: many reports in one request (the 12345 hotline platform), each checked and answered on its own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from access.models import Principal
from api.deps import ClockDep, LocatorDep, StoreDep
from api.errors import ERROR_STATUS
from api.routes.cases import checked_report, open_report, prepare_intake
from api.schemas import CaseReport
from api.security import CaseReporter
from cases.locator import Locator
from storage import Store

router = APIRouter(tags=["cases"])

MAX_BATCH = 500
# Good reports are stored this many to a unit of work: a short hold of the feed lock, and a failure costs one chunk.
CHUNK = 100

Checked = tuple[int, CaseReport, Any, float, float]


class CaseBatch(BaseModel):
    """Up to 500 reports, each a CaseReport body; each is checked on its own, so one bad report refuses only itself."""

    model_config = ConfigDict(extra="forbid")

    reports: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH)]


class BatchStored(BaseModel):
    """A report stored: its index in the batch and the case it opened."""

    index: int
    id: int
    category: str
    platform: str
    status: str
    triage: bool
    grid_path: list[str]
    possible_duplicates: Annotated[list[int], Field(description="ids of open cases nearby of the category")]


class BatchRefused(BaseModel):
    """A report refused: its index in the batch, the status it would have had alone, and why."""

    index: int
    status: int
    detail: str


class BatchAnswer(BaseModel):
    """What became of each report: stored ones and refused ones, each by its index."""

    stored: list[BatchStored]
    refused: list[BatchRefused]


def item_status(exc: Exception) -> int | None:
    """Return the client-error status of a domain error, None for anything else (a server fault: raise it)."""
    status = next((code for cls, code in ERROR_STATUS if isinstance(exc, cls)), None)
    return status if status is not None and status < 500 else None


@router.post("/api/cases/batch", response_model=BatchAnswer)
def create_cases(request: Request, store: StoreDep, locator: LocatorDep, clock: ClockDep, principal: CaseReporter,
                 batch: CaseBatch) -> dict[str, Any]:
    """Report up to 500 cases: each is classified, located, routed and announced as POST /api/cases does it;
    the good ones are stored, the bad ones answered with their index and reason (a bad one never costs a good one)."""
    request.app.state.batch_limiter.hit(principal.actor)
    at = clock()
    refused: list[dict[str, Any]] = []
    good: list[Checked] = []
    for index, raw in enumerate(batch.reports):
        try:
            case_in = CaseReport.model_validate(raw)
            good.append((index, case_in, *checked_report(principal, case_in)))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            refused.append({"index": index, "status": 422, "detail": f"reports[{index}].{where}: {first['msg']}"})
        except Exception as exc:  # noqa: BLE001 - only client errors are answered per report
            status = item_status(exc)
            if status is None:
                raise
            refused.append({"index": index, "status": status, "detail": f"reports[{index}]: {exc}"})
    stored: list[dict[str, Any]] = []
    for start in range(0, len(good), CHUNK):
        done, failed = _store_chunk(request, store, locator, principal, good[start:start + CHUNK], at=at)
        stored += done
        refused += failed
    return {"stored": sorted(stored, key=lambda s: s["index"]), "refused": sorted(refused, key=lambda r: r["index"])}


def _store_chunk(request: Request, store: Store, locator: Locator, principal: Principal, chunk: list[Checked], *,
                 at: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Store a chunk in one unit of work; if a report in it is refused there, store each of them on its own."""
    try:
        return _store(request, store, locator, principal, chunk, at=at), []
    except Exception as exc:  # noqa: BLE001 - only client errors are answered per report
        status = item_status(exc)
        if status is None:
            raise
        if len(chunk) == 1:
            return [], [{"index": chunk[0][0], "status": status, "detail": f"reports[{chunk[0][0]}]: {exc}"}]
    stored: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    for item in chunk:
        done, failed = _store_chunk(request, store, locator, principal, [item], at=at)
        stored += done
        refused += failed
    return stored, refused


def _store(request: Request, store: Store, locator: Locator, principal: Principal, chunk: list[Checked], *,
           at: Any) -> list[dict[str, Any]]:
    answers = []
    with store.unit_of_work() as uow:
        taxonomy = prepare_intake(uow, request, locator)
        for index, case_in, source, lon, lat in chunk:
            result, duplicates = open_report(uow, request, locator=locator, taxonomy=taxonomy, at=at,
                                             principal=principal, case_in=case_in, source=source, lon=lon, lat=lat)
            case = result.case
            answers.append({"index": index, "id": case.id, "category": case.category, "platform": case.platform,
                            "status": case.status, "triage": case.triage, "grid_path": list(case.grid_path),
                            "possible_duplicates": [d["id"] for d in duplicates]})
    return answers
