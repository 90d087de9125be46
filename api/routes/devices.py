"""The device registry: provision, replace, retire and import devices; the quarantine of unknown ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import LocatorDep, PagingDep, StoreDep
from api.responses import DeviceRead
from api.responses.devices import ImportReportRead, QuarantinePage
from api.schemas import DeviceAdopt, DeviceCreate, DeviceFields
from api.security import DeviceAdmin, IngestReader, OpsReader
from api.serialize import device_dict, page, quarantine_dict
from api.uploads import UploadTypeRefused
from cases.locator import Locator
from iot.errors import DeviceExists, DeviceNotFound
from iot.kinds import default_catalogue
from iot.models import Device
from iot.provisioning import DeviceDraft, device_or_error, read_device_csv, split_new, with_grid
from iot.quarantine import adoption_draft
from storage import Store, UnitOfWork

router = APIRouter(tags=["devices"])

DeviceIdPath = Annotated[str, Path(min_length=1, max_length=64, description="the device id (its topic segment)")]
CSV_TYPES = ("text/csv", "text/plain", "application/csv")


def _draft(device_id: str, fields: DeviceFields) -> DeviceDraft:
    body = fields.model_dump(mode="json", exclude={"id"})
    body["metrics"] = {m: r.model_dump() for m, r in fields.metrics.items()}
    return DeviceDraft(id=device_id, **body)


def _finest_grid(uow: UnitOfWork, locator: Locator) -> Callable[[float, float], str]:
    """Return what locates a point in its finest grid ("" outside them all), the index brought up to date."""
    locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
    return lambda lon, lat: (locator.grid_path(lon, lat) or [""])[-1]


def _located(uow: UnitOfWork, locator: Locator, device: Device) -> Device:
    """Return the device with its finest grid, located from its position unless the caller gave one."""
    return with_grid(device, _finest_grid(uow, locator))


@router.get("/api/devices/quarantine", response_model=QuarantinePage)
def list_quarantine(store: StoreDep, _who: IngestReader, paging: PagingDep) -> dict[str, Any]:
    """List devices nobody provisioned that published readings, last seen first, with their last payload."""
    with store.read_only() as uow:
        entries = uow.quarantine.list(limit=paging.limit, offset=paging.offset)
        total = uow.quarantine.count()
    return page([quarantine_dict(e) for e in entries], total=total, **paging.window)


@router.post("/api/devices/quarantine/{device_id}/adopt", status_code=201, response_model=DeviceRead)
def adopt_device(store: StoreDep, locator: LocatorDep, _who: DeviceAdmin, device_id: DeviceIdPath,
                 adopt_in: DeviceAdopt) -> dict[str, Any]:
    """Provision a quarantined device (what the body leaves out comes from its messages) and end its quarantine."""
    given = adopt_in.model_dump(mode="json", exclude_none=True)
    if adopt_in.metrics is not None:
        given["metrics"] = {m: r.model_dump() for m, r in adopt_in.metrics.items()}
    with store.unit_of_work() as uow:
        entry = uow.quarantine.get(device_id)
        if entry is None:
            raise DeviceNotFound(f"path 'device_id' {device_id!r}: not in quarantine")
        if uow.devices.get(device_id) is not None:
            raise DeviceExists(f"path 'device_id' {device_id!r}: already provisioned; dismiss the entry instead")
        device = _located(uow, locator, device_or_error(adoption_draft(entry, **given), catalogue=default_catalogue()))
        uow.devices.upsert_many([device])
        uow.quarantine.delete(device_id)
    return device_dict(device)


@router.delete("/api/devices/quarantine/{device_id}", status_code=204, response_class=Response)
def dismiss_quarantined(store: StoreDep, _who: DeviceAdmin, device_id: DeviceIdPath) -> Response:
    """Dismiss a quarantine entry; a later message of the device quarantines it again."""
    with store.unit_of_work() as uow:
        if not uow.quarantine.delete(device_id):
            raise DeviceNotFound(f"path 'device_id' {device_id!r}: not in quarantine")
    return Response(status_code=204)


@router.post("/api/devices/import", response_model=ImportReportRead,
             responses={422: {"description": "Every problem found, per CSV line and column; nothing was written"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string"}},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}})
async def import_devices(request: Request, store: StoreDep, locator: LocatorDep, _who: DeviceAdmin,
                         dry_run: Annotated[bool, Query(description="check only; write nothing")] = False) -> Any:
    """Provision or replace every device of a CSV (columns in docs/operations.md): all rows or none."""
    text = await _csv_text(request)
    return await run_in_threadpool(_import, store, locator, text, dry_run)


async def _csv_text(request: Request) -> str:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise UploadTypeRefused("form field 'file': a CSV file is required")
        data = await upload.read()
    elif content_type in CSV_TYPES:
        data = await request.body()
    else:
        raise UploadTypeRefused(f"header 'Content-Type' {content_type!r}: send text/csv or a multipart 'file'")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadTypeRefused(f"CSV body: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def _import(store: Store, locator: Locator, text: str, dry_run: bool) -> Any:
    report = read_device_csv(text, catalogue=default_catalogue())
    if not report.ok:
        problems = [{"line": p.line, "column": p.column, "message": p.message} for p in report.problems]
        return JSONResponse({"detail": problems}, status_code=422)
    with store.unit_of_work() as uow:
        existing = {d.id for d in uow.devices.all()}
        locate = _finest_grid(uow, locator)
        devices = [with_grid(d, locate) for d in report.devices]
        if not dry_run:
            uow.devices.upsert_many(devices)
    created, updated = split_new(devices, existing)
    return {"rows": report.rows, "created": created, "updated": updated, "dry_run": dry_run}


@router.post("/api/devices", status_code=201, response_model=DeviceRead)
def create_device(store: StoreDep, locator: LocatorDep, _who: DeviceAdmin, device_in: DeviceCreate) -> dict[str, Any]:
    """Provision a device; a fixed one needs a position, from which its grid is located unless given."""
    device = device_or_error(_draft(device_in.id, device_in), catalogue=default_catalogue())
    with store.unit_of_work() as uow:
        if uow.devices.get(device.id) is not None:
            raise DeviceExists(f"body field 'id' {device.id!r}: a device of that id exists; PUT replaces it")
        device = _located(uow, locator, device)
        uow.devices.upsert_many([device])
        uow.quarantine.delete(device.id)
    return device_dict(device)


@router.get("/api/devices/{device_id}", response_model=DeviceRead)
def get_device(store: StoreDep, _who: OpsReader, device_id: DeviceIdPath) -> dict[str, Any]:
    """Return one device with its effective metrics and interval."""
    with store.read_only() as uow:
        device = uow.devices.get(device_id)
    if device is None:
        raise DeviceNotFound(f"device {device_id!r}: no such device")
    return device_dict(device)


@router.put("/api/devices/{device_id}", response_model=DeviceRead)
def replace_device(store: StoreDep, locator: LocatorDep, _who: DeviceAdmin, device_id: DeviceIdPath,
                   device_in: DeviceFields) -> dict[str, Any]:
    """Replace a device's record (every field; what is left out takes its default)."""
    device = device_or_error(_draft(device_id, device_in), catalogue=default_catalogue())
    with store.unit_of_work() as uow:
        if uow.devices.get(device_id) is None:
            raise DeviceNotFound(f"device {device_id!r}: no such device; POST /api/devices provisions one")
        device = _located(uow, locator, device)
        uow.devices.upsert_many([device])
    return device_dict(device)


@router.delete("/api/devices/{device_id}", status_code=204, response_class=Response)
def retire_device(store: StoreDep, _who: DeviceAdmin, device_id: DeviceIdPath) -> Response:
    """Retire a device: its record goes, its readings and alerts stay; later messages of it are quarantined."""
    with store.unit_of_work() as uow:
        if not uow.devices.delete(device_id):
            raise DeviceNotFound(f"device {device_id!r}: no such device")
    return Response(status_code=204)
