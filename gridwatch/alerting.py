"""The rules engine wired to the store: evaluate, store the changed rule states, hand the signals to the lifecycle.

The ingest calls evaluate_and_signal (and evaluate_positions_and_signal) inside a batch's unit of work and
commits the engine after that transaction; the clock job (check_alert_clock) does the same on the scheduler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from alerts.rule_engine import Evaluation, RuleEngine
from alerts.rule_service import load_engine
from cases.alarm_policy import AlertLinking
from cases.clock import CaseClock
from cases.locator import Locator
from cases.use_cases import handle_alert_signal
from iot.models import Device, Reading, TeamPosition
from storage import Store, UnitOfWork

Tally = dict[str, int]


def signal_evaluation(work: UnitOfWork, locator: Locator, evaluation: Evaluation, now: datetime,
                      linking: AlertLinking = AlertLinking(), case_clock: CaseClock | None = None) -> Tally:
    """Store an evaluation's changed states and hand each signal to the alert lifecycle; return what it did."""
    tally = {"alerts": 0, "cases": 0, "dispatched": 0}
    if evaluation.changed:
        work.rule_states.save(evaluation.changed, at=now)
    for signal in evaluation.signals:
        outcome = handle_alert_signal(work, locator=locator, signal=signal, at=now, linking=linking,
                                      case_clock=case_clock)
        if outcome is None:
            continue
        tally["alerts"] += int(outcome.is_new)
        # A case opens when the policy is met, maybe on a later signal; an alert that joined a case opened none.
        tally["cases"] += int(outcome.case is not None and not outcome.linked)
        tally["dispatched"] += int(outcome.dispatched)
    return tally


def evaluate_and_signal(work: UnitOfWork, engine: RuleEngine, locator: Locator, readings: Sequence[Reading],
                        devices: Mapping[str, Device | None], now: datetime,
                        linking: AlertLinking = AlertLinking(),
                        case_clock: CaseClock | None = None) -> tuple[Evaluation, Tally]:
    """Evaluate new readings in the caller's unit of work; commit the engine with the result after it commits."""
    known = {device_id: device for device_id, device in devices.items() if device is not None}
    evaluation = engine.evaluate(readings, known, now)
    return evaluation, signal_evaluation(work, locator, evaluation, now, linking, case_clock)


def evaluate_positions_and_signal(work: UnitOfWork, engine: RuleEngine, locator: Locator,
                                  positions: Sequence[TeamPosition], now: datetime,
                                  linking: AlertLinking = AlertLinking(),
                                  case_clock: CaseClock | None = None) -> tuple[Evaluation, Tally]:
    """Evaluate new team positions against the geofences; commit the engine with the result after the commit."""
    evaluation = engine.evaluate_positions(positions, now)
    return evaluation, signal_evaluation(work, locator, evaluation, now, linking, case_clock)


def check_alert_clock(store: Store, locator: Locator, now: datetime, linking: AlertLinking = AlertLinking(),
                      case_clock: CaseClock | None = None) -> str:
    """Evaluate the rules that run on the clock (silent devices) in one unit of work; return what it did.

    The engine is loaded from the store at each run: the lease may give the next run to another process, so
    no process may trust states it kept in memory.
    """
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        engine = load_engine(rules=uow.alert_rules, states=uow.rule_states, at=now)
        evaluation = engine.evaluate_clock(now, last_seen=uow.rule_states.last_reports(), devices=uow.devices.all())
        tally = signal_evaluation(uow, locator, evaluation, now, linking, case_clock)
    engine.commit(evaluation)
    kinds = [str(s.kind) for s in evaluation.signals]
    return (f"{kinds.count('raise')} raised, {kinds.count('update')} still silent, {kinds.count('clear')} cleared; "
            f"{tally['cases']} cases opened")
