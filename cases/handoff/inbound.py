"""What the city sends in: a status of a case the town escalated, or a case it hands down (交办); each once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from cases import feed as payloads
from cases.errors import CaseNotFound, IllegalTransition
from cases.handoff.models import InboundKind, InboundMessage
from cases.handoff.repository import CityInboundRepository
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import Case, CaseEvent, CaseSource, CaseStatus
from cases.service import CaseCreate, StepInput
from cases.clock import CaseClock
from cases.use_cases import CaseWork, report_case_and_announce, take_step_and_announce

CITY_ACTOR = "city"
CITY_ROLE = "city"
# Case events off the loop (the case's status stays): what the city said about it.
CITY_ACCEPTED = "city_accepted"
CITY_CLOSED = "city_closed"
CITY_HANDDOWN = "city_handdown"
# The step a handed-down case's due date stands for: the city wants the matter handled by then.
HANDDOWN_DUE_STEP = "handle"


class CityStatus(StrEnum):
    """What the city says of a case the town escalated."""

    ACCEPTED = "accepted"  # the city took it on
    CLOSED = "closed"  # the city finished it; result is what the reporter is told
    RETURNED = "returned"  # not the city's either: it comes back into the town's loop


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """The city's word on an escalated case."""

    message_id: str
    case_id: int
    status: CityStatus
    note: str = ""
    result: str = ""
    city_ref: str = ""


@dataclass(frozen=True, slots=True)
class Handdown:
    """A case the city hands down to the town (WGS-84 position, already converted)."""

    message_id: str
    city_ref: str
    title: str
    category: str
    lon: float
    lat: float
    description: str = ""
    due_at: datetime | None = None
    attachments: tuple[str, ...] = ()


class HandoffWork(CaseWork, Protocol):
    """The repositories the city's messages need: the cases' and the inbound log."""

    city_inbound: CityInboundRepository


def receive_city_message(work: HandoffWork, *, locator: Locator, message: StatusUpdate | Handdown,
                         case_clock: CaseClock | None = None,
                         payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Act on a message from the city once and return the answer; a message id seen before gets its first answer.

    The message is recorded first, so a concurrent redelivery waits for this one and then replays its answer; a
    refusal (no such case, a status for a case not escalated) rolls the record back with everything else, so the
    city may send the message again once it is right.
    """
    kind = InboundKind.STATUS if isinstance(message, StatusUpdate) else InboundKind.HANDDOWN
    # The case is named once the message was acted on (set_result): a status may name a case that does not exist.
    if not work.city_inbound.record(InboundMessage(message_id=message.message_id, received_at=at, kind=kind,
                                                   payload=payload, result={}, city_ref=message.city_ref)):
        original = work.city_inbound.get(message.message_id)
        assert original is not None  # record() found it
        return {**original.result, "replay": True}
    if isinstance(message, StatusUpdate):
        case_id, outcome = _status(work, locator=locator, update=message, at=at, case_clock=case_clock)
    else:
        case_id, outcome = _handdown(work, locator=locator, handdown=message, at=at, case_clock=case_clock)
    result = {"message_id": message.message_id, "kind": str(kind), "case_id": case_id, "outcome": outcome,
              "replay": False}
    work.city_inbound.set_result(message.message_id, result=result, case_id=case_id)
    return result


def _status(work: HandoffWork, *, locator: Locator, update: StatusUpdate, at: datetime,
            case_clock: CaseClock | None) -> tuple[int, str]:
    """Note the city's acceptance or result on the escalated case, or take it back into the town's loop."""
    case = work.cases.get(update.case_id, for_update=True)
    if case is None:
        raise CaseNotFound(f"body field 'case_id': no case {update.case_id}")
    if case.status is not CaseStatus.ESCALATED:
        raise IllegalTransition(f"case {case.id} is '{case.status}'; the city's '{update.status}' concerns only "
                                "an escalated case")
    data = {"city_ref": update.city_ref, "message_id": update.message_id}
    if update.status is CityStatus.RETURNED:
        take_step_and_announce(work, locator=locator, case_id=update.case_id, actor=CITY_ACTOR, role=CITY_ROLE,
                               at=at, step_in=StepInput(Action.HAND_BACK, note=update.note), case_clock=case_clock)
        return update.case_id, "handed_back"
    if update.status is CityStatus.CLOSED:
        # What the town tells the reporter: the city's result, kept on the case's log (GET /api/cases/{id}).
        _note(work, case, action=CITY_CLOSED, at=at, note=update.result,
              data={**data, "reporter_result": update.result, "city_note": update.note})
        return update.case_id, "closed"
    _note(work, case, action=CITY_ACCEPTED, at=at, note=update.note or "accepted by the city", data=data)
    return update.case_id, "accepted"


def _handdown(work: HandoffWork, *, locator: Locator, handdown: Handdown, at: datetime,
              case_clock: CaseClock | None) -> tuple[int, str]:
    """Open the handed-down case like any report (located, routed by category), due when the city says."""
    opened = report_case_and_announce(work, case_in=CaseCreate(
        title=handdown.title, category=handdown.category, lon=handdown.lon, lat=handdown.lat, source=CaseSource.CITY,
        description=handdown.description), grid_path=locator.grid_path(handdown.lon, handdown.lat),
        actor=CITY_ACTOR, role=CITY_ROLE, at=at, case_clock=case_clock)
    case = opened.case
    if handdown.due_at is not None:
        case = replace(case, due_at=handdown.due_at, due_step=HANDDOWN_DUE_STEP, external_due_at=handdown.due_at)
    data = {"city_ref": handdown.city_ref, "message_id": handdown.message_id,
            "due_at": None if handdown.due_at is None else handdown.due_at.isoformat()}
    _note(work, case, action=CITY_HANDDOWN, at=at, data=data, attachments=handdown.attachments,
          note=f"handed down by the city (交办), reference {handdown.city_ref}")
    return case.id, "opened"  # type: ignore[return-value]


def _note(work: HandoffWork, case: Case, *, action: str, at: datetime, note: str, data: dict[str, Any],
          attachments: tuple[str, ...] = ()) -> CaseEvent:
    """Append an event off the loop (the status stays) to the case and announce the case as updated."""
    case = work.cases.update(replace(case, updated_at=at))
    event = work.cases.append_event(CaseEvent(
        case_id=case.id, action=action, actor=CITY_ACTOR, role=CITY_ROLE, at=at,  # type: ignore[arg-type]
        from_status=case.status, to_status=case.status, note=note, data=data, attachments=attachments))
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(case, event), at=at)
    return event
