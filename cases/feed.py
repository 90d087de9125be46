"""What the live feed says about alerts, cases, steps and teams: the payload shapes, in one place."""

from __future__ import annotations

from typing import Any

from alerts.models import Alert
from cases.models import Assignment, Case, CaseEvent, Team
from feed import record

ALERT_RAISED = "alert.raised"
ALERT_ACKNOWLEDGED = "alert.acknowledged"
ALERT_CLEARED = "alert.cleared"
ALERT_LINKED = "alert.linked"
CASE_OPENED = "case.opened"
CASE_UPDATED = "case.updated"
TEAM_ASSIGNED = "team.assigned"
TEAM_RELEASED = "team.released"
TEAM_MOVED = "team.moved"
TEAM_SILENT = "team.silent"
TEAM_REPORTING = "team.reporting"
CASE_SUPERVISED = "case.supervised"  # a case's supervision level rose (督办): due soon, overdue, escalated
TEAM_ACCEPTED = "team.accepted"
DISPATCH_NO_TEAM = "dispatch.no_team"
KINDS = (ALERT_RAISED, ALERT_ACKNOWLEDGED, ALERT_CLEARED, ALERT_LINKED, CASE_OPENED, CASE_UPDATED, TEAM_ASSIGNED,
         TEAM_RELEASED, TEAM_MOVED, TEAM_SILENT, TEAM_REPORTING, CASE_SUPERVISED, TEAM_ACCEPTED, DISPATCH_NO_TEAM)


def case_supervised(case: Case, event: CaseEvent, reminder: Any) -> dict[str, Any]:
    """Return the payload of a rise in supervision: the case, its event and the reminder it wrote."""
    return {"case": record(case), "event": record(event), "reminder": record(reminder)}


def team_fields(team: Team) -> dict[str, Any]:
    """Return a team's fields and whether it is silent, as the feed and the API send them."""
    return {**record(team), "silent": team.silent}


def alert_raised(alert: Alert) -> dict[str, Any]:
    """Return the payload of a new alert."""
    return {"alert": record(alert)}


def alert_acknowledged(alert: Alert) -> dict[str, Any]:
    """Return the payload of an alert an operator acknowledged (by whom, when, the note are on the alert)."""
    return {"alert": record(alert)}


def alert_cleared(alert: Alert) -> dict[str, Any]:
    """Return the payload of an alert whose condition ended (or whose case closed)."""
    return {"alert": record(alert)}


def alert_linked(alert: Alert, case_id: int) -> dict[str, Any]:
    """Return the payload of an alert that joined an open case nearby instead of opening its own."""
    return {"alert": record(alert), "case_id": case_id}


def case_opened(case: Case) -> dict[str, Any]:
    """Return the payload of a newly reported case."""
    return {"case": record(case)}


def case_updated(case: Case, event: CaseEvent) -> dict[str, Any]:
    """Return the payload of a step: the case as it now stands and the event that records the step."""
    return {"case": record(case), "event": record(event)}


def team_assigned(case: Case, team: Team, assignment: Assignment, distance_m: float | None) -> dict[str, Any]:
    """Return the payload of a dispatch (an offer): which team, which case, by which assignment, how far, how soon."""
    return {"case_id": case.id, "case": record(case), "team": team_fields(team), "assignment": record(assignment),
            "distance_m": distance_m, "eta_s": assignment.eta_s}


def team_accepted(case: Case, assignment: Assignment) -> dict[str, Any]:
    """Return the payload of a team accepting the case it was offered."""
    return {"case_id": case.id, "case": record(case), "assignment": record(assignment),
            "team_id": assignment.team_id, "eta_s": assignment.eta_s}


def dispatch_no_team(case: Case, platform: str, refused: list[str]) -> dict[str, Any]:
    """Return the payload of a case no team is left to take: back to be dispatched again; who refused it."""
    return {"case_id": case.id, "case": record(case), "platform": platform, "refused_by": refused}


def team_released(case: Case, assignment: Assignment) -> dict[str, Any]:
    """Return the payload of an assignment that ended and gave its team back."""
    return {"case_id": case.id, "case": record(case), "assignment": record(assignment),
            "team_id": assignment.team_id}


def team_moved(team: Team) -> dict[str, Any]:
    """Return the payload of a team's new position."""
    return {"team": team_fields(team)}


def team_silent(team: Team) -> dict[str, Any]:
    """Return the payload of a team whose phone stopped reporting: its last position is stale."""
    return {"team": team_fields(team)}


def team_reporting(team: Team) -> dict[str, Any]:
    """Return the payload of a silent team whose phone reports again."""
    return {"team": team_fields(team)}
