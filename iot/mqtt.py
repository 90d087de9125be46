"""The one MQTT adapter (paho-mqtt 2.x): a subscriber that hands messages to a queue, and a publisher."""

from __future__ import annotations

import logging
import queue
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho

from iot.errors import IngestError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """Where a broker listens and how to log in, parsed from mqtt://user:pass@host:port (mqtts:// for TLS)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False


def parse_broker_url(url: str) -> BrokerAddress:
    """Parse an mqtt:// or mqtts:// URL, or raise IngestError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts", "tcp"):
        raise IngestError(f"broker URL {url!r}: scheme must be mqtt:// or mqtts://")
    if not parts.hostname:
        raise IngestError(f"broker URL {url!r}: no host")
    tls = parts.scheme == "mqtts"
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
    )


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message as it came off the wire, with the id needed to acknowledge it after it is stored."""

    topic: str
    payload: bytes
    received_at: datetime
    mid: int = 0
    qos: int = 0
    username: str | None = field(default=None, repr=False)


def _client(address: BrokerAddress, client_id: str, *, clean_session: bool, manual_ack: bool) -> paho.Client:
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=clean_session,
        protocol=paho.MQTTv311,
        manual_ack=manual_ack,
    )
    if address.username:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


class MqttSubscriber:
    """Keeps a persistent QoS 1 session; the paho thread only enqueues, acks come after the store commits."""

    def __init__(self, url: str, *, client_id: str, topics: tuple[str, ...], qos: int = 1,
                 inbox: queue.Queue[InboundMessage] | None = None, persistent: bool = True) -> None:
        self.address = parse_broker_url(url)
        self.inbox: queue.Queue[InboundMessage] = inbox if inbox is not None else queue.Queue(maxsize=100_000)
        self._topics = topics
        self._qos = qos
        self._connected = threading.Event()
        # A persistent session (clean_session=False) makes the broker keep QoS 1 messages while we are away.
        self._client = _client(self.address, client_id, clean_session=not persistent, manual_ack=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    @property
    def connected(self) -> bool:
        """Return whether the session is up."""
        return self._connected.is_set()

    def start(self, *, wait_s: float = 10.0) -> None:
        """Connect in the background and wait until subscribed, or raise IngestError."""
        self._client.connect_async(self.address.host, self.address.port, keepalive=30)
        self._client.loop_start()
        if not self._connected.wait(wait_s):
            self.stop()
            raise IngestError(f"broker {self.address.host}:{self.address.port}: no connection within {wait_s:.0f} s")

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()

    def ack(self, message: InboundMessage) -> None:
        """Acknowledge a QoS 1 message once what it carried is stored."""
        if message.qos > 0:
            self._client.ack(message.mid, message.qos)

    def _on_connect(self, client: paho.Client, _userdata: object, _flags: object, reason: paho.ReasonCode,
                    _props: object = None) -> None:
        if reason.is_failure:
            logger.error("broker %s:%s refused the connection: %s", self.address.host, self.address.port, reason)
            return
        client.subscribe([(topic, self._qos) for topic in self._topics])
        logger.info("subscribed to %s on %s:%s", ", ".join(self._topics), self.address.host, self.address.port)
        self._connected.set()

    def _on_disconnect(self, _client: paho.Client, _userdata: object, _flags: object, reason: paho.ReasonCode,
                       _props: object = None) -> None:
        self._connected.clear()
        logger.warning("disconnected from broker %s:%s: %s", self.address.host, self.address.port, reason)

    def _on_message(self, _client: paho.Client, _userdata: object, msg: paho.MQTTMessage) -> None:
        self.inbox.put(InboundMessage(topic=msg.topic, payload=bytes(msg.payload), received_at=datetime.now(UTC),
                                      mid=msg.mid, qos=msg.qos))


class MqttPublisher:
    """Publishes QoS 1 messages for simulators, benchmarks and tools."""

    def __init__(self, url: str, *, client_id: str) -> None:
        self.address = parse_broker_url(url)
        self._client = _client(self.address, client_id, clean_session=True, manual_ack=False)
        self._connected = threading.Event()
        self._client.on_connect = lambda *_args: self._connected.set()

    def start(self, *, wait_s: float = 10.0) -> MqttPublisher:
        """Connect and wait for the broker's answer, or raise IngestError."""
        self._client.connect_async(self.address.host, self.address.port, keepalive=30)
        self._client.loop_start()
        if not self._connected.wait(wait_s):
            self.stop()
            raise IngestError(f"broker {self.address.host}:{self.address.port}: no connection within {wait_s:.0f} s")
        return self

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, wait: bool = False) -> None:
        """Publish a message; with wait, block until the broker acknowledged it."""
        info = self._client.publish(topic, payload, qos=qos)
        if wait:
            info.wait_for_publish(timeout=10)

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()
