"""Use cases of offers (one function each, cases/use_cases.py style): the team's answer and a lapse, announced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cases import feed as payloads
from cases.clock import CaseClock
from cases.dispatch import refused_teams
from cases.lifecycle import Action
from cases.locator import Locator
from cases.offers import DISPATCH_ACTOR, Answer, OfferOutcome, answer_offer
from cases.service import StepInput, StepResult
from cases.use_cases import CaseWork, take_step_and_announce


@dataclass(frozen=True, slots=True)
class OfferAnswer:
    """The answer's outcome and, when nobody was left to offer, the step that took the case back."""

    outcome: OfferOutcome
    withdrawn: StepResult | None = None


def answer_offer_and_announce(work: CaseWork, *, locator: Locator, case_id: int, assignment_id: int, answer: Answer,
                              actor: str, at: datetime, role: str = "", note: str = "",
                              case_clock: CaseClock | None = None) -> OfferAnswer:
    """Record the team's answer; after a refusal offer the next nearest team, or take the case back to 'routed'.

    case_clock restarts the dispatch deadline when the case goes back to 'routed'."""
    outcome = answer_offer(cases=work.cases, teams=work.teams, assignments=work.assignments, locator=locator,
                           case_id=case_id, assignment_id=assignment_id, answer=answer, actor=actor, at=at,
                           role=role, note=note)
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(outcome.case, outcome.event), at=at)
    if answer is Answer.ACCEPT:
        work.feed.append(payloads.TEAM_ACCEPTED, payloads.team_accepted(outcome.case, outcome.answered), at=at)
        return OfferAnswer(outcome)
    work.feed.append(payloads.TEAM_RELEASED, payloads.team_released(outcome.case, outcome.answered), at=at)
    if outcome.offered is not None and outcome.team is not None:
        work.feed.append(payloads.TEAM_ASSIGNED, payloads.team_assigned(outcome.case, outcome.team, outcome.offered,
                                                                       outcome.offered.distance_m), at=at)
    if not outcome.no_team:
        return OfferAnswer(outcome)
    # Nobody left: the case goes back to 'routed' by the loop's own step, so its log and version stay one chain.
    note = f"no team left to offer: {outcome.event.data['no_team']}"
    withdrawn = take_step_and_announce(work, locator=locator, case_id=case_id, actor=DISPATCH_ACTOR, at=at,
                                       role="system", step_in=StepInput(Action.WITHDRAW, note=note),
                                       case_clock=case_clock)
    work.feed.append(payloads.DISPATCH_NO_TEAM, payloads.dispatch_no_team(
        withdrawn.case, str(outcome.answered.platform), sorted(refused_teams(work.assignments, case_id))), at=at)
    return OfferAnswer(outcome, withdrawn)


def expire_offer_and_announce(work: CaseWork, *, locator: Locator, case_id: int, assignment_id: int,
                              now: datetime, case_clock: CaseClock | None = None) -> OfferAnswer:
    """Treat a lapsed offer as declined (timed out): free the team, offer the next nearest, announce it all."""
    return answer_offer_and_announce(work, locator=locator, case_id=case_id, assignment_id=assignment_id,
                                     answer=Answer.TIME_OUT, actor=DISPATCH_ACTOR, at=now, role="system",
                                     note="the team did not answer in time", case_clock=case_clock)
