"""The closed loop as one state machine: each step, where it is allowed, where it leads, what it needs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cases.errors import IllegalTransition
from cases.models import CaseStatus, ReleaseReason

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
    REJECT = "reject"
    ESCALATE = "escalate"
    MERGE = "merge"
    REOPEN = "reopen"
    HAND_BACK = "hand_back"
    WITHDRAW = "withdraw"


class Need(StrEnum):
    """A field of the step's body that the step cannot do without."""

    REASON = "note"
    PLATFORM = "platform"
    TARGET = "target_case_id"
    SATISFACTION = "satisfaction"


@dataclass(frozen=True, slots=True)
class Step:
    """One row of the loop's table: from which statuses, to which, what it needs, which teams it gives back."""

    allowed_from: frozenset[CaseStatus]
    leads_to: CaseStatus
    needs: tuple[Need, ...] = ()
    releases: ReleaseReason | None = None  # every active assignment ends, its team free again
    main_line: bool = True
    on_fail: CaseStatus | None = None  # where the step leads when it fails (verify: passed=false)


# Before a team is sent, and while it works: where a case can still be turned away, handed up or merged.
_UNSENT = frozenset({S.REPORTED, S.REGISTERED, S.ROUTED})
_IN_FIELD = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.RETURNED})

# The one table of the loop. The API describes it (GET /api/lifecycle) and the page builds its buttons from that.
STEPS: dict[Action, Step] = {
    Action.ACCEPT: Step(frozenset({S.REPORTED}), S.REGISTERED),
    # Routing from 'reported' registers and routes at once: the command room judged the report on sight.
    Action.ROUTE: Step(_UNSENT, S.ROUTED, needs=(Need.PLATFORM,), main_line=False),
    Action.DISPATCH: Step(frozenset({S.REGISTERED, S.ROUTED}), S.DISPATCHED),
    Action.START: Step(frozenset({S.DISPATCHED, S.RETURNED}), S.IN_PROGRESS),
    Action.FEEDBACK: Step(frozenset({S.IN_PROGRESS}), S.HANDLED),
    # The team stays on the case until its work is verified: a failed verification returns it to the same team.
    Action.VERIFY: Step(frozenset({S.HANDLED}), S.VERIFIED, releases=ReleaseReason.VERIFIED, on_fail=S.RETURNED),
    Action.CLOSE: Step(frozenset({S.VERIFIED}), S.CLOSED, releases=ReleaseReason.CASE_CLOSED),
    Action.EVALUATE: Step(frozenset({S.CLOSED}), S.EVALUATED, needs=(Need.SATISFACTION,)),
    Action.REJECT: Step(_UNSENT, S.REJECTED, needs=(Need.REASON,), releases=ReleaseReason.REJECTED, main_line=False),
    # 事权不在本级: the town hands the case to the city; its teams come home.
    Action.ESCALATE: Step(_UNSENT | _IN_FIELD, S.ESCALATED, needs=(Need.REASON,), releases=ReleaseReason.ESCALATED,
                          main_line=False),
    Action.MERGE: Step(_UNSENT | _IN_FIELD, S.MERGED, needs=(Need.TARGET,), releases=ReleaseReason.MERGED,
                       main_line=False),
    # A reopened case is judged again from registration: the first routing (or the rejection) may have been wrong.
    Action.REOPEN: Step(frozenset({S.CLOSED, S.EVALUATED, S.REJECTED}), S.REGISTERED, needs=(Need.REASON,),
                        main_line=False),
    # The city returned an escalated case (it is the town's after all): the town judges it again from registration.
    Action.HAND_BACK: Step(frozenset({S.ESCALATED}), S.REGISTERED, needs=(Need.REASON,), main_line=False),
    # Before anyone has started: the command room takes the team back, or dispatch does when every team declined.
    Action.WITHDRAW: Step(frozenset({S.DISPATCHED}), S.ROUTED, releases=ReleaseReason.WITHDRAWN, main_line=False),
}

STATUS_LABELS: dict[CaseStatus, str] = {
    S.REPORTED: "Reported 上报", S.REGISTERED: "Registered 受理", S.ROUTED: "Routed 分流",
    S.DISPATCHED: "Dispatched 派遣", S.IN_PROGRESS: "In progress 处置", S.HANDLED: "Handled 反馈",
    S.VERIFIED: "Verified 核查", S.CLOSED: "Closed 办结", S.EVALUATED: "Evaluated 评价",
    S.RETURNED: "Returned 返工", S.REJECTED: "Rejected 退回", S.ESCALATED: "Escalated 上报上级",
    S.MERGED: "Merged 合并",
}
# Where the town's work on a case is over: nothing open, no team held, no duplicate offered against it.
FINISHED = frozenset({S.CLOSED, S.EVALUATED, S.REJECTED, S.ESCALATED, S.MERGED})
# Kept for the API's description of the loop.
ON_FAIL: dict[Action, CaseStatus] = {a: s.on_fail for a, s in STEPS.items() if s.on_fail is not None}
SIDE_STEPS = frozenset(a for a, s in STEPS.items() if not s.main_line)


def next_status(action: Action, current: CaseStatus, *, case_id: int | None = None, passed: bool = True) -> CaseStatus:
    """Return the status action leads to from current, or raise IllegalTransition saying why not."""
    step = STEPS.get(action)
    if step is None:
        raise IllegalTransition(f"case {case_id}: '{action}' is not a step a case can take")
    if current not in step.allowed_from:
        needed = " or ".join(f"'{s}'" for s in CaseStatus if s in step.allowed_from)
        raise IllegalTransition(f"case {case_id} is '{current}'; '{action}' needs {needed}")
    if not passed and step.on_fail is not None:
        return step.on_fail
    return step.leads_to


def allowed_actions(current: CaseStatus) -> list[Action]:
    """Return the steps that can be taken from a status, in loop order."""
    return [action for action, step in STEPS.items() if current in step.allowed_from]
