"""A team's answer to an offer: accept, decline or let it lapse; after a refusal the next nearest team is offered."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from cases.dispatch import offer_data, offer_team, refused_teams
from cases.errors import CaseNotFound, IllegalTransition, NoTeamAvailable
from cases.locator import Locator
from cases.models import (Assignment, AssignmentRole, Case, CaseEvent, CaseStatus, ReleaseReason, TaskState, Team,
                          TeamStatus)
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository

DISPATCH_ACTOR = "system:dispatch"


class Answer(StrEnum):
    """What became of an offer; each is a case event of that name (off the loop: the status stays)."""

    ACCEPT = "offer_accepted"
    DECLINE = "offer_declined"
    TIME_OUT = "offer_timed_out"


RELEASES = {Answer.DECLINE: ReleaseReason.DECLINED, Answer.TIME_OUT: ReleaseReason.TIMED_OUT}


@dataclass(frozen=True, slots=True)
class OfferOutcome:
    """The case after an answer, its event, the assignment answered, and after a refusal the next offer (or none)."""

    case: Case
    event: CaseEvent
    answered: Assignment
    offered: Assignment | None = None
    team: Team | None = None  # the team of the next offer
    no_team: bool = False  # a refusal left nobody to offer: the lead's case must go back to be dispatched again


def answer_offer(*, cases: CaseRepository, teams: TeamRepository, assignments: AssignmentRepository,
                 locator: Locator, case_id: int, assignment_id: int, answer: Answer, actor: str, at: datetime,
                 role: str = "", note: str = "") -> OfferOutcome:
    """Record a team's answer to its offer; after a decline or a lapse free the team and offer the next nearest.

    Raises CaseNotFound for an unknown case or assignment, IllegalTransition when the assignment is no longer an
    open offer (answered, released) or, for a lapse, when its time has not come.
    """
    case = cases.get(case_id, for_update=True)  # the case's lock orders an accept and a lapse racing each other
    if case is None:
        raise CaseNotFound(f"case {case_id}: no such case")
    offer = next((a for a in assignments.for_case(case_id) if a.id == assignment_id), None)
    if offer is None:
        raise CaseNotFound(f"case {case_id}: no assignment {assignment_id}")
    if not offer.active or offer.state is not TaskState.OFFERED:
        now = f"ended ({offer.release_reason})" if not offer.active else f"'{offer.state}'"
        raise IllegalTransition(f"case {case_id}: assignment {assignment_id} is {now}; only an open offer is answered")
    if answer is Answer.TIME_OUT and (offer.offer_expires_at is None or offer.offer_expires_at > at):
        raise IllegalTransition(f"case {case_id}: assignment {assignment_id}'s offer stands until "
                                f"{offer.offer_expires_at}")
    data: dict[str, object] = {"assignment_id": offer.id, "team_id": offer.team_id}
    offered, team, no_team = None, None, False
    if answer is Answer.ACCEPT:
        if not assignments.set_state(assignment_id, state=TaskState.ACCEPTED, at=at, expected=TaskState.OFFERED):
            raise IllegalTransition(f"case {case_id}: assignment {assignment_id} was answered meanwhile")
        answered = replace(offer, state=TaskState.ACCEPTED)
    else:
        reason = RELEASES[answer]
        if not assignments.release(assignment_id, at=at, reason=reason):
            raise IllegalTransition(f"case {case_id}: assignment {assignment_id} ended meanwhile")
        teams.set_status(offer.team_id, TeamStatus.AVAILABLE)  # the offer held the team; it gives it back
        answered = replace(offer, released_at=at, release_reason=reason)
        try:
            team, _distance, offered = offer_team(
                teams=teams, assignments=assignments, locator=locator, case=case, team_id=None, task=offer.task,
                at=at, exclude=refused_teams(assignments, case_id), platform=offer.platform, role=offer.role)
            data["next"] = offer_data(team, offered)
        except NoTeamAvailable as exc:
            data["next"] = None
            data["no_team"] = str(exc)
            no_team = offer.role is AssignmentRole.LEAD and case.status is CaseStatus.DISPATCHED
    updated = cases.update(replace(case, updated_at=at))
    event = cases.append_event(CaseEvent(case_id=case_id, action=answer.value, actor=actor, at=at, role=role,
                                         from_status=case.status, to_status=case.status, note=note, data=data))
    return OfferOutcome(updated, event, answered, offered, team, no_team)


def lapsed_offers(assignments: AssignmentRepository, *, now: datetime, limit: int = 10_000) -> list[Assignment]:
    """Return the open offers whose time ran out by now, oldest first (active assignments are few: one per team)."""
    return [a for a in assignments.active(limit=limit)
            if a.state is TaskState.OFFERED and a.offer_expires_at is not None and a.offer_expires_at <= now]


