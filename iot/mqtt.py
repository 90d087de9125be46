"""The one MQTT adapter (paho-mqtt 2.x): a subscriber that implements iot.inbound.Inbound, and a publisher."""

from __future__ import annotations

import json
import logging
import queue
import ssl
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from iot.errors import IngestError
from iot.inbound import InboundMessage

__all__ = ["BrokerAddress", "InboundMessage", "MqttPublisher", "MqttSubscriber", "parse_broker_url"]

PROTOCOLS = ("5", "3.1.1")
# The largest Receive Maximum MQTT 5 can carry (a two-byte integer).
MAX_RECEIVE_MAXIMUM = 65535
# A PUBACK: fixed header, remaining length 2, packet id (MQTT 5 omits the reason code when it is success).
_PUBACK = struct.Struct("!BBH")
_PUBACK_HEADER = int(paho.PUBACK)
# How long stop() waits for the network thread to write what is queued (PUBACKs, then DISCONNECT).
DISCONNECT_WAIT_S = 5.0

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


def _client(address: BrokerAddress, client_id: str, *, clean_session: bool, manual_ack: bool,
            protocol: str = "3.1.1") -> paho.Client:
    if protocol == "5":
        # MQTT 5 has no clean_session flag: clean_start and the session expiry are given to connect().
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5,
                             manual_ack=manual_ack)
    else:
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean_session,
                             protocol=paho.MQTTv311, manual_ack=manual_ack)
    if address.username:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def status_payload(state: str, client_id: str) -> bytes:
    """Return the retained status message of an ingest worker: {"state": "online"|"offline", "client_id": ...}."""
    return json.dumps({"state": state, "client_id": client_id}).encode()


class MqttSubscriber:
    """An Inbound over one persistent QoS 1 MQTT session; the paho thread only enqueues, acks follow the commit.

    MQTT 5 (the default): the CONNECT property Receive Maximum caps how many unacknowledged messages the
    broker sends, so the inbox is bounded by construction and a paused ingest simply receives nothing more.
    MQTT 3.1.1 (for brokers without 5, like the demo's amqtt): the inbox is a bounded queue whose put blocks
    the network thread when full, so paho stops reading the socket and TCP pushes back on the broker.
    """

    def __init__(self, url: str, *, client_id: str, topics: tuple[str, ...], qos: int = 1,
                 persistent: bool = True, protocol: str = "5", max_in_flight: int = 2000,
                 session_expiry_s: int = 7 * 24 * 3600, share_group: str = "", status_topic: str = "") -> None:
        if protocol not in PROTOCOLS:
            raise IngestError(f"MQTT protocol {protocol!r}: use one of {', '.join(PROTOCOLS)}")
        if not 1 <= max_in_flight <= MAX_RECEIVE_MAXIMUM:
            raise IngestError(f"max_in_flight {max_in_flight}: must be 1..{MAX_RECEIVE_MAXIMUM}")
        self.address = parse_broker_url(url)
        self.client_id = client_id
        self.protocol = protocol
        self.max_in_flight = max_in_flight
        # Under MQTT 5 the broker sends at most max_in_flight unacked; after a reconnect it sends them again
        # while the stale copies may still wait here, hence twice the window as a backstop. Under 3.1.1 the
        # queue's bound is the only one.
        self.inbox: queue.Queue[InboundMessage] = queue.Queue(
            maxsize=2 * max_in_flight if protocol == "5" else max_in_flight)
        self._topics = tuple(f"$share/{share_group}/{t}" for t in topics) if share_group else topics
        self._qos = qos
        self._persistent = persistent
        self._session_expiry_s = session_expiry_s
        self._status_topic = status_topic
        self._peak = 0
        self._stopping = False
        self._connected = threading.Event()
        self._disconnected = threading.Event()
        # A persistent session makes the broker keep QoS 1 messages while we are away.
        self._slow_acks = False  # set when paho's private packet queue is not what ack() expects
        self._client = _client(self.address, client_id, clean_session=not persistent, manual_ack=True,
                               protocol=protocol)
        if status_topic:
            # The broker publishes this if the worker dies without a clean DISCONNECT.
            self._client.will_set(status_topic, status_payload("offline", client_id), qos=1, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    @property
    def connected(self) -> bool:
        """Return whether the session is up."""
        return self._connected.is_set()

    @property
    def inbox_size(self) -> int:
        """Return how many messages wait in the inbox now."""
        return self.inbox.qsize()

    @property
    def inbox_peak(self) -> int:
        """Return the most messages ever waiting in the inbox at once."""
        return self._peak

    @property
    def topics(self) -> tuple[str, ...]:
        """Return the topic filters subscribed to ($share/... when a share group is set)."""
        return self._topics

    def start(self, *, wait_s: float = 10.0) -> None:
        """Connect in the background and wait until subscribed, or raise IngestError."""
        if self.protocol == "5":
            props = Properties(PacketTypes.CONNECT)
            props.ReceiveMaximum = self.max_in_flight
            props.SessionExpiryInterval = self._session_expiry_s if self._persistent else 0
            self._client.connect_async(self.address.host, self.address.port, keepalive=30,
                                       clean_start=not self._persistent, properties=props)
        else:
            self._client.connect_async(self.address.host, self.address.port, keepalive=30)
        self._client.loop_start()
        if not self._connected.wait(wait_s):
            self.stop()
            raise IngestError(f"broker {self.address.host}:{self.address.port}: no connection within {wait_s:.0f} s")

    def stop(self) -> None:
        """Say offline on the status topic, disconnect cleanly and stop the network thread."""
        if self._status_topic and self._connected.is_set():
            info = self._client.publish(self._status_topic, status_payload("offline", self.client_id), qos=1,
                                        retain=True)
            try:
                info.wait_for_publish(timeout=2)
            except RuntimeError:
                logger.warning("offline status not published to %s", self._status_topic)
        was_connected = self._connected.is_set()
        self._client.disconnect()
        # A put blocked on a full inbox (3.1.1) would keep the network thread from ending: drop what waits.
        # None of it was acknowledged, so the broker delivers it again to the session.
        self._stopping = True
        while True:
            try:
                self.inbox.get_nowait()
            except queue.Empty:
                break
        # The PUBACKs queued before DISCONNECT go out first; stopping the thread before it has written them (a busy
        # machine) would make the broker deliver acknowledged messages again. Wait until DISCONNECT is written.
        if was_connected and not self._disconnected.wait(DISCONNECT_WAIT_S):
            logger.warning("broker %s:%s: DISCONNECT not written within %.0f s", self.address.host,
                           self.address.port, DISCONNECT_WAIT_S)
        self._client.loop_stop()
        self._connected.clear()

    def next_batch(self, max_messages: int, wait_s: float) -> list[InboundMessage]:
        """Return up to max_messages from the inbox, waiting at most wait_s for the first."""
        try:
            batch = [self.inbox.get(timeout=wait_s)]
        except queue.Empty:
            return []
        while len(batch) < max_messages:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def ack(self, messages: Sequence[InboundMessage]) -> None:
        """Acknowledge QoS 1 messages once what they carried is stored: one PUBACK each, written together."""
        mids = [m.mid for m in messages if m.qos == 1]
        queue_packet = getattr(self._client, "_packet_queue", None)
        if len(mids) > 1 and queue_packet is not None and not self._slow_acks:
            # paho's ack() queues each PUBACK alone and wakes its network thread with a syscall each; both threads
            # share the GIL, so a batch's 1,000 acks cost ~15 % of the ingest (bench/ingest.py). The protocol
            # wants one PUBACK per message, not one write: these bytes are those PUBACKs back to back.
            try:
                queue_packet(paho.PUBACK, b"".join(_PUBACK.pack(_PUBACK_HEADER, 2, mid) for mid in mids), 0, 1)
                mids = []
            except TypeError:
                # A paho release whose private queue takes other arguments: ack one by one from now on.
                logger.warning("paho's packet queue changed; acknowledging messages one by one", exc_info=True)
                self._slow_acks = True
        for mid in mids:
            self._client.ack(mid, 1)
        for message in messages:
            if message.qos == 2:
                self._client.ack(message.mid, 2)

    def _on_connect(self, client: paho.Client, _userdata: object, flags: object, reason: paho.ReasonCode,
                    _props: object = None) -> None:
        if reason.is_failure:
            logger.error("broker %s:%s refused the connection: %s", self.address.host, self.address.port, reason)
            return
        client.subscribe([(topic, self._qos) for topic in self._topics])
        if self._status_topic:
            client.publish(self._status_topic, status_payload("online", self.client_id), qos=1, retain=True)
        logger.info("subscribed to %s on %s:%s (MQTT %s, session present: %s)", ", ".join(self._topics),
                    self.address.host, self.address.port, self.protocol, getattr(flags, "session_present", None))
        self._disconnected.clear()
        self._connected.set()

    def _on_disconnect(self, _client: paho.Client, _userdata: object, _flags: object, reason: paho.ReasonCode,
                       _props: object = None) -> None:
        self._connected.clear()
        self._disconnected.set()
        logger.warning("disconnected from broker %s:%s: %s", self.address.host, self.address.port, reason)

    def _on_message(self, _client: paho.Client, _userdata: object, msg: paho.MQTTMessage) -> None:
        if self._stopping:
            return  # not acknowledged: the broker keeps it for the session
        # Blocks when full: paho then stops reading and TCP holds the broker back.
        self.inbox.put(InboundMessage(topic=msg.topic, payload=bytes(msg.payload), received_at=datetime.now(UTC),
                                      mid=msg.mid, qos=msg.qos))
        size = self.inbox.qsize()
        if size > self._peak:
            self._peak = size


class MqttPublisher:
    """Publishes QoS 1 messages for simulators, benchmarks and tools."""

    def __init__(self, url: str, *, client_id: str) -> None:
        self.address = parse_broker_url(url)
        self._client = _client(self.address, client_id, clean_session=True, manual_ack=False)
        self._connected = threading.Event()
        self._client.on_connect = lambda *_args: self._connected.set()
        self._client.on_disconnect = lambda *_args: self._connected.clear()

    @property
    def connected(self) -> bool:
        """Return whether the connection is up."""
        return self._connected.is_set()

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

    def publish_acked(self, topic: str, payload: bytes, *, timeout_s: float) -> bool:
        """Publish at QoS 1 and return whether the broker acknowledged it within timeout_s."""
        info = self._client.publish(topic, payload, qos=1)
        try:
            info.wait_for_publish(timeout=timeout_s)
        except (RuntimeError, ValueError):  # paho's answers for a full queue or a lost connection
            return False
        return info.is_published()

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()
