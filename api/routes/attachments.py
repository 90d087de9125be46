"""Attachments of a case: photos, voice notes and videos, checked, stored by content hash, logged as events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import FileResponse

from access.errors import Forbidden
from access.scopes import Scope, has_scope
from api.deps import ClockDep, IdPath, StoreDep
from api.responses import CaseEventRead
from api.responses.cases import SnapshotList
from api.routes.cases import visible_case
from api.security import CaseReader
from api.serialize import event_dict
from api.uploads import ACCEPTED, ATTACH, read_checked_file, store_attachment
from cases.errors import CaseNotFound

router = APIRouter(tags=["cases"])
SNAPSHOT = "snapshot"  # data["kind"] of the attach events gridwatch.snapshots writes
# The file is sent as it was checked on upload, so its type is one of those the upload accepts.
FILE_ANSWER = {"description": "The file, with its content type and file name",
               "content": {content_type: {"schema": {"type": "string", "format": "binary"}}
                           for content_type in ACCEPTED}}


@router.post("/api/cases/{case_id}/attachments", status_code=201, response_model=CaseEventRead)
async def add_attachment(request: Request, store: StoreDep, clock: ClockDep, principal: CaseReader,
                         case_id: IdPath, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Attach a photo, voice note or video (a type of api.uploads.ACCEPTED by its bytes; size capped) to a case."""
    if not any(has_scope(principal.role, s) for s in (Scope.CASES_REPORT, Scope.CASES_WORK, Scope.CASES_COMMAND)):
        raise Forbidden(f"role '{principal.role}' may not attach files")
    checked = await read_checked_file(file, max_bytes=request.app.state.upload_max_bytes)
    now = clock()
    with store.unit_of_work() as uow:
        case = visible_case(uow, principal, case_id)
        event = store_attachment(uow.cases, attachments_dir=request.app.state.attachments_dir, case=case,
                                 file=checked, actor=principal.actor, at=now)
    return event_dict(event)


@router.get("/api/cases/{case_id}/attachments/{sha256}", response_class=FileResponse, responses={200: FILE_ANSWER})
def get_attachment(request: Request, store: StoreDep, principal: CaseReader, case_id: IdPath,
                   sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> FileResponse:
    """Return an attachment of a case in reach."""
    with store.read_only() as uow:
        visible_case(uow, principal, case_id)
        events = [e for e in uow.cases.events(case_id) if e.action == ATTACH and e.data.get("sha256") == sha256]
    if not events:
        raise CaseNotFound(f"case {case_id}: no attachment {sha256}")
    data = events[-1].data
    path = request.app.state.attachments_dir / str(case_id) / f"{sha256}{data['ext']}"
    return FileResponse(path, media_type=data["content_type"], filename=data.get("filename") or path.name)


@router.get("/api/cases/{case_id}/snapshots", response_model=SnapshotList)
def list_snapshots(store: StoreDep, principal: CaseReader, case_id: IdPath) -> dict[str, Any]:
    """List the frames taken from covering cameras when a case in reach opened, each with the camera and time."""
    with store.read_only() as uow:
        visible_case(uow, principal, case_id)
        events = [e for e in uow.cases.events(case_id) if e.action == ATTACH and e.data.get("kind") == SNAPSHOT]
    return {"case_id": case_id, "items": [
        {"camera_id": e.data["camera_id"], "taken_at": e.data["taken_at"], "sha256": e.data["sha256"],
         "content_type": e.data["content_type"], "size": e.data["size"],
         "url": f"/api/cases/{case_id}/attachments/{e.data['sha256']}"} for e in events]}
