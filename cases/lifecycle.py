"""The closed loop as a state machine: which step is allowed from which status, and where it leads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cases.errors import IllegalTransition
from cases.models import CaseStatus

S = CaseStatus


class Action(StrEnum):
    """Steps of the loop that a person or the system takes on a case."""

    REPORT = "report"
    ACCEPT = "accept"
    ROUTE = "route"
    DISPATCH = "dispatch"
    START = "start"
    FEEDBACK = "feedback"
    VERIFY = "verify"
    CLOSE = "close"
    EVALUATE = "evaluate"


@dataclass(frozen=True, slots=True)
class Step:
    """From which statuses an action is allowed and the status it leads to (None: unchanged)."""

    allowed_from: frozenset[CaseStatus]
    leads_to: CaseStatus | None


STEPS: dict[Action, Step] = {
    Action.ACCEPT: Step(frozenset({S.REPORTED}), S.ACCEPTED),
    Action.ROUTE: Step(frozenset({S.REPORTED, S.ACCEPTED}), None),
    Action.DISPATCH: Step(frozenset({S.ACCEPTED}), S.DISPATCHED),
    Action.START: Step(frozenset({S.DISPATCHED}), S.HANDLING),
    Action.FEEDBACK: Step(frozenset({S.HANDLING}), S.FED_BACK),
    # A failed verification sends the case back to handling; see next_status.
    Action.VERIFY: Step(frozenset({S.FED_BACK}), S.VERIFIED),
    Action.CLOSE: Step(frozenset({S.VERIFIED}), S.CLOSED),
    Action.EVALUATE: Step(frozenset({S.CLOSED}), None),
}


def next_status(action: Action, current: CaseStatus, *, case_id: int | None = None, passed: bool = True) -> CaseStatus:
    """Return the status action leads to from current, or raise IllegalTransition saying why not."""
    step = STEPS.get(action)
    if step is None:
        raise IllegalTransition(f"case {case_id}: '{action}' is not a step a case can take")
    if current not in step.allowed_from:
        needed = " or ".join(sorted(f"'{s}'" for s in step.allowed_from))
        raise IllegalTransition(f"case {case_id} is '{current}'; '{action}' needs {needed}")
    if action is Action.VERIFY and not passed:
        return S.HANDLING
    return step.leads_to or current


def allowed_actions(current: CaseStatus) -> list[Action]:
    """Return the steps that can be taken from a status, in loop order."""
    return [action for action, step in STEPS.items() if current in step.allowed_from]
