"""The city-handoff job: send due outbox messages to the city's webhook, signed, and record what each came to.

No store transaction is open while a request is on the wire: a short unit of work claims the due messages (it
counts the attempt and leases them, so another worker passes them over), commits, then each message is sent
and its outcome recorded in a unit of work of its own.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from cases.handoff.models import OutboxMessage, OutboxState
from cases.handoff.retry import RetryPolicy, Verdict, verdict_for
from cases.handoff.service import record_attempt
from cases.handoff.signing import IDEMPOTENCY_HEADER, signed_headers
from gridwatch.settings import CitySettings
from storage import Store

logger = logging.getLogger(__name__)


def body_of(message: OutboxMessage) -> bytes:
    """Return the exact bytes sent (and signed): the payload as compact UTF-8 JSON with sorted keys."""
    return json.dumps(message.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Answer:
    """What one attempt got: the HTTP status, or None when no answer came (timeout, refused, reset), and a line."""

    status: int | None
    detail: str


class WebhookSender:
    """POST messages to the city's webhook with the signature, timestamp and idempotency key headers."""

    def __init__(self, *, url: str, secret: str, timeout_s: float, transport: httpx.BaseTransport | None = None):
        self.url = url
        self._secret = secret
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s), transport=transport, follow_redirects=False)

    def send(self, message: OutboxMessage, *, at: datetime) -> Answer:
        """Send one message signed at at; never raise for what the network or the city did."""
        body = body_of(message)
        headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: message.idempotency_key,
                   **signed_headers(self._secret, body, now=at)}
        try:
            answer = self._client.post(self.url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            return Answer(None, f"timeout: {type(exc).__name__}")
        except httpx.HTTPError as exc:
            return Answer(None, f"no answer: {type(exc).__name__}: {exc}")
        return Answer(answer.status_code, f"HTTP {answer.status_code}: {answer.text[:200]}")

    def close(self) -> None:
        """Close the connections."""
        self._client.close()


@dataclass
class DeliveryReport:
    """What one run did: how many messages came to each verdict, and how many wait without a webhook."""

    verdicts: Counter[str] = field(default_factory=Counter)
    waiting: int | None = None  # set when no webhook or secret is configured

    def describe(self) -> str:
        """Return the run's line for the job record."""
        if self.waiting is not None:
            return f"no city webhook or secret configured; {self.waiting} messages wait"
        if not self.verdicts:
            return "no city messages due"
        return ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items()))


@dataclass
class CityDelivery:
    """Sends the due messages of the outbox; sender None means not configured (messages wait)."""

    store: Store
    sender: WebhookSender | None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    lease: timedelta = timedelta(minutes=15)
    batch: int = 20
    rand: Callable[[], float] = random.random
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def run(self, now: datetime) -> DeliveryReport:
        """Claim the messages due at now, send each, record each outcome; return what happened."""
        if self.sender is None:
            with self.store.read_only() as uow:
                return DeliveryReport(waiting=uow.city_outbox.count(state=OutboxState.PENDING))
        with self.store.unit_of_work() as uow:
            claimed = uow.city_outbox.claim_due(now=now, lease_until=now + self.lease, limit=self.batch)
        report = DeliveryReport()
        for message in claimed:
            answer = self.sender.send(message, at=self.clock())
            verdict = verdict_for(answer.status)
            with self.store.unit_of_work() as uow:
                recorded = record_attempt(outbox=uow.city_outbox, message=message, verdict=verdict,
                                          error="" if verdict is Verdict.DELIVERED else answer.detail,
                                          now=self.clock(), policy=self.policy, rand=self.rand)
            if recorded is not Verdict.DELIVERED:
                logger.warning("city message %s (case %s) attempt %d: %s -> %s", message.id, message.case_id,
                               message.attempts, answer.detail, recorded)
            report.verdicts[str(recorded)] += 1
        return report


def city_delivery(store: Store, settings: CitySettings, *, transport: httpx.BaseTransport | None = None,
                  rand: Callable[[], float] = random.random,
                  clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> CityDelivery:
    """Return the delivery the settings describe; without a webhook URL and a secret, messages wait."""
    secret = settings.secret.get_secret_value()
    sender = (WebhookSender(url=settings.webhook_url, secret=secret, timeout_s=settings.timeout_s, transport=transport)
              if settings.webhook_url and secret else None)
    policy = RetryPolicy(base=timedelta(seconds=settings.backoff_base_s), cap=timedelta(seconds=settings.backoff_max_s),
                         max_attempts=settings.max_attempts)
    # Long enough for the whole batch to time out one by one (connect, write, read each), with room to record.
    lease = timedelta(seconds=settings.timeout_s * 4 * settings.batch + 60)
    return CityDelivery(store=store, sender=sender, policy=policy, lease=lease, batch=settings.batch, rand=rand,
                        clock=clock)
