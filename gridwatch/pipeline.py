"""The one module that connects the stages: message → reading → alert → case → dispatch → live feed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from alerts.rules import Exceedance, exceedances
from cases.alarm_policy import AlertLinking
from cases.locator import Locator
from cases.use_cases import move_team_and_announce, open_case_from_alert
from iot.errors import IngestError
from iot.models import DEFAULT_THRESHOLDS, DeadLetter, Device, Reading
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
                 alert_linking: AlertLinking | None = None) -> None:
        self.store = store
        self.alert_linking = alert_linking or AlertLinking()
        self.locator = locator
        self.stats = stats or IngestStats()
        self.clock = clock
        self.topic_root = check_root(topic_root)

    def handle(self, messages: Sequence[InboundMessage]) -> None:
        """Store a batch; if the store fails mid-batch, redo it message by message and dead-letter the culprit."""
        tally = _tally(received=len(messages))
        try:
            with self.store.unit_of_work() as uow:
                self._refresh(uow)
                devices: dict[str, Device | None] = {}
                for message in messages:
                    self._handle_one(uow, message, tally, devices)
        except Exception:
            logger.exception("batch of %d messages failed in the store; retrying one by one", len(messages))
            tally = _tally(received=len(messages))
            for message in messages:
                self._handle_alone(message, tally)
        self.stats.add(tally)

    def _handle_alone(self, message: InboundMessage, tally: dict[str, int]) -> None:
        own = _tally()
        try:
            with self.store.unit_of_work() as uow:
                self._refresh(uow)
                self._handle_one(uow, message, own, {})
        except Exception as exc:
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
        for exceedance in exceedances(reading, device.kind, DEFAULT_THRESHOLDS):
            self._handle_exceedance(uow, device, reading, exceedance, now, tally)

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

    def _handle_exceedance(self, uow: UnitOfWork, device: Device, reading: Reading, exceedance: Exceedance,
                           now: datetime, tally: dict[str, int]) -> None:
        outcome = open_case_from_alert(uow, locator=self.locator, device=device, reading=reading,
                                       exceedance=exceedance, at=now, linking=self.alert_linking)
        tally["alerts"] += int(outcome.is_new)
        # A case opens when the policy is met, maybe on a later reading; an alert that joined a case opened none.
        tally["cases"] += int(outcome.case is not None and not outcome.linked)
        tally["dispatched"] += int(outcome.dispatched)


def _tally(**start: int) -> dict[str, int]:
    names = ("received", "readings", "duplicates", "positions", "dead_letters", "alerts", "cases", "dispatched",
             "store_errors")
    return {name: start.get(name, 0) for name in names}
