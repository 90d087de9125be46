"""The one module that connects the stages: message → reading → alert → case → dispatch → live feed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from alerts.rule_engine import Evaluation, RuleEngine
from alerts.rule_service import load_engine, refresh_rules, refresh_states
from cases.alarm_policy import AlertLinking
from cases.clock import CaseClock
from cases.locator import Locator
from cases.use_cases import move_team_and_announce
from gridwatch.alerting import evaluate_and_signal, evaluate_positions_and_signal
from iot.catalogue import DeviceCatalogue
from iot.errors import IngestError
from iot.models import DEAD_LETTER_PREFIX_BYTES, DeadLetter, Device, Reading, TeamPosition, refused
from iot.mqtt import InboundMessage
from iot.payloads import guarded, parse_position, parse_reading
from iot.quarantine import MAX_ENTRIES as QUARANTINE_MAX_ENTRIES
from iot.quarantine import Quarantine
from iot.topics import DEFAULT_ROOT, TopicKind, check_root, parse_topic
from storage import Store, StoreUnavailable, UnitOfWork

logger = logging.getLogger(__name__)

# Parse errors are the senders' fault and can come by the thousand: one summary line per interval, not one each.
PARSE_LOG_INTERVAL_S = 60.0

TALLY_NAMES = ("received", "readings", "duplicates", "positions", "dead_letters", "parse_errors", "alerts", "cases",
               "dispatched", "store_errors", "fallbacks", "quarantine_full")


@dataclass
class IngestStats:
    """Counters of what the ingest did since it started (only committed work is counted, but for received).

    received is counted by the worker when a delivery enters it; the pipeline counts the outcomes, so
    received = readings + positions + duplicates + dead_letters + in flight at all times. parse_errors counts the
    dead letters the parser refused, store_errors those the store refused, fallbacks the batches the store refused
    whole.
    """

    received: int = 0
    readings: int = 0
    duplicates: int = 0
    positions: int = 0
    dead_letters: int = 0
    parse_errors: int = 0
    alerts: int = 0
    cases: int = 0
    dispatched: int = 0
    store_errors: int = 0
    fallbacks: int = 0
    store_pauses: int = 0
    paused: int = 0
    quarantine_full: int = 0  # dead letters of unknown devices the full quarantine did not take (within dead_letters)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, other: dict[str, int]) -> None:
        """Add a committed batch's tally."""
        with self._lock:
            for name, value in other.items():
                setattr(self, name, getattr(self, name) + value)

    def set_gauge(self, name: str, value: int) -> None:
        """Set a counter that goes up and down (paused)."""
        with self._lock:
            setattr(self, name, value)

    def snapshot(self) -> dict[str, int]:
        """Return the counters as a dict."""
        with self._lock:
            return {k: v for k, v in vars(self).items() if not k.startswith("_")}


@dataclass(frozen=True, slots=True)
class Decoded:
    """One message after the decode phase: exactly one of reading, position, unknown device or dead letter."""

    message: InboundMessage
    reading: Reading | None = None
    position: TeamPosition | None = None
    unknown_device: str | None = None
    letter: DeadLetter | None = None
    # The device catalogue's revision it was decoded against: the store phase decodes again if it moved.
    revision: int = -1


class ParseErrorLog:
    """Log how many messages the parser refused at most once per interval, with the latest reason."""

    def __init__(self, *, interval_s: float = PARSE_LOG_INTERVAL_S, monotonic: Callable[[], float] = time.monotonic):
        self._interval_s = interval_s
        self._monotonic = monotonic
        self._since = 0
        self._last_reason = ""
        self._next_at = 0.0

    def note(self, refused_count: int, last_reason: str) -> None:
        """Count refused messages; log the summary when the interval has passed."""
        if refused_count == 0:
            return
        self._since += refused_count
        self._last_reason = last_reason
        now = self._monotonic()
        if now >= self._next_at:
            logger.warning("%d messages refused by the parser (dead-lettered); latest: %s", self._since,
                           self._last_reason)
            self._since = 0
            self._next_at = now + self._interval_s


class Pipeline:
    """Decodes a batch without the store, then stores it in one unit of work; a bad message never costs a good one."""

    def __init__(self, *, store: Store, locator: Locator, stats: IngestStats | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), topic_root: str = DEFAULT_ROOT,
                 dead_letter_prefix_bytes: int = DEAD_LETTER_PREFIX_BYTES,
                 catalogue: DeviceCatalogue | None = None, alert_linking: AlertLinking | None = None,
                 rules: RuleEngine | None = None, quarantine_max_entries: int = QUARANTINE_MAX_ENTRIES,
                 case_clock: CaseClock | None = None) -> None:
        self.store = store
        # The deadlines of the cases alerts open (None: none; the runtime always gives one).
        self.case_clock = case_clock
        self.alert_linking = alert_linking or AlertLinking()
        self.locator = locator
        self.stats = stats or IngestStats()
        self.clock = clock
        self.topic_root = check_root(topic_root)
        self.dead_letter_prefix_bytes = dead_letter_prefix_bytes
        self.quarantine_max_entries = quarantine_max_entries
        self._quarantine: Quarantine | None = None  # the current unit of work's, made at its first unknown device
        self.catalogue = catalogue or DeviceCatalogue()
        self.parse_log = ParseErrorLog()
        self._last_parse_error = ""
        self.rules = rules
        # Evaluations whose transaction has not committed yet; the engine takes them on only after the commit.
        self._uncommitted: list[Evaluation] = []

    def handle(self, messages: Sequence[InboundMessage]) -> None:
        """Store a batch; StoreUnavailable leaves it uncounted and propagates, other store errors cost only the culprit."""
        now = self.clock()
        decoded = [self._decode(message, now) for message in messages]
        tally = _tally()
        try:
            self._load_rules()
            self._store(decoded, now, tally)
        except StoreUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - a bad record, not a down store: find it and keep its neighbours
            logger.warning("batch of %d messages refused by the store (%s: %s); storing it in halves",
                           len(messages), type(exc).__name__, exc)
            tally = _tally(fallbacks=1)
            self._store_apart(decoded, now, tally, exc)
        self.stats.add(tally)
        self.parse_log.note(tally["parse_errors"], self._last_parse_error)

    def _refresh(self, uow: UnitOfWork) -> None:
        self.locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        self.catalogue.refresh(uow.devices)
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

    # -- decode phase: no store, no transaction ------------------------------------------------------------------

    def _decode(self, message: InboundMessage, now: datetime) -> Decoded:
        revision = self.catalogue.revision
        try:
            return guarded(message.topic, lambda: self._decode_message(message, now, revision))
        except IngestError as exc:
            self._last_parse_error = str(exc)
            return Decoded(message, letter=self._letter(message, now, self._last_parse_error), revision=revision)

    def _decode_message(self, message: InboundMessage, now: datetime, revision: int) -> Decoded:
        kind, ident = parse_topic(message.topic, root=self.topic_root)
        # The broker's ACL is the guard; where the broker says who published (Mosquitto does not), check it too.
        if message.username is not None and message.username != ident:
            owner = "team" if kind is TopicKind.POSITION else "device"
            raise IngestError(f"topic {message.topic!r}: published by {message.username!r}, not by {owner} {ident!r}")
        if kind is TopicKind.POSITION:
            position = parse_position(message.topic, message.payload, team_id=ident, now=now)
            return Decoded(message, position=position, revision=revision)
        device = self.catalogue.get(ident)
        if device is None:
            return Decoded(message, unknown_device=ident, revision=revision)
        reading = parse_reading(message.topic, message.payload, device=device, now=now)
        return Decoded(message, reading=reading, revision=revision)

    def _letter(self, message: InboundMessage, now: datetime, reason: str) -> DeadLetter:
        return refused(now, message.topic, message.payload, reason, keep_bytes=self.dead_letter_prefix_bytes)

    # -- store phase: one unit of work -----------------------------------------------------------------------------

    def _store(self, decoded: Sequence[Decoded], now: datetime, tally: dict[str, int]) -> None:
        """Store decoded messages in one unit of work, adding to tally (and moving the rules) only if it commits."""
        try:
            own = self._store_in_one(decoded, now)
        except BaseException:
            self._uncommitted.clear()
            raise
        # Committed: the engine takes on the states this transaction stored.
        self.rules.commit(*self._uncommitted)  # type: ignore[union-attr]
        self._uncommitted.clear()
        for name, value in own.items():
            tally[name] += value

    def _store_in_one(self, decoded: Sequence[Decoded], now: datetime) -> dict[str, int]:
        own = _tally()
        with self.store.unit_of_work() as uow:
            self._quarantine = None
            # The revision check rides in this transaction (a separate one cost ~2 ms a batch); the catalogue
            # changes rarely, and then the batch is decoded again against what the store holds now.
            self._refresh(uow)
            if any(item.revision != self.catalogue.revision for item in decoded):
                decoded = [self._decode(item.message, now) for item in decoded]
            letters = [d.letter for d in decoded if d.letter is not None]
            if letters:
                uow.dead_letters.add_many(letters)
                own["dead_letters"] += len(letters)
                own["parse_errors"] += len(letters)
            readings = [d.reading for d in decoded if d.reading is not None]
            if readings:
                new = uow.readings.add_new(readings)
                # QoS 1 redelivers after a lost ack; the first delivery already did the work.
                own["duplicates"] += len(readings) - len(new)
                own["readings"] += len(new)
                if new:
                    devices = {r.device_id: self.catalogue.get(r.device_id) for r in new}
                    self._on_new_readings(uow, new, devices, now, own)  # type: ignore[arg-type]
            positions: list[TeamPosition] = []
            for item in decoded:
                if item.unknown_device is not None:
                    self._on_unknown_device(uow, item.message, item.unknown_device, now, own)
                elif item.position is not None and self._store_position(uow, item, now, own):
                    positions.append(item.position)
            if positions:
                self._on_new_positions(uow, positions, now, own)
        return own

    def _store_apart(self, decoded: Sequence[Decoded], now: datetime, tally: dict[str, int],
                     error: Exception) -> None:
        """Store halves of a batch the store refused (with error), down to the one message it refuses."""
        if len(decoded) == 1:
            self._dead_letter_culprit(decoded[0], now, tally, error)
            return
        middle = len(decoded) // 2
        for half in (decoded[:middle], decoded[middle:]):
            try:
                self._store(half, now, tally)
            except StoreUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001 - keep halving until the culprit is alone
                self._store_apart(half, now, tally, exc)

    def _dead_letter_culprit(self, item: Decoded, now: datetime, tally: dict[str, int], error: Exception) -> None:
        reason = f"store error: {type(error).__name__}: {error}"
        logger.warning("message on %r refused by the store: %s", item.message.topic[:200], reason)
        try:
            with self.store.unit_of_work() as uow:
                uow.dead_letters.add(self._letter(item.message, now, reason))
        except StoreUnavailable:
            raise
        except Exception:  # noqa: BLE001 - the store refuses even the letter: keep its bytes in the log, go on
            logger.exception("message on %r could not be dead-lettered either; payload prefix hex %s",
                             item.message.topic[:200], bytes(item.message.payload[:self.dead_letter_prefix_bytes]).hex())
            tally["store_errors"] += 1
            return
        tally["dead_letters"] += 1
        tally["store_errors"] += 1

    def _store_position(self, uow: UnitOfWork, item: Decoded, now: datetime, tally: dict[str, int]) -> bool:
        """Store a team's position; return whether it was new."""
        position = item.position
        assert position is not None
        if uow.teams.get(position.team_id) is None:
            uow.dead_letters.add(self._letter(item.message, now, f"topic {item.message.topic!r}: unknown team "
                                                                 f"{position.team_id!r}"))
            tally["dead_letters"] += 1
            return False
        return self._on_position(uow, position, now, tally)

    # -- seams: what the stages do with what was stored (kept small; other work replaces their bodies) ----------

    def _on_new_readings(self, uow: UnitOfWork, readings: Sequence[Reading], devices: dict[str, Device], now: datetime,
                         tally: dict[str, int]) -> None:
        """Evaluate readings stored for the first time against the alert rules, in the batch's transaction."""
        assert self.rules is not None  # _load_rules ran before the batch
        evaluation, counts = evaluate_and_signal(uow, self.rules, self.locator, readings, devices, now,
                                                 self.alert_linking, self.case_clock)
        self._uncommitted.append(evaluation)
        _add(tally, counts)

    def _on_new_positions(self, uow: UnitOfWork, positions: Sequence[TeamPosition], now: datetime,
                          tally: dict[str, int]) -> None:
        """Evaluate team positions stored for the first time against the geofences."""
        assert self.rules is not None
        evaluation, counts = evaluate_positions_and_signal(uow, self.rules, self.locator, positions, now,
                                                           self.alert_linking, self.case_clock)
        self._uncommitted.append(evaluation)
        _add(tally, counts)

    def _on_unknown_device(self, uow: UnitOfWork, message: InboundMessage, device_id: str, now: datetime,
                           tally: dict[str, int]) -> None:
        """Quarantine a message of a device nobody provisioned, and dead-letter it like any refused message."""
        if self._quarantine is None:
            self._quarantine = Quarantine(uow.quarantine, max_entries=self.quarantine_max_entries)
        entry = self._quarantine.record(device_id=device_id, topic=message.topic, payload=message.payload, at=now)
        # Past the cap the message is still a dead letter: nothing is lost, only the quarantine stops growing.
        held = "quarantined" if entry is not None else f"quarantine full at {self.quarantine_max_entries} devices"
        uow.dead_letters.add(self._letter(message, now, f"topic {message.topic!r}: unknown device {device_id!r}"
                                                        f" ({held})"))
        tally["dead_letters"] += 1
        tally["quarantine_full"] += int(entry is None)

    def _on_position(self, uow: UnitOfWork, position: TeamPosition, now: datetime, tally: dict[str, int]) -> bool:
        """Move a known team to its reported position and keep it in the team's track; return whether it was new."""
        outcome = move_team_and_announce(uow, team_id=position.team_id, lon=position.lon, lat=position.lat,
                                         at=position.ts, announced_at=now)
        # A redelivered position is already in the track: a duplicate, as a redelivered reading is.
        tally["positions" if outcome.recorded else "duplicates"] += 1
        return outcome.recorded


def _add(tally: dict[str, int], counts: dict[str, int]) -> None:
    for name, value in counts.items():
        tally[name] += value


def _tally(**start: int) -> dict[str, int]:
    return {name: start.get(name, 0) for name in TALLY_NAMES}
