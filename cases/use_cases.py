"""One function per use case: the domain call and its announcement on the live feed, in the caller's transaction.

The ingest, the API and the demo call these; none of them repeats the pair.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from alerts.camera import METRICS, camera_signal, metric_for, rule_id_for
from alerts.models import Alert, AlertPurpose
from alerts.repository import AlertRepository
from alerts.service import acknowledge_alert, clear_open, link_case, raise_or_fold
from alerts.signals import FENCE_METRIC, AlertSignal, SignalKind
from cases import feed as payloads
from cases.alarm_policy import (CAMERA_KIND, AlertLinking, NearCase, category_for, may_dispatch, near_open_case,
                                policy_met, source_for)
from cases.clock import CaseClock, clock_rules
from cases.errors import NoTeamAvailable
from cases.handoff.repository import CityOutboxRepository
from cases.handoff.service import enqueue_escalation
from cases.lifecycle import FINISHED, Action
from cases.locator import Locator
from cases.models import Case, CaseEvent, Team, TrackPoint
from cases.reporter_notices import add_original_reporter, inform_reporters
from cases.reporters import NoticeRepository, ReporterRepository
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository, TeamTrackRepository
from cases.routing import CATEGORIES, Category, category_for_sensor, owner_department
from cases.service import CaseCreate, StepInput, StepResult, report_case, take_step
from cases.taxonomy import Taxonomy
from feed import FeedRepository
from video.health import Health
from video.models import Camera

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system:auto"
# Case events off the loop (the case's status stays): what happened to one of its alerts.
CAMERA_RECOVERED = "camera_recovered"  # a camera's fault alert cleared: healthy again
ALERT_CLEARED_EVENT = "alert_cleared"
ALERT_LINKED_EVENT = "alert_linked"
ALERT_ACKNOWLEDGED_EVENT = "alert_acknowledged"


class CaseWork(Protocol):
    """The repositories of one unit of work that the case use cases need (storage's UnitOfWork has them)."""

    cases: CaseRepository
    teams: TeamRepository
    team_positions: TeamTrackRepository
    assignments: AssignmentRepository
    alerts: AlertRepository
    feed: FeedRepository
    reporters: ReporterRepository
    reporter_notices: NoticeRepository
    city_outbox: CityOutboxRepository


def report_case_and_announce(work: CaseWork, *, case_in: CaseCreate, grid_path: tuple[str, ...], actor: str,
                             at: datetime, role: str = "", case_clock: CaseClock | None = None,
                             taxonomy: Taxonomy | None = None) -> StepResult:
    """Open a case from a report, record who reported it, and announce it; case_clock stamps its deadlines.

    taxonomy: the active one, whose sub-categories and platforms count (None: the shipped one).
    """
    result = report_case(repo=work.cases, case_in=case_in, grid_path=grid_path, actor=actor, at=at, role=role,
                         rules=clock_rules(case_clock, work), taxonomy=taxonomy)
    add_original_reporter(work.reporters, result.case)
    work.feed.append(payloads.CASE_OPENED, payloads.case_opened(result.case), at=at)
    return result


def take_step_and_announce(work: CaseWork, *, locator: Locator, case_id: int, step_in: StepInput, actor: str,
                           at: datetime, role: str = "", expected_version: int | None = None,
                           case_clock: CaseClock | None = None) -> StepResult:
    """Take one step of the loop, owe its reporters a notice where they must hear of it, and announce the case,
    the team it dispatched and the teams it released (a merge moves its reporters to the case it joined).

    An escalation also writes its message for the city into the outbox, in the same unit of work: the city hears
    of every escalation that commits, and of none that does not.
    """
    result = take_step(cases=work.cases, teams=work.teams, assignments=work.assignments, alerts=work.alerts,
                       locator=locator, case_id=case_id, step_in=step_in, actor=actor, at=at, role=role,
                       expected_version=expected_version, rules=clock_rules(case_clock, work))
    inform_reporters(reporters=work.reporters, notices=work.reporter_notices, case=result.case, event=result.event,
                     at=at)
    if step_in.action is Action.ESCALATE:
        enqueue_escalation(outbox=work.city_outbox, cases=work.cases, case=result.case, event=result.event, at=at)
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(result.case, result.event), at=at)
    if result.team is not None and result.assignment is not None:
        work.feed.append(payloads.TEAM_ASSIGNED, payloads.team_assigned(result.case, result.team, result.assignment,
                                                                       result.distance_m), at=at)
    for assignment in result.released:
        work.feed.append(payloads.TEAM_RELEASED, payloads.team_released(result.case, assignment), at=at)
    for alert in result.cleared_alerts:
        work.feed.append(payloads.ALERT_CLEARED, payloads.alert_cleared(alert), at=at)
    return result


@dataclass(frozen=True, slots=True)
class AlarmOutcome:
    """What a signal led to: the alert, and when a case opened or the alert joined one, the case step."""

    alert: Alert
    is_new: bool
    case: StepResult | None = None
    dispatched: bool = False
    linked: bool = False  # the alert joined an open case nearby instead of opening one


def handle_alert_signal(work: CaseWork, *, locator: Locator, signal: AlertSignal, at: datetime,
                        linking: AlertLinking = AlertLinking(),
                        case_clock: CaseClock | None = None) -> AlarmOutcome | None:
    """Turn a rule's signal into an alert (raised, folded or cleared) and, by the rule's policy, a case.

    A raise or update folds into the subject's open alert of the rule (or raises one); once the alert is severe
    enough and has lasted long enough (CasePolicy) and has no case, it joins an open case of its category within
    linking's radius and window, or opens one: dispatched to the nearest team when the policy says so, else left
    accepted for the command room; a maintenance alert's case goes to the owner and is never dispatched. A clear
    clears the open alert and notes it on its case. Returns None when a clear found no open alert.
    """
    if signal.kind is SignalKind.CLEAR:
        cleared = clear_open(repo=work.alerts, subject_id=signal.subject_id, rule_id=signal.rule_id, at=signal.at)
        if cleared is None:
            return None
        _announce_cleared(work, cleared, at=at)
        return AlarmOutcome(cleared, False)
    alert, is_new = raise_or_fold(repo=work.alerts, signal=signal, grid_path=locator.grid_path(signal.lon, signal.lat))
    if is_new:
        work.feed.append(payloads.ALERT_RAISED, payloads.alert_raised(alert), at=at)
    if alert.case_id is not None or not policy_met(alert, signal.policy):
        return AlarmOutcome(alert, is_new)
    category = category_for(signal)
    if signal.purpose is AlertPurpose.INCIDENT:
        near = near_open_case(work.cases, alert=alert, category=category.code, linking=linking, at=at)
        if near is not None:
            alert, step = _link_to_case(work, alert, near=near, at=at)
            return AlarmOutcome(alert, is_new, step, linked=True)
    return _open_case(work, locator=locator, alert=alert, is_new=is_new, signal=signal, category=category, at=at,
                      case_clock=case_clock)


def _open_case(work: CaseWork, *, locator: Locator, alert: Alert, is_new: bool, signal: AlertSignal,
               category: Category, at: datetime, case_clock: CaseClock | None = None) -> AlarmOutcome:
    """Open the alert's case as the system, link the two and accept it; dispatch when the policy says so."""
    maintenance = signal.purpose is AlertPurpose.MAINTENANCE
    department = owner_department(signal.owner) if signal.owner else "its owner"
    if maintenance:
        description = f"{signal.subject_id} {signal.detail or signal.metric}; maintained by {department}"
    elif signal.metric == FENCE_METRIC:
        description = signal.detail or f"{signal.subject_id} crossed a geofence"
    else:
        description = f"{signal.subject_id} {signal.metric}={alert.value:g} over limit {alert.limit:g}"
        description += f"; {signal.detail}" if signal.detail else ""
    opened = report_case_and_announce(work, grid_path=alert.grid_path, actor=SYSTEM_ACTOR, at=at, case_in=CaseCreate(
        title=f"{category.label}: {signal.subject_name}", category=category.code, lon=alert.lon, lat=alert.lat,
        source=source_for(signal), alert_id=alert.id, description=description), case_clock=case_clock)
    case_id: int = opened.case.id  # type: ignore[assignment]
    alert = link_case(repo=work.alerts, alert=alert, case_id=case_id)
    note = f"{signal.subject_kind} fault; maintenance by {department}" if maintenance else \
        "sensor alarm, accepted automatically"
    step = take_step_and_announce(work, locator=locator, case_id=case_id, actor=SYSTEM_ACTOR, at=at,
                                  step_in=StepInput(Action.ACCEPT, note=note), case_clock=case_clock)
    # Field teams do not repair devices; a rule may want a person to judge before anyone goes; and a team's own
    # alert (a geofence) must not send that team to itself.
    if not may_dispatch(signal):
        return AlarmOutcome(alert, is_new, step, dispatched=False)
    try:
        step = take_step_and_announce(work, locator=locator, case_id=case_id, actor=SYSTEM_ACTOR, at=at,
                                      step_in=StepInput(Action.DISPATCH, note="nearest available team"),
                                      case_clock=case_clock)
    except NoTeamAvailable as exc:
        logger.warning("%s; the case waits in 'accepted' for the command room", exc)
        return AlarmOutcome(alert, is_new, step, dispatched=False)
    return AlarmOutcome(alert, is_new, step, dispatched=True)


def _link_to_case(work: CaseWork, alert: Alert, *, near: NearCase, at: datetime) -> tuple[Alert, StepResult]:
    """Link the alert to an open case nearby, note it on the case and announce both."""
    case = work.cases.get(near.case.id, for_update=True)  # type: ignore[arg-type]
    assert case is not None  # found in this unit of work
    alert = link_case(repo=work.alerts, alert=alert, case_id=case.id)  # type: ignore[arg-type]
    event = _note_on_case(work, case, action=ALERT_LINKED_EVENT, at=at, data={
        "alert_id": alert.id, "rule_id": alert.rule_id, "subject_id": alert.device_id,
        "distance_m": round(near.distance_m, 1)},
        note=f"alert {alert.id} ({alert.device_id} {alert.metric}) linked: {near.distance_m:.0f} m from the case")
    work.feed.append(payloads.ALERT_LINKED, payloads.alert_linked(alert, case.id), at=at)  # type: ignore[arg-type]
    return alert, StepResult(replace(case, updated_at=at, version=case.version + 1), event)


def _note_on_case(work: CaseWork, case: Case, *, action: str, at: datetime, note: str,
                  data: dict[str, object]) -> CaseEvent:
    """Append an event off the loop (the status stays) to the case and announce the case as updated."""
    case = work.cases.update(replace(case, updated_at=at))
    event = work.cases.append_event(CaseEvent(case_id=case.id, action=action, actor=SYSTEM_ACTOR, at=at,  # type: ignore[arg-type]
                                              from_status=case.status, to_status=case.status, note=note, data=data))
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(case, event), at=at)
    return event


def _announce_cleared(work: CaseWork, alert: Alert, *, at: datetime) -> None:
    """Announce a cleared alert and note it on its case when the case is still open."""
    work.feed.append(payloads.ALERT_CLEARED, payloads.alert_cleared(alert), at=at)
    case = work.cases.get(alert.case_id, for_update=True) if alert.case_id is not None else None
    if case is None or case.status in FINISHED:
        return
    data: dict[str, object] = {"alert_id": alert.id, "subject_id": alert.device_id, "metric": alert.metric}
    if alert.sensor_kind == CAMERA_KIND:
        # The case stays open: the command room verifies the repair (a camera can flap) and closes it.
        data["camera_id"] = alert.device_id
        _note_on_case(work, case, action=CAMERA_RECOVERED, at=at, data=data,
                      note=f"{alert.device_id} healthy again; alert {alert.id} cleared; verify the repair and close "
                           "the case")
        return
    _note_on_case(work, case, action=ALERT_CLEARED_EVENT, at=at, data=data,
                  note=f"{alert.device_id} {alert.metric} back within its limit; alert {alert.id} cleared")


def acknowledge_alert_and_announce(work: CaseWork, *, alert_id: int, note: str, actor: str, at: datetime) -> Alert:
    """Acknowledge an alert for an operator with their note, note it on the alert's case and announce it."""
    alert = acknowledge_alert(repo=work.alerts, alert_id=alert_id, by=actor, note=note, at=at)
    work.feed.append(payloads.ALERT_ACKNOWLEDGED, payloads.alert_acknowledged(alert), at=at)
    case = work.cases.get(alert.case_id, for_update=True) if alert.case_id is not None else None
    if case is not None:
        event = CaseEvent(case_id=case.id, action=ALERT_ACKNOWLEDGED_EVENT, actor=actor, at=at,  # type: ignore[arg-type]
                          from_status=case.status, to_status=case.status,
                          note=note or f"alert {alert.id} acknowledged", data={"alert_id": alert.id})
        case = work.cases.update(replace(case, updated_at=at))
        work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(case, work.cases.append_event(event)), at=at)
    return alert


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
                          current: Health, detail: str, at: datetime,
                          case_clock: CaseClock | None = None) -> CameraAlarmOutcome:
    """Raise, fold or clear the camera's alert for its new status; a new alert opens a maintenance case for its owner.

    An alert is raised when the camera goes from ok or unknown (or another fault family) to a fault; while the
    fault lasts each probe folds into the open alert; a healthy probe clears the camera's open alerts and notes
    the recovery on their cases, which stay open until the command room verifies the repair and closes them.
    """
    metric = metric_for(current)
    if metric is None:
        outcomes = (handle_alert_signal(work, locator=locator, at=at,
                                        signal=camera_signal(camera, metric=m, kind=SignalKind.CLEAR, at=at))
                    for m in METRICS)
        return CameraAlarmOutcome(cleared=tuple(o.alert for o in outcomes if o is not None))
    open_alert = work.alerts.find_open(device_id=camera.id, rule_id=rule_id_for(metric))
    if open_alert is None and previous is not None and metric_for(previous) == metric:
        # The fault did not change and its alert was cleared with its case: raise again only on a change.
        return CameraAlarmOutcome()
    signal = camera_signal(camera, metric=metric, kind=SignalKind.RAISE, at=at, detail=f"{current.value}: {detail}")
    outcome = handle_alert_signal(work, locator=locator, signal=signal, at=at, case_clock=case_clock)
    assert outcome is not None  # only a clear answers None
    return CameraAlarmOutcome(outcome.alert, outcome.is_new, outcome.case)
