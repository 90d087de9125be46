"""One function per use case: the domain call and its announcement on the live feed, in the caller's transaction.

The ingest, the API and the demo call these; none of them repeats the pair.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from alerts.camera import metric_for, open_camera_alerts, raise_camera_alert
from alerts.models import Alert
from alerts.repository import AlertRepository
from alerts.rules import Exceedance
from alerts.service import close_alert, link_case, raise_alert
from alerts.signals import AlertSignal, SignalKind
from cases import feed as payloads
from cases.errors import NoTeamAvailable
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import CaseEvent, CaseSource, Team, TrackPoint
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository, TeamTrackRepository
from cases.routing import CATEGORIES, category_for_sensor, owner_department
from cases.service import CaseCreate, StepInput, StepResult, report_case, take_step
from feed import FeedRepository
from iot.models import Device, Reading
from video.health import Health
from video.models import Camera

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system:auto"
CAMERA_FAULT = "camera_fault"
CAMERA_RECOVERED = "camera_recovered"  # a case event off the loop: the fault's alert cleared


class CaseWork(Protocol):
    """The repositories of one unit of work that the case use cases need (storage's UnitOfWork has them)."""

    cases: CaseRepository
    teams: TeamRepository
    team_positions: TeamTrackRepository
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
    category = category_for_sensor(str(device.kind))
    alert, opened = _open_case_for_alert(work, alert, grid_path=grid_path, at=at, case_in=CaseCreate(
        title=f"{category.label}: {device.name}", category=category.code, lon=reading.lon, lat=reading.lat,
        source=CaseSource.SENSOR, alert_id=alert.id,
        description=f"{device.id} {exceedance.metric}={exceedance.value:g} over limit {exceedance.limit:g}"))
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


def handle_alert_signal(work: CaseWork, *, locator: Locator, signal: AlertSignal, at: datetime) -> AlarmOutcome | None:
    """Turn a rule's signal into an alert (raised, folded or cleared) and, by the rule's policy, a case.

    Returns None when a clear found no open alert. The seam between the rules engine and the alert lifecycle.
    """
    if signal.kind is SignalKind.CLEAR:
        open_alert = work.alerts.find_open(device_id=signal.subject_id, metric=signal.metric)
        if open_alert is None:
            return None
        return AlarmOutcome(close_alert(repo=work.alerts, alert_id=open_alert.id, at=at), False)  # type: ignore[arg-type]
    device = Device(id=signal.subject_id, kind=signal.subject_kind, name=signal.subject_name,  # type: ignore[arg-type]
                    lon=signal.lon, lat=signal.lat)
    reading = Reading(device_id=signal.subject_id, ts=signal.at, values={signal.metric: signal.value},
                      lon=signal.lon, lat=signal.lat)
    exceedance = Exceedance(signal.metric, signal.value, signal.limit, signal.severity)
    return open_case_from_alert(work, locator=locator, device=device, reading=reading, exceedance=exceedance, at=at)


def _open_case_for_alert(work: CaseWork, alert: Alert, *, case_in: CaseCreate, grid_path: tuple[str, ...],
                         at: datetime) -> tuple[Alert, StepResult]:
    """Announce a new alert, open its case as the system and link the two; return the linked alert and the case."""
    work.feed.append(payloads.ALERT_RAISED, payloads.alert_raised(alert), at=at)
    opened = report_case_and_announce(work, case_in=case_in, grid_path=grid_path, actor=SYSTEM_ACTOR, at=at)
    return link_case(repo=work.alerts, alert=alert, case_id=opened.case.id), opened  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PositionOutcome:
    """What one team position did: recorded in the track (False: a redelivery or an unknown team), moved the team."""

    recorded: bool
    team: Team | None = None
    moved: bool = False
    reporting_again: bool = False


def move_team_and_announce(work: CaseWork, *, team_id: str, lon: float, lat: float, at: datetime,
                           announced_at: datetime) -> PositionOutcome:
    """Record a team's position in its track; move the team if it is newer than its last; announce what changed.

    at is when the phone took the position, announced_at when the server received it: any position clears the
    team's silence (its phone is back), only a newer one moves it, and a redelivered one does nothing.
    """
    before = work.teams.get(team_id)
    if before is None:
        return PositionOutcome(recorded=False)
    if not work.team_positions.add(TrackPoint(team_id=team_id, ts=at, lon=lon, lat=lat, received_at=announced_at)):
        # QoS 1 redelivers after a lost ack; the first delivery already did the work.
        return PositionOutcome(recorded=False, team=before)
    moved = work.teams.update_position(team_id, lon=lon, lat=lat, at=at, received_at=announced_at)
    if moved:
        team = replace(before, lon=lon, lat=lat, position_at=at, reported_at=announced_at, silent_since=None)
        work.feed.append(payloads.TEAM_MOVED, payloads.team_moved(team), at=announced_at)
    else:
        # An older position (a phone emptying its buffer) belongs in the track, but the latest stays.
        work.teams.mark_reporting(team_id, at=announced_at)
        team = replace(before, reported_at=max(announced_at, before.reported_at or announced_at), silent_since=None)
    if before.silent:
        work.feed.append(payloads.TEAM_REPORTING, payloads.team_reporting(team), at=announced_at)
    return PositionOutcome(recorded=True, team=team, moved=moved, reporting_again=before.silent)


def mark_silent_teams_and_announce(work: CaseWork, *, silent_after: timedelta, now: datetime) -> list[Team]:
    """Mark silent the teams on duty whose phones have not reported for silent_after; announce each once."""
    teams = work.teams.mark_silent(reported_before=now - silent_after, at=now)
    for team in teams:
        work.feed.append(payloads.TEAM_SILENT, payloads.team_silent(team), at=now)
    return teams


@dataclass(frozen=True, slots=True)
class CameraAlarmOutcome:
    """What a probe's status led to: the alert raised or folded (new: with its case), or the alerts it cleared."""

    alert: Alert | None = None
    is_new: bool = False
    case: StepResult | None = None
    cleared: tuple[Alert, ...] = ()


def camera_health_changed(work: CaseWork, *, locator: Locator, camera: Camera, previous: Health | None,
                          current: Health, detail: str, at: datetime) -> CameraAlarmOutcome:
    """Raise, fold or clear the camera's alert for its new status; a new alert opens a maintenance case for its owner.

    An alert is raised when the camera goes from ok or unknown (or another fault family) to a fault; while the
    fault lasts each probe folds into the open alert; a healthy probe clears (closes) the camera's open alerts and
    notes the recovery on their cases, which stay open until the command room verifies the repair and closes them.
    """
    metric = metric_for(current)
    if metric is None:
        return CameraAlarmOutcome(cleared=tuple(_clear_camera_alerts(work, camera=camera, at=at)))
    open_alert = work.alerts.find_open(device_id=camera.id, metric=metric)
    if open_alert is None and previous is not None and metric_for(previous) == metric:
        # The fault did not change and its alert was closed by hand (its case closed): raise only on a change.
        return CameraAlarmOutcome()
    grid_path = locator.grid_path(camera.lon, camera.lat)
    alert, is_new = raise_camera_alert(repo=work.alerts, camera=camera, metric=metric, grid_path=grid_path, at=at)
    if not is_new:
        return CameraAlarmOutcome(alert, False)
    category = CATEGORIES[CAMERA_FAULT]
    department = owner_department(camera.owner)
    alert, opened = _open_case_for_alert(work, alert, grid_path=grid_path, at=at, case_in=CaseCreate(
        title=f"{category.label}: {camera.name}", category=category.code, lon=camera.lon, lat=camera.lat,
        source=CaseSource.CAMERA, alert_id=alert.id,
        description=f"{camera.id} {current.value}: {detail}; maintained by {department}"))
    # Accepted for the owner's maintainers; no field team is dispatched: grid teams do not repair cameras.
    step = take_step_and_announce(work, locator=locator, case_id=opened.case.id, actor=SYSTEM_ACTOR, at=at,  # type: ignore[arg-type]
                                  step_in=StepInput(Action.ACCEPT, note=f"camera fault; maintenance by {department}"))
    return CameraAlarmOutcome(alert, True, step)


def _clear_camera_alerts(work: CaseWork, *, camera: Camera, at: datetime) -> list[Alert]:
    """Close the camera's open alerts and note the recovery on each one's case, announced on the feed."""
    cleared = []
    for alert in open_camera_alerts(repo=work.alerts, camera_id=camera.id):
        closed = close_alert(repo=work.alerts, alert_id=alert.id, at=at)  # type: ignore[arg-type]
        cleared.append(closed)
        case = work.cases.get(alert.case_id, for_update=True) if alert.case_id is not None else None
        if case is None:
            continue
        case = replace(case, updated_at=at)
        work.cases.update(case)
        event = work.cases.append_event(CaseEvent(
            case_id=case.id, action=CAMERA_RECOVERED, actor=SYSTEM_ACTOR, at=at,  # type: ignore[arg-type]
            from_status=case.status, to_status=case.status,
            note=f"{camera.id} healthy again; alert {alert.id} cleared; verify the repair and close the case",
            data={"alert_id": alert.id, "camera_id": camera.id, "metric": alert.metric},
        ))
        work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(case, event), at=at)
    return cleared
