"""The city hand-off: the city's signed messages in (statuses, hand-downs), and the outbox of escalations out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Security
from starlette.concurrency import run_in_threadpool

from access.errors import NotAuthenticated
from access.models import Principal
from access.scopes import Scope
from api.deps import CaseClockDep, ClockDep, IdPath, LocatorDep, PagingDep, StoreDep
from api.responses.city import InboundAnswer, OutboxMessageRead, OutboxPage
from api.schemas_city import CityHanddownIn, CityMessageIn, CityStatusIn
from api.security import IngestReader, authorize
from api.serialize import page, record
from cases.clock import CaseClock
from cases.handoff.errors import BadSignature
from cases.handoff.inbound import Handdown, StatusUpdate, receive_city_message
from cases.handoff.models import OutboxMessage, OutboxState
from cases.handoff.service import retry_failed
from cases.handoff.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from cases.locator import Locator
from gis.crs import normalise_position
from storage import Store

router = APIRouter(tags=["city"])
DEFAULT_WINDOW = timedelta(minutes=5)
# Retrying a given-up message is a command-room decision, like any step of a case.
CaseCommander = Annotated[Principal, Security(authorize, scopes=[Scope.CASES_COMMAND.value])]
SIGNED = {401: {"description": "Signature or timestamp missing, wrong or stale; or no shared secret configured"}}


async def city_signed(request: Request, clock: ClockDep) -> None:
    """Raise NotAuthenticated unless the raw body carries the city's signature made within the window."""
    state = request.app.state
    body = await request.body()  # the exact bytes signed; FastAPI parses the same cached bytes afterwards
    try:
        verify(getattr(state, "city_secret", ""), body, timestamp=request.headers.get(TIMESTAMP_HEADER),
               signed=request.headers.get(SIGNATURE_HEADER), now=clock(),
               window=getattr(state, "city_signature_window", DEFAULT_WINDOW))
    except BadSignature as exc:
        raise NotAuthenticated(str(exc)) from None


def outbox_dict(message: OutboxMessage) -> dict[str, Any]:
    """Return an outbox message's fields and its state."""
    return {**record(message), "state": str(message.state)}


def _receive(store: Store, locator: Locator, case_clock: CaseClock, message_in: CityStatusIn | CityHanddownIn,
             now: Any) -> dict[str, Any]:
    message: StatusUpdate | Handdown
    if isinstance(message_in, CityStatusIn):
        message = StatusUpdate(message_id=message_in.message_id, case_id=message_in.case_id, status=message_in.status,
                               note=message_in.note, result=message_in.result, city_ref=message_in.city_ref)
    else:
        lon, lat = normalise_position(message_in.lon, message_in.lat, message_in.crs, where="body lon/lat")
        message = Handdown(message_id=message_in.message_id, city_ref=message_in.city_ref, title=message_in.title,
                           category=message_in.category, description=message_in.description, lon=lon, lat=lat,
                           due_at=message_in.due_at, attachments=tuple(message_in.attachments))
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        return receive_city_message(uow, locator=locator, message=message, at=now, case_clock=case_clock,
                                    payload=message_in.model_dump(mode="json"))


@router.post("/api/city/inbound", response_model=InboundAnswer, responses=SIGNED,
             dependencies=[Depends(city_signed)])
async def city_inbound(store: StoreDep, locator: LocatorDep, clock: ClockDep, case_clock: CaseClockDep,
                       message: Annotated[CityMessageIn, Body()]) -> dict[str, Any]:
    """Take a signed message from the city: a status of an escalated case, or a case handed down (交办).

    A message_id already handled answers 200 with its first answer (replay: true) and does nothing again.
    """
    return await run_in_threadpool(_receive, store, locator, case_clock, message, clock())


@router.get("/api/city/outbox", response_model=OutboxPage)
def list_outbox(request: Request, store: StoreDep, _who: IngestReader, paging: PagingDep,
                state: Annotated[Literal["pending", "delivered", "failed"] | None,
                                 Query(description="only messages in this state")] = None) -> dict[str, Any]:
    """List the messages for the city, newest first, with the backlog per state."""
    chosen = None if state is None else OutboxState(state)
    with store.read_only() as uow:
        found = uow.city_outbox.list(state=chosen, limit=paging.limit, offset=paging.offset)
        total = uow.city_outbox.count(state=chosen)
        counts = {str(s): uow.city_outbox.count(state=s) for s in OutboxState}
    return {**page([outbox_dict(m) for m in found], total=total, **paging.window), "counts": counts,
            "webhook_configured": bool(getattr(request.app.state, "city_webhook_configured", False))}


@router.post("/api/city/outbox/{message_id}/retry", response_model=OutboxMessageRead)
def retry_outbox_message(store: StoreDep, clock: ClockDep, _who: CaseCommander, message_id: IdPath) -> dict[str, Any]:
    """Send a given-up message again: pending from now, with a fresh count of attempts (409 unless failed)."""
    with store.unit_of_work() as uow:
        return outbox_dict(retry_failed(outbox=uow.city_outbox, message_id=message_id, at=clock()))
