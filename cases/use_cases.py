"""One function per use case: the domain call and its announcement on the live feed, in the caller's transaction.

The ingest, the API and the demo call these; none of them repeats the pair.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from alerts.models import Alert
from alerts.repository import AlertRepository
from alerts.rules import Exceedance
from alerts.service import link_case, raise_alert
from cases import feed as payloads
from cases.errors import NoTeamAvailable
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import CaseSource, Team
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository
from cases.routing import category_for_sensor
from cases.service import CaseCreate, StepInput, StepResult, report_case, take_step
from feed import FeedRepository
from iot.models import Device, Reading

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system:auto"


class CaseWork(Protocol):
    """The repositories of one unit of work that the case use cases need (storage's UnitOfWork has them)."""

    cases: CaseRepository
    teams: TeamRepository
    assignments: AssignmentRepository
    alerts: AlertRepository
    feed: FeedRepository


def report_case_and_announce(work: CaseWork, *, case_in: CaseCreate, grid_path: tuple[str, ...], actor: str,
                             at: datetime) -> StepResult:
    """Open a case from a report and announce it."""
    result = report_case(repo=work.cases, case_in=case_in, grid_path=grid_path, actor=actor, at=at)
    work.feed.append(payloads.CASE_OPENED, payloads.case_opened(result.case), at=at)
    return result


def take_step_and_announce(work: CaseWork, *, locator: Locator, case_id: int, step_in: StepInput, actor: str,
                           at: datetime) -> StepResult:
    """Take one step of the loop and announce the case, the team it dispatched and the teams it released."""
    result = take_step(cases=work.cases, teams=work.teams, assignments=work.assignments, alerts=work.alerts,
                       locator=locator, case_id=case_id, step_in=step_in, actor=actor, at=at)
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(result.case, result.event), at=at)
    if result.team is not None and result.assignment is not None:
        work.feed.append(payloads.TEAM_ASSIGNED, payloads.team_assigned(result.case, result.team, result.assignment,
                                                                       result.distance_m), at=at)
    for assignment in result.released:
        work.feed.append(payloads.TEAM_RELEASED, payloads.team_released(result.case, assignment), at=at)
    return result


@dataclass(frozen=True, slots=True)
class AlarmOutcome:
    """What an exceedance led to: the alert, and when it was new, the case and whether a team was dispatched."""

    alert: Alert
    is_new: bool
    case: StepResult | None = None
    dispatched: bool = False


def open_case_from_alert(work: CaseWork, *, locator: Locator, device: Device, reading: Reading,
                         exceedance: Exceedance, at: datetime) -> AlarmOutcome:
    """Raise or fold the alert; a new one opens a case, accepted and dispatched to the nearest team without a person."""
    grid_path = locator.grid_path(reading.lon, reading.lat)
    alert, is_new = raise_alert(repo=work.alerts, device=device, reading=reading, exceedance=exceedance,
                                grid_path=grid_path)
    if not is_new:
        return AlarmOutcome(alert, False)
    work.feed.append(payloads.ALERT_RAISED, payloads.alert_raised(alert), at=at)
    category = category_for_sensor(str(device.kind))
    opened = report_case_and_announce(work, case_in=CaseCreate(
        title=f"{category.label}: {device.name}", category=category.code, lon=reading.lon, lat=reading.lat,
        source=CaseSource.SENSOR, alert_id=alert.id,
        description=f"{device.id} {exceedance.metric}={exceedance.value:g} over limit {exceedance.limit:g}",
    ), grid_path=grid_path, actor=SYSTEM_ACTOR, at=at)
    alert = link_case(repo=work.alerts, alert=alert, case_id=opened.case.id)  # type: ignore[arg-type]
    case_id: int = opened.case.id  # type: ignore[assignment]
    step = take_step_and_announce(work, locator=locator, case_id=case_id, actor=SYSTEM_ACTOR, at=at,
                                  step_in=StepInput(Action.ACCEPT, note="sensor alarm, accepted automatically"))
    try:
        step = take_step_and_announce(work, locator=locator, case_id=case_id, actor=SYSTEM_ACTOR, at=at,
                                      step_in=StepInput(Action.DISPATCH, note="nearest available team"))
    except NoTeamAvailable as exc:
        logger.warning("%s; the case waits in 'accepted' for the command room", exc)
        return AlarmOutcome(alert, True, step, dispatched=False)
    return AlarmOutcome(alert, True, step, dispatched=True)


def move_team_and_announce(work: CaseWork, *, team_id: str, lon: float, lat: float, at: datetime,
                           announced_at: datetime) -> Team | None:
    """Move a team if the position is newer than its last; announce and return it when it moved."""
    if not work.teams.update_position(team_id, lon=lon, lat=lat, at=at):
        return None
    team = work.teams.get(team_id)
    if team is not None:
        work.feed.append(payloads.TEAM_MOVED, payloads.team_moved(team), at=announced_at)
    return team
