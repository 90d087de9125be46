"""The embedded amqtt broker: a real MQTT round trip through iot.mqtt, clean stops, restarts in one process."""

from __future__ import annotations

import json
import socket
import time
import uuid

import pytest

from gridwatch.broker import BrokerStartError, EmbeddedBroker, free_port
from iot.mqtt import MqttPublisher, MqttSubscriber, parse_broker_url
from iot.topics import SUBSCRIPTIONS, sensor_topic


def _client_id(role: str) -> str:
    return f"test-{role}-{uuid.uuid4().hex[:8]}"


def _refuses_connections(url: str) -> bool:
    address = parse_broker_url(url)
    try:
        socket.create_connection((address.host, address.port), timeout=0.5).close()
    except OSError:
        return True
    return False


def test_message_published_with_iot_mqtt_arrives_at_a_subscriber_at_qos_1() -> None:
    with EmbeddedBroker() as broker:
        subscriber = MqttSubscriber(broker.url, client_id=_client_id("sub"), topics=SUBSCRIPTIONS,
                                    protocol="3.1.1")
        publisher = MqttPublisher(broker.url, client_id=_client_id("pub"))
        subscriber.start(wait_s=5)
        publisher.start(wait_s=5)
        try:
            payload = json.dumps({"ts": 1795420800000, "values": {"pm25": 35.0}}).encode()
            publisher.publish(sensor_topic("AQ-001"), payload, qos=1, wait=True)
            message = subscriber.inbox.get(timeout=5)
            subscriber.ack([message])
        finally:
            publisher.stop()
            subscriber.stop()
    assert message.topic == "gridwatch/sensors/AQ-001/readings"
    assert message.payload == payload
    assert message.qos == 1


def test_start_returns_a_loopback_url_on_a_free_port_and_url_matches() -> None:
    broker = EmbeddedBroker()
    url = broker.start()
    try:
        assert url.startswith("mqtt://127.0.0.1:")
        assert broker.url == url
        assert parse_broker_url(url).port != 0
    finally:
        broker.stop()


def test_given_port_is_the_one_listened_on() -> None:
    port = free_port()
    with EmbeddedBroker(port=port) as broker:
        assert broker.url == f"mqtt://127.0.0.1:{port}"


def test_stop_closes_the_port_quickly_even_with_clients_connected() -> None:
    broker = EmbeddedBroker()
    url = broker.start()
    publisher = MqttPublisher(url, client_id=_client_id("pub")).start(wait_s=5)
    try:
        publisher.publish("gridwatch/teams/T1/position", b"{}", wait=True)
        started = time.monotonic()
        broker.stop()
        assert time.monotonic() - started < 3.0
    finally:
        publisher.stop()
    assert not broker.running
    assert _refuses_connections(url)


def test_brokers_start_and_stop_twice_in_one_process_and_one_instance_restarts() -> None:
    for _ in range(2):
        with EmbeddedBroker() as broker:
            url = broker.url
            publisher = MqttPublisher(url, client_id=_client_id("pub")).start(wait_s=5)
            publisher.stop()
        assert _refuses_connections(url)
    broker = EmbeddedBroker()
    for _ in range(2):
        url = broker.start()
        MqttPublisher(url, client_id=_client_id("pub")).start(wait_s=5).stop()
        broker.stop()
        assert _refuses_connections(url)


def test_url_of_a_broker_not_started_raises() -> None:
    with pytest.raises(BrokerStartError, match="not running"):
        _ = EmbeddedBroker().url


def test_port_already_taken_raises_an_error_naming_the_port() -> None:
    with EmbeddedBroker() as first:
        with pytest.raises(BrokerStartError, match=f":{first.port}"):
            EmbeddedBroker(port=first.port).start(timeout_s=5)
