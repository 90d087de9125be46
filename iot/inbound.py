"""The inbound side of the ingest: messages in, acknowledged only after what they carry is committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message as it came off the wire, with the id needed to acknowledge it after it is stored."""

    topic: str
    payload: bytes
    received_at: datetime
    mid: int = 0
    qos: int = 0
    username: str | None = field(default=None, repr=False)


class Inbound(Protocol):
    """A source of messages that redelivers whatever is not acknowledged (MQTT today, NATS JetStream tomorrow)."""

    @property
    def connected(self) -> bool:
        """Return whether the source is connected."""
        ...

    @property
    def inbox_size(self) -> int:
        """Return how many messages are delivered and waiting for next_batch now."""
        ...

    @property
    def inbox_peak(self) -> int:
        """Return the most messages ever held delivered but not yet taken by next_batch."""
        ...

    def start(self) -> None:
        """Connect and begin receiving; raise IngestError if no connection comes."""
        ...

    def stop(self) -> None:
        """Disconnect; messages not acknowledged stay with the source."""
        ...

    def next_batch(self, max_messages: int, wait_s: float) -> list[InboundMessage]:
        """Return up to max_messages received messages, waiting at most wait_s for the first."""
        ...

    def ack(self, messages: Sequence[InboundMessage]) -> None:
        """Acknowledge messages whose effects are committed; the source may then forget them."""
        ...
