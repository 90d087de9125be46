"""One-request intake (text, position, photos, audio, contact) and the triage queue's answer: re-classification."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from access.policy import redact_case
from api.bodies import INTAKE_FILES, INTAKE_PATH
from api.deps import ClockDep, IdPath, LocatorDep, StoreDep
from api.responses import ReportAnswer
from api.responses.cases import ReclassifyAnswer
from api.routes.cases import report, visible_case
from api.schemas import CRS_HELP, CaseReport, ReclassifyRequest
from api.security import AlertCommander, CaseReporter
from api.serialize import case_dict, event_dict
from api.uploads import ACCEPTED, UploadTooLarge, read_checked_file
from cases.models import CaseSource
from cases.taxonomy_service import active_taxonomy
from cases.triage import reclassify_case_and_announce

router = APIRouter(tags=["cases"])

MAX_INTAKE_FILES = INTAKE_FILES  # the body guard lets this route's body hold this many files of the size limit


@router.post(INTAKE_PATH, status_code=201, response_model=ReportAnswer)
async def intake_case(
    request: Request, store: StoreDep, locator: LocatorDep, clock: ClockDep, principal: CaseReporter,
    title: Annotated[str, Form()], lon: Annotated[float, Form()], lat: Annotated[float, Form()],
    category: Annotated[str | None, Form(description="a code from GET /api/categories; left out or 'auto': "
                                                     "classified")] = None,
    description: Annotated[str, Form()] = "",
    crs: Annotated[str, Form(description=CRS_HELP)] = "wgs84",
    source: Annotated[CaseSource | None, Form()] = None,
    reporter: Annotated[str, Form()] = "", reporter_phone: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile], File(description=f"photos, voice notes, videos: at most {MAX_INTAKE_FILES}, "
                                                        f"each of {', '.join(ACCEPTED)}")] = [],
) -> dict[str, Any]:
    """Report a case with its photos and audio in one multipart request; one bad file (413/415) stores nothing."""
    try:
        case_in = CaseReport(title=title, category=None if category in (None, "", "auto") else category,
                             description=description, lon=lon, lat=lat, crs=crs, source=source, reporter=reporter,
                             reporter_phone=reporter_phone)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
    if len(files) > MAX_INTAKE_FILES:
        raise UploadTooLarge(f"form field 'files': {len(files)} files; at most {MAX_INTAKE_FILES} in one report")
    # Every file is read and checked before anything is stored: a refused one leaves no case behind.
    max_bytes = request.app.state.upload_max_bytes
    checked = [await read_checked_file(f, max_bytes=max_bytes) for f in files]
    return await run_in_threadpool(report, request, store=store, locator=locator, at=clock(), principal=principal,
                                   case_in=case_in, files=checked)


@router.post("/api/cases/{case_id}/category", response_model=ReclassifyAnswer)
def reclassify_case(store: StoreDep, clock: ClockDep, principal: AlertCommander, case_id: IdPath,
                    body: ReclassifyRequest) -> dict[str, Any]:
    """File a case under a sub-category (an operator's answer to the triage queue): re-routed while not yet
    dispatched, out of triage, the classifier's mistake kept as training data, the case announced."""
    now = clock()
    with store.unit_of_work() as uow:
        visible_case(uow, principal, case_id)
        taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
        done = reclassify_case_and_announce(uow, corrections=uow.classification_corrections, taxonomy=taxonomy,
                                            case_id=case_id, category=body.category, note=body.note,
                                            actor=principal.actor, at=now, role=str(principal.role))
    return {**redact_case(principal, case_dict(done.case)), "event": event_dict(done.event),
            "correction_id": done.correction.id if done.correction else None}
