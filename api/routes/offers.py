"""Offers: the team sent to a case accepts or declines it; after a decline the next nearest team is offered."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from access.policy import check_offer_answer, redact_case
from api.deps import MAX_ID, CaseClockDep, ClockDep, IdPath, LocatorDep, StoreDep
from api.responses.cases import OfferAnswerRead
from api.routes.cases import _next_actions, active_teams, etag, visible_case
from api.schemas import OfferAnswerRequest
from api.security import CaseReader
from api.serialize import assignment_dict, case_dict, event_dict, team_dict
from cases.errors import CaseNotFound
from cases.offer_use_cases import answer_offer_and_announce
from cases.offers import Answer

router = APIRouter(tags=["cases"])

ANSWERS = {"accept": Answer.ACCEPT, "decline": Answer.DECLINE}
AssignmentPath = Annotated[int, Path(ge=1, le=MAX_ID, description="the assignment that carries the offer")]


@router.post("/api/cases/{case_id}/assignments/{assignment_id}/{answer}", response_model=OfferAnswerRead)
def answer_offer(store: StoreDep, locator: LocatorDep, clock: ClockDep, principal: CaseReader, case_id: IdPath,
                 assignment_id: AssignmentPath, answer: Annotated[str, Path(description="accept or decline")],
                 body: OfferAnswerRequest, response: Response, case_clock: CaseClockDep) -> dict[str, Any]:
    """Accept or decline an offer (its team's members or the command room); a decline offers the next nearest team."""
    if answer not in ANSWERS:
        raise CaseNotFound(f"path 'answer' {answer!r}: use accept or decline")
    now = clock()
    with store.unit_of_work() as uow:
        case = visible_case(uow, principal, case_id)
        offer = next((a for a in uow.assignments.for_case(case_id) if a.id == assignment_id), None)
        if offer is None:
            raise CaseNotFound(f"case {case_id}: no assignment {assignment_id}")
        check_offer_answer(principal, case, offer.team_id)
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        answered = answer_offer_and_announce(uow, locator=locator, case_id=case_id, assignment_id=assignment_id,
                                             answer=ANSWERS[answer], actor=principal.actor, at=now,
                                             role=str(principal.role), note=body.note,
                                             case_clock=case_clock)
        teams_now = active_teams(uow, case_id)
    outcome = answered.outcome
    case_now = answered.withdrawn.case if answered.withdrawn is not None else outcome.case
    response.headers["ETag"] = etag(case_now)
    return {**redact_case(principal, case_dict(case_now)), "event": event_dict(outcome.event),
            "assignment": assignment_dict(outcome.answered),
            "offered": assignment_dict(outcome.offered) if outcome.offered else None,
            "team": team_dict(outcome.team) if outcome.team else None, "withdrawn": answered.withdrawn is not None,
            "next_actions": _next_actions(principal, case_now, teams_now)}
