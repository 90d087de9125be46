"""The MQTT Inbound keeps its inbox bounded (MQTT 5 Receive Maximum, or a blocking queue on 3.1.1) and says its status."""

from __future__ import annotations

import json
import os
import queue
import socket
import threading
import time
import uuid

import paho.mqtt.client as paho
import paho.mqtt.publish as paho_publish
import pytest

from gridwatch.broker import EmbeddedBroker
from iot.mqtt import MqttPublisher, MqttSubscriber
from iot.topics import status_topic

MOSQUITTO_URL = os.environ.get("GRIDWATCH_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")


@pytest.fixture
def mosquitto_url() -> str:
    host, port = MOSQUITTO_URL.rsplit("//", 1)[1].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Mosquitto at {MOSQUITTO_URL} is not reachable: {exc}")
        pytest.skip(f"Mosquitto at {MOSQUITTO_URL} is not reachable: {exc}")
    return MOSQUITTO_URL


def _drain(subscriber: MqttSubscriber, count: int, *, within_s: float = 20) -> int:
    """Take and ack messages until count arrived; return how many did."""
    got = 0
    deadline = time.monotonic() + within_s
    while got < count and time.monotonic() < deadline:
        batch = subscriber.next_batch(50, 0.2)
        subscriber.ack(batch)
        got += len(batch)
    return got


def _publish(url: str, topic: str, count: int) -> None:
    publisher = MqttPublisher(url, client_id=f"test-pub-{uuid.uuid4().hex[:8]}").start()
    try:
        for n in range(count):
            publisher.publish(topic, str(n).encode(), wait=True)
    finally:
        publisher.stop()


def _wait_for_peak(subscriber: MqttSubscriber, peak: int) -> None:
    deadline = time.monotonic() + 10
    while subscriber.inbox_peak < peak and time.monotonic() < deadline:
        time.sleep(0.02)


def test_mqtt5_receive_maximum_bounds_the_inbox_until_messages_are_acked(mosquitto_url: str) -> None:
    root = f"gridwatch-test/{uuid.uuid4().hex[:10]}"
    subscriber = MqttSubscriber(mosquitto_url, client_id=f"test-rm-{uuid.uuid4().hex[:8]}",
                                topics=(f"{root}/x",), persistent=False, max_in_flight=10)
    subscriber.start(wait_s=5)
    try:
        _publish(mosquitto_url, f"{root}/x", 60)
        _wait_for_peak(subscriber, 10)
        time.sleep(0.5)  # room for the broker to overstep, were it going to
        assert subscriber.inbox.qsize() == 10 and subscriber.inbox_peak == 10
        assert _drain(subscriber, 60) == 60
    finally:
        subscriber.stop()


def test_mqtt311_inbox_blocks_when_full_and_loses_nothing() -> None:
    with EmbeddedBroker() as broker:
        subscriber = MqttSubscriber(broker.url, client_id=f"test-311-{uuid.uuid4().hex[:8]}", topics=("t/x",),
                                    protocol="3.1.1", max_in_flight=5)
        subscriber.start(wait_s=5)
        try:
            _publish(broker.url, "t/x", 40)
            _wait_for_peak(subscriber, 5)
            assert subscriber.inbox_peak == 5
            assert _drain(subscriber, 40) == 40
        finally:
            subscriber.stop()


def test_mqtt311_stop_does_not_hang_on_a_full_inbox() -> None:
    with EmbeddedBroker() as broker:
        subscriber = MqttSubscriber(broker.url, client_id=f"test-311-{uuid.uuid4().hex[:8]}", topics=("t/x",),
                                    protocol="3.1.1", max_in_flight=3)
        subscriber.start(wait_s=5)
        _publish(broker.url, "t/x", 10)
        _wait_for_peak(subscriber, 3)
        # On a thread, so a hang fails the test instead of holding the run.
        stopper = threading.Thread(target=subscriber.stop, daemon=True)
        stopper.start()
        stopper.join(5)
        assert not stopper.is_alive(), "stop() hangs on a network thread blocked by a full inbox"


def test_status_topic_is_online_while_connected_and_offline_after_a_clean_stop(mosquitto_url: str) -> None:
    root = f"gridwatch-test/{uuid.uuid4().hex[:10]}"
    client_id = f"test-status-{uuid.uuid4().hex[:8]}"
    topic = status_topic(root, client_id)
    subscriber = MqttSubscriber(mosquitto_url, client_id=client_id, topics=(f"{root}/x",), persistent=False,
                                status_topic=topic, share_group="gridwatch")
    assert subscriber.topics == (f"$share/gridwatch/{root}/x",)

    def retained() -> dict[str, str]:
        got: queue.Queue[bytes] = queue.Queue()
        reader = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"test-read-{uuid.uuid4().hex[:8]}")
        reader.on_message = lambda _c, _u, m: got.put(m.payload)
        host, port = mosquitto_url.rsplit("//", 1)[1].rsplit(":", 1)
        reader.connect(host, int(port))
        reader.subscribe(topic, 1)
        reader.loop_start()
        try:
            return json.loads(got.get(timeout=5))
        finally:
            reader.disconnect()
            reader.loop_stop()

    subscriber.start(wait_s=5)
    try:
        assert retained() == {"state": "online", "client_id": client_id}
    finally:
        subscriber.stop()
    assert retained() == {"state": "offline", "client_id": client_id}
    host, port = mosquitto_url.rsplit("//", 1)[1].rsplit(":", 1)
    # An empty retained message removes it from the shared broker.
    paho_publish.single(topic, b"", qos=1, retain=True, hostname=host, port=int(port))


def test_a_batch_acked_in_one_call_is_not_delivered_again_and_the_rest_is(mosquitto_url: str) -> None:
    # The PUBACKs of a batch go out back to back in one write; each must still settle its own message.
    root = f"gridwatch-test/{uuid.uuid4().hex[:10]}"
    client_id = f"test-acks-{uuid.uuid4().hex[:8]}"

    def session() -> MqttSubscriber:
        subscriber = MqttSubscriber(mosquitto_url, client_id=client_id, topics=(f"{root}/x",), max_in_flight=100,
                                    session_expiry_s=60)
        subscriber.start(wait_s=5)
        return subscriber

    def take(subscriber: MqttSubscriber, count: int) -> list:
        got: list = []
        deadline = time.monotonic() + 10
        while len(got) < count and time.monotonic() < deadline:
            got += subscriber.next_batch(count - len(got), 0.2)
        return got

    first = session()
    try:
        _publish(mosquitto_url, f"{root}/x", 30)
        batch = take(first, 30)
        assert [m.payload for m in batch] == [str(n).encode() for n in range(30)]
        first.ack(batch[:20])
    finally:
        first.stop()
    second = session()
    try:
        again = take(second, 10)
        time.sleep(0.5)  # room for a wrongly unacknowledged message to come too
        again += second.next_batch(100, 0.1)
        assert sorted(int(m.payload) for m in again) == list(range(20, 30))
        second.ack(again)
    finally:
        second.stop()
