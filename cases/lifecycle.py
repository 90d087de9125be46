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


STATUS_LABELS: dict[CaseStatus, str] = {
    S.REPORTED: "Reported 上报", S.ACCEPTED: "Accepted 受理", S.DISPATCHED: "Dispatched 派遣", S.HANDLING: "Handling 处置",
    S.FED_BACK: "Fed back 反馈", S.VERIFIED: "Verified 核查", S.CLOSED: "Closed 办结",
}
# Where a failed step leads instead (see next_status).
ON_FAIL: dict[Action, CaseStatus] = {Action.VERIFY: S.HANDLING}
# Steps off the main line of the loop: allowed, but not what an operator is expected to do next.
SIDE_STEPS = frozenset({Action.ROUTE})


def next_status(action: Action, current: CaseStatus, *, case_id: int | None = None, passed: bool = True) -> CaseStatus:
    """Return the status action leads to from current, or raise IllegalTransition saying why not."""
    step = STEPS.get(action)
    if step is None:
        raise IllegalTransition(f"case {case_id}: '{action}' is not a step a case can take")
    if current not in step.allowed_from:
        needed = " or ".join(sorted(f"'{s}'" for s in step.allowed_from))
        raise IllegalTransition(f"case {case_id} is '{current}'; '{action}' needs {needed}")
    if not passed and action in ON_FAIL:
        return ON_FAIL[action]
    return step.leads_to or current


def allowed_actions(current: CaseStatus) -> list[Action]:
    """Return the steps that can be taken from a status, in loop order."""
    return [action for action, step in STEPS.items() if current in step.allowed_from]
