"""Supervision (督办): the supervisor's queue, a case's reminders, and acknowledging a reminder."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from access.policy import case_reach, redact_case
from api.deps import CaseClockDep, ClockDep, IdPath, PagingDep, StoreDep
from api.responses.supervision import ReminderRead, SupervisionQueue
from api.routes.cases import visible_case
from api.security import SupervisionActor, SupervisionReader
from api.serialize import case_dict, page
from cases.models import Platform
from cases.supervision import MAX_LEVEL, acknowledge_reminder, overdue_wh
from feed import record

router = APIRouter(tags=["supervision"])


@router.get("/api/supervision/queue", response_model=SupervisionQueue)
def supervision_queue(store: StoreDep, principal: SupervisionReader, paging: PagingDep, clock: ClockDep,
                      case_clock: CaseClockDep,
                      level: Annotated[int | None, Query(ge=1, le=MAX_LEVEL, description="only this level")] = None,
                      platform: Platform | None = None,
                      grid: Annotated[str | None, Query(description="a grid code at any level")] = None,
                      ) -> dict[str, Any]:
    """List the open cases under supervision, most urgent first (highest level, then soonest due)."""
    reach = case_reach(principal)
    now = clock()
    if reach.platform is not None and platform not in (None, reach.platform):
        return page([], total=0, **paging.window)
    filters = {"level": level, "platform": reach.platform or platform, "grid_code": grid,
               "any_grid": reach.grid_codes}
    with store.read_only() as uow:
        found = uow.cases.supervised(**filters, limit=paging.limit, offset=paging.offset)
        total = uow.cases.count_supervised(**filters)
        latest = uow.case_reminders.latest_for([c.id for c in found])  # type: ignore[misc]
        calendar = case_clock.rules(uow).calendar
    items = [{**redact_case(principal, case_dict(c, now=now)), "overdue_by_wh": overdue_wh(c, now, calendar=calendar),
              "last_reminder": record(latest[c.id]) if c.id in latest else None} for c in found]
    return page(items, total=total, **paging.window)


@router.get("/api/cases/{case_id}/reminders", response_model=list[ReminderRead])
def case_reminders(store: StoreDep, principal: SupervisionReader, case_id: IdPath) -> list[dict[str, Any]]:
    """List a case's supervision reminders, oldest first."""
    with store.read_only() as uow:
        visible_case(uow, principal, case_id)
        return [record(r) for r in uow.case_reminders.for_case(case_id)]


@router.post("/api/supervision/reminders/{reminder_id}/ack", response_model=ReminderRead)
def ack_reminder(store: StoreDep, principal: SupervisionActor, clock: ClockDep, reminder_id: IdPath) -> dict[str, Any]:
    """Acknowledge a reminder (a second acknowledgement keeps who and when of the first)."""
    with store.unit_of_work() as uow:
        reminder = uow.case_reminders.get(reminder_id)
        if reminder is not None:
            visible_case(uow, principal, reminder.case_id)  # 404 for a reminder of a case out of reach
        found = acknowledge_reminder(reminders=uow.case_reminders, reminder_id=reminder_id, by=principal.actor,
                                     at=clock())
    return record(found)
