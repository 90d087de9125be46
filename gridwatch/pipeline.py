"""The one module that connects the stages: message → reading → alert → case → dispatch → live feed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from alerts.rule_engine import Evaluation, RuleEngine
from alerts.rule_service import load_engine, refresh_rules, refresh_states
from cases.locator import Locator
from cases.use_cases import move_team_and_announce
from gridwatch.alerting import evaluate_and_signal, evaluate_positions_and_signal
from iot.errors import IngestError
from iot.models import DeadLetter, Device, Reading, TeamPosition
from iot.mqtt import InboundMessage
from iot.payloads import parse_position, parse_reading
from iot.topics import DEFAULT_ROOT, TopicKind, check_root, parse_topic
from storage import Store, UnitOfWork

logger = logging.getLogger(__name__)


@dataclass
class IngestStats:
    """Counters of what the ingest did since it started (only committed work is counted)."""

    received: int = 0
    readings: int = 0
    duplicates: int = 0
    positions: int = 0
    dead_letters: int = 0
    alerts: int = 0
    cases: int = 0
    dispatched: int = 0
    store_errors: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, other: dict[str, int]) -> None:
        """Add a committed batch's tally."""
        with self._lock:
            for name, value in other.items():
                setattr(self, name, getattr(self, name) + value)

    def snapshot(self) -> dict[str, int]:
        """Return the counters as a dict."""
        with self._lock:
            return {k: v for k, v in vars(self).items() if not k.startswith("_")}


class Pipeline:
    """Handles batches of inbound messages in one transaction each; a bad message never costs a good one."""

    def __init__(self, *, store: Store, locator: Locator, stats: IngestStats | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), topic_root: str = DEFAULT_ROOT,
                 rules: RuleEngine | None = None) -> None:
        self.store = store
        self.locator = locator
        self.stats = stats or IngestStats()
        self.clock = clock
        self.topic_root = check_root(topic_root)
        self.rules = rules
        # Evaluations whose transaction has not committed yet; the engine takes them on only after the commit.
        self._uncommitted: list[Evaluation] = []
        # What the unit of work in progress stored that the rules must see (one batch at a time per pipeline).
        self._fresh = _Fresh()

    def handle(self, messages: Sequence[InboundMessage]) -> None:
        """Store a batch; if the store fails mid-batch, redo it message by message and dead-letter the culprit."""
        tally = _tally(received=len(messages))
        try:
            self._load_rules()
            with self.store.unit_of_work() as uow:
                self._refresh(uow)
                devices: dict[str, Device | None] = {}
                self._fresh = _Fresh()
                for message in messages:
                    self._handle_one(uow, message, tally, devices)
                self._on_new_messages(uow, self._fresh, devices, self.clock(), tally)
        except Exception:
            self._uncommitted.clear()
            logger.exception("batch of %d messages failed in the store; retrying one by one", len(messages))
            tally = _tally(received=len(messages))
            for message in messages:
                self._handle_alone(message, tally)
        else:
            self._after_commit()
        self.stats.add(tally)

    def _handle_alone(self, message: InboundMessage, tally: dict[str, int]) -> None:
        own = _tally()
        try:
            self._load_rules()
            with self.store.unit_of_work() as uow:
                self._refresh(uow)
                devices: dict[str, Device | None] = {}
                self._fresh = _Fresh()
                self._handle_one(uow, message, own, devices)
                self._on_new_messages(uow, self._fresh, devices, self.clock(), own)
            self._after_commit()
        except Exception as exc:
            self._uncommitted.clear()
            logger.exception("message on %s failed in the store", message.topic)
            own = _tally(store_errors=1, dead_letters=1)
            try:
                with self.store.unit_of_work() as uow:
                    uow.dead_letters.add(DeadLetter(self.clock(), message.topic, message.payload, f"store error: {exc}"))
            except Exception:
                # The store refuses even the dead letter: keep the bytes in the log and go on with the batch.
                logger.exception("message on %r could not be dead-lettered either; payload hex %s", message.topic,
                                 message.payload.hex())
                own = _tally(store_errors=1)
        for name, value in own.items():
            tally[name] += value

    def _refresh(self, uow: UnitOfWork) -> None:
        self.locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        if self.rules is not None:
            # Rules people changed, and states other processes changed, reach the engine at the next batch.
            refresh_rules(self.rules, rules=uow.alert_rules)
            refresh_states(self.rules, states=uow.rule_states)

    def _load_rules(self) -> None:
        """Load the engine and its states from the store once, before the first batch."""
        if self.rules is None:
            # A transaction of its own: seeding the default rules must not hang on a batch's fate.
            with self.store.unit_of_work() as own:
                self.rules = load_engine(rules=own.alert_rules, states=own.rule_states, at=self.clock())

    def _on_new_messages(self, uow: UnitOfWork, fresh: _Fresh, devices: dict[str, Device | None], now: datetime,
                         tally: dict[str, int]) -> None:
        """Evaluate the batch's new readings and positions against the alert rules, in the batch's transaction."""
        assert self.rules is not None  # _refresh loaded it
        for found, counts in (evaluate_and_signal(uow, self.rules, self.locator, fresh.readings, devices, now),
                              evaluate_positions_and_signal(uow, self.rules, self.locator, fresh.positions, now)):
            self._uncommitted.append(found)
            for name, value in counts.items():
                tally[name] += value

    def _after_commit(self) -> None:
        """Let the engine take on what the committed transaction stored."""
        self.rules.commit(*self._uncommitted)  # type: ignore[union-attr]
        self._uncommitted.clear()

    def _handle_one(self, uow: UnitOfWork, message: InboundMessage, tally: dict[str, int],
                    devices: dict[str, Device | None]) -> None:
        now = self.clock()
        try:
            kind, ident = parse_topic(message.topic, root=self.topic_root)
            if kind is TopicKind.READING:
                # A batch holds many readings of few devices; look each up once per transaction.
                if ident not in devices:
                    devices[ident] = uow.devices.get(ident)
                self._handle_reading(uow, message, devices[ident], ident, now, tally)
            else:
                self._handle_position(uow, message, ident, now, tally)
        except IngestError as exc:
            uow.dead_letters.add(DeadLetter(now, message.topic, message.payload, str(exc)))
            tally["dead_letters"] += 1

    def _handle_reading(self, uow: UnitOfWork, message: InboundMessage, device: Device | None, device_id: str,
                        now: datetime, tally: dict[str, int]) -> None:
        # The broker's ACL is the guard; where the broker says who published (Mosquitto does not), check it too.
        if message.username is not None and message.username != device_id:
            raise IngestError(f"topic {message.topic!r}: published by {message.username!r}, "
                              f"not by device {device_id!r}")
        if device is None:
            raise IngestError(f"topic {message.topic!r}: unknown device {device_id!r}")
        reading = parse_reading(message.topic, message.payload, device=device, now=now)
        if uow.readings.add_many([reading]) == 0:
            # QoS 1 redelivers after a lost ack; the first delivery already did the work.
            tally["duplicates"] += 1
            return
        tally["readings"] += 1
        self._fresh.readings.append(reading)

    def _handle_position(self, uow: UnitOfWork, message: InboundMessage, team_id: str, now: datetime,
                         tally: dict[str, int]) -> None:
        if message.username is not None and message.username != team_id:
            raise IngestError(f"topic {message.topic!r}: published by {message.username!r}, not by team {team_id!r}")
        position = parse_position(message.topic, message.payload, team_id=team_id, now=now)
        if uow.teams.get(team_id) is None:
            raise IngestError(f"topic {message.topic!r}: unknown team {team_id!r}")
        move_team_and_announce(uow, team_id=team_id, lon=position.lon, lat=position.lat, at=position.ts,
                               announced_at=now)
        tally["positions"] += 1
        self._fresh.positions.append(position)


@dataclass
class _Fresh:
    """What a batch stored that the alert rules must see: new readings and team positions."""

    readings: list[Reading] = field(default_factory=list)
    positions: list[TeamPosition] = field(default_factory=list)


def _tally(**start: int) -> dict[str, int]:
    names = ("received", "readings", "duplicates", "positions", "dead_letters", "alerts", "cases", "dispatched",
             "store_errors")
    return {name: start.get(name, 0) for name in names}
