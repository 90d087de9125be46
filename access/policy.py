"""Object-level access: which cases a principal may see and act on, and which fields it may read."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from access.errors import Forbidden
from access.models import Principal, Role
from access.scopes import Scope, has_scope
from cases.lifecycle import Action
from cases.models import Assignment, AssignmentRole, Case, Platform

COMMAND_ACTIONS = frozenset({Action.ACCEPT, Action.ROUTE, Action.DISPATCH, Action.VERIFY, Action.CLOSE,
                             Action.EVALUATE, Action.REJECT, Action.ESCALATE, Action.MERGE, Action.REOPEN,
                             Action.WITHDRAW})
WORK_ACTIONS = frozenset({Action.START, Action.FEEDBACK})
PERSONAL_FIELDS = ("reporter", "reporter_phone")


@dataclass(frozen=True, slots=True)
class CaseReach:
    """The cases a principal may see, as filters a store can apply: None means no bound."""

    platform: Platform | None = None
    grid_codes: tuple[str, ...] | None = None


def case_reach(principal: Principal) -> CaseReach:
    """Return the bounds on the cases a principal may list and read."""
    if principal.role is Role.PLATFORM_MEMBER:
        # A member without a platform sees nothing rather than everything.
        return CaseReach(platform=principal.platform, grid_codes=None if principal.platform else ())
    if principal.role is Role.GRID_STAFF:
        return CaseReach(grid_codes=principal.grid_codes)
    return CaseReach()


def within_reach(principal: Principal, platform: str | None, grid_path: Sequence[str]) -> bool:
    """Return whether a case of this platform and grid path lies within the principal's reach."""
    reach = case_reach(principal)
    if reach.platform is not None and platform != reach.platform:
        return False
    if reach.grid_codes is not None and not set(reach.grid_codes) & set(grid_path):
        return False
    return True


def can_see_case(principal: Principal, case: Case, *, teams_on_case: Collection[str] = ()) -> bool:
    """Return whether the case lies within the principal's reach, or (joint handling) a team of its is on the case.

    teams_on_case: the teams that hold or held an assignment of the case; a platform member of an assisting
    platform sees the case its own team works on, though the case is another platform's (lists stay by platform).
    """
    return within_reach(principal, case.platform, case.grid_path) or _own_team_on(principal, teams_on_case)


def _own_team_on(principal: Principal, teams: Collection[str]) -> bool:
    return principal.role is Role.PLATFORM_MEMBER and bool(principal.team_id) and principal.team_id in teams


def visible_feed_payload(principal: Principal, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Return a live-feed payload as the principal may see it, or None when its case is out of reach."""
    case = payload.get("case")
    if case is None:
        return payload
    # An assisting team hears of its own task (team.assigned, team.released) on another platform's case.
    own_task = _own_team_on(principal, {(payload.get("assignment") or {}).get("team_id")})
    if not own_task and not within_reach(principal, case.get("platform"), case.get("grid_path") or ()):
        return None
    return {**payload, "case": redact_case(principal, case)}


def check_action(principal: Principal, case: Case, action: Action, *, assigned_teams: Collection[str] = ()) -> None:
    """Raise Forbidden unless the principal may take this step on this case (assigned_teams: its active teams)."""
    if action in COMMAND_ACTIONS and has_scope(principal.role, Scope.CASES_COMMAND):
        return
    if action in WORK_ACTIONS and has_scope(principal.role, Scope.CASES_WORK):
        if principal.role is not Role.PLATFORM_MEMBER or (principal.team_id and principal.team_id in assigned_teams):
            return
        raise Forbidden(f"case {case.id}: '{action}' is for the team dispatched to it, not {principal.name}")
    raise Forbidden(f"case {case.id}: role '{principal.role}' may not '{action}'")


def check_task(principal: Principal, case: Case, task: Assignment, *, completing: bool) -> None:
    """Raise Forbidden unless the principal may complete (a member of the task's own team too) or cancel the task."""
    if has_scope(principal.role, Scope.CASES_COMMAND):
        return
    if completing and task.role is AssignmentRole.ASSISTING and has_scope(principal.role, Scope.CASES_WORK) \
            and _own_team_on(principal, {task.team_id}):
        return
    what = "complete" if completing else "cancel"
    raise Forbidden(f"case {case.id}: role '{principal.role}' ({principal.name}) may not {what} task {task.id}"
                    + (f" of team {task.team_id}" if completing else "; cancelling is the command room's"))


def check_offer_answer(principal: Principal, case: Case, team_id: str) -> None:
    """Raise Forbidden unless the principal may answer the offer made to team_id: a member of that team, or the
    command room (an operator answers for a team that phoned in)."""
    if has_scope(principal.role, Scope.CASES_COMMAND):
        return
    if has_scope(principal.role, Scope.CASES_WORK) and (
            principal.role is not Role.PLATFORM_MEMBER or principal.team_id == team_id):
        return
    raise Forbidden(f"case {case.id}: the offer to team {team_id} is answered by that team or the command room,"
                    f" not {principal.name}")


def roles_for_action(action: Action) -> list[Role]:
    """Return the roles that may take a step at all (a platform member only on a case its team is assigned to)."""
    if action in COMMAND_ACTIONS:
        return [role for role in Role if has_scope(role, Scope.CASES_COMMAND)]
    if action in WORK_ACTIONS:
        return [role for role in Role if has_scope(role, Scope.CASES_WORK)]
    return []


def mask_phone(phone: str) -> str:
    """Return a phone number with its middle digits hidden (138****0000)."""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """Return a name with all but its first character hidden (张**)."""
    return name[:1] + "*" * (len(name) - 1) if name else name


def redact_case(principal: Principal, fields: dict[str, Any]) -> dict[str, Any]:
    """Return case fields with personal data masked unless the role may read it."""
    if has_scope(principal.role, Scope.PERSONAL_READ):
        return fields
    return {**fields, "reporter": mask_name(fields.get("reporter") or ""),
            "reporter_phone": mask_phone(fields.get("reporter_phone") or "")}


def redact_staff(principal: Principal, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return grid staff fields with phone numbers masked unless the role may read personal data.

    Names stay: grid staff are public officials whose names the village notice board shows.
    """
    if has_scope(principal.role, Scope.PERSONAL_READ):
        return people
    return [{**person, "phone": mask_phone(person.get("phone") or "")} for person in people]
