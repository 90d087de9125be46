"""The real deploy/mosquitto/acl on a real Mosquitto: devices and teams publish only as themselves; the ingest reads."""

from __future__ import annotations

import secrets
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest

from tests.mqtt_security.mosquitto import (
    BAD_USERNAME_OR_PASSWORD,
    BROKER_SETTINGS,
    DEPLOY_DIR,
    INGEST,
    LISTENER_SETTINGS,
    NOT_AUTHORIZED,
    Broker,
    Recorder,
    free_port,
    run_as_line,
    running_mosquitto,
    write_passwd,
)

pytestmark = pytest.mark.mosquitto

USERS = ("AQ-001", "AQ-002", "T-GOV-01", INGEST)
# How long a test waits to be sure a message is not coming.
QUIET_S = 1.0


@pytest.fixture
def passwords() -> dict[str, str]:
    """Return a fresh random password per user."""
    return {user: secrets.token_hex(16) for user in USERS}


@pytest.fixture
def broker(tmp_path: Path, mosquitto_bin: str, mosquitto_passwd_bin: str,
           passwords: dict[str, str]) -> Iterator[Broker]:
    """Run Mosquitto on a free port with the production acl and a passwd for two devices, a team and the ingest."""
    acl = tmp_path / "acl"
    acl.write_text((DEPLOY_DIR / "acl").read_text(encoding="utf-8"), encoding="utf-8")
    passwd = write_passwd(tmp_path / "passwd", passwords, mosquitto_passwd=mosquitto_passwd_bin)
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text("\n".join([
        f"listener {port} 127.0.0.1",
        *LISTENER_SETTINGS,
        *BROKER_SETTINGS,
        f"password_file {passwd}",
        f"acl_file {acl}",
        run_as_line(),
        "log_dest stderr",
        "log_type all",
        "",
    ]), encoding="utf-8")
    with running_mosquitto(mosquitto_bin, conf, port=port) as running:
        yield running


Login = Callable[..., Recorder]


@pytest.fixture
def login(broker: Broker, passwords: dict[str, str], clients: list[Recorder]) -> Login:
    """Return a function that connects as a user with the right password and fails if the broker refuses."""
    def connect(user: str, **options: Any) -> Recorder:
        recorder = Recorder(broker.port, user, passwords[user], **options)
        clients.append(recorder)
        reason = recorder.connect()
        assert not reason.is_failure, f"{user} was refused: {reason}"
        return recorder
    return connect


def _payload(label: str) -> bytes:
    return f'{{"label": "{label}", "nonce": "{uuid.uuid4().hex}"}}'.encode()


def test_device_publishes_on_its_own_topic_and_the_ingest_receives_it(login: Login) -> None:
    ingest = login(INGEST)
    assert ingest.subscribe("gridwatch/#")[0].value == 1
    device = login("AQ-001")
    payload = _payload("own")
    assert not device.publish("gridwatch/sensors/AQ-001/readings", payload).is_failure
    message = ingest.next_message()
    assert (message.topic, message.payload) == ("gridwatch/sensors/AQ-001/readings", payload)


def test_team_phone_publishes_its_position_and_the_ingest_receives_it(login: Login) -> None:
    ingest = login(INGEST)
    ingest.subscribe("gridwatch/#")
    phone = login("T-GOV-01", protocol=paho.MQTTv5)
    payload = _payload("position")
    assert not phone.publish("gridwatch/teams/T-GOV-01/position", payload).is_failure
    assert ingest.next_message().payload == payload


@pytest.mark.parametrize(("user", "topic"), [
    ("AQ-001", "gridwatch/sensors/AQ-002/readings"),
    ("AQ-001", "gridwatch/teams/T-GOV-01/position"),
    ("T-GOV-01", "gridwatch/sensors/AQ-001/readings"),
    ("T-GOV-01", "gridwatch/teams/T-GOV-02/position"),
    (INGEST, "gridwatch/sensors/AQ-001/readings"),
    ("AQ-001", "gridwatch/sensors/AQ-001/commands"),
])
def test_publishing_as_someone_else_is_answered_not_authorized_on_mqtt_5(login: Login, user: str, topic: str) -> None:
    client = login(user, protocol=paho.MQTTv5)
    assert client.publish(topic, _payload("forged")).value == NOT_AUTHORIZED


@pytest.mark.parametrize("protocol", [paho.MQTTv311, paho.MQTTv5], ids=["mqtt311", "mqtt5"])
def test_reading_forged_for_another_device_never_reaches_the_ingest(login: Login, broker: Broker,
                                                                    protocol: paho.MQTTProtocolVersion) -> None:
    ingest = login(INGEST)
    ingest.subscribe("gridwatch/#")
    device = login("AQ-001", protocol=protocol)
    forged, own = _payload("forged"), _payload("own")
    puback = device.publish("gridwatch/sensors/AQ-002/readings", forged)
    # Published after the forged one on the same connection: once it arrives, the forged one would have too.
    device.publish("gridwatch/sensors/AQ-001/readings", own)
    assert [m.payload for m in ingest.received(within_s=QUIET_S)] == [own]
    # MQTT 3.1.1 has no way to say no: the broker acknowledges and drops. MQTT 5 says why.
    assert puback.value == (NOT_AUTHORIZED if protocol == paho.MQTTv5 else 0)
    assert "Denied PUBLISH" in broker.log_text() and "'gridwatch/sensors/AQ-002/readings'" in broker.log_text()
    assert device.client.is_connected()


@pytest.mark.parametrize("protocol", [paho.MQTTv311, paho.MQTTv5], ids=["mqtt311", "mqtt5"])
def test_wrong_password_is_refused_at_connect(broker: Broker, clients: list[Recorder],
                                              protocol: paho.MQTTProtocolVersion) -> None:
    intruder = Recorder(broker.port, "AQ-001", "not-the-password", protocol=protocol)
    clients.append(intruder)
    reason = intruder.connect()
    assert reason.is_failure
    assert reason.value in (NOT_AUTHORIZED, BAD_USERNAME_OR_PASSWORD)


def test_unknown_user_is_refused_at_connect(broker: Broker, clients: list[Recorder]) -> None:
    stranger = Recorder(broker.port, "AQ-999", "whatever")
    clients.append(stranger)
    assert stranger.connect().is_failure


@pytest.mark.parametrize("protocol", [paho.MQTTv311, paho.MQTTv5], ids=["mqtt311", "mqtt5"])
def test_anonymous_client_is_refused_at_connect(broker: Broker, clients: list[Recorder],
                                                protocol: paho.MQTTProtocolVersion) -> None:
    anonymous = Recorder(broker.port, None, protocol=protocol)
    clients.append(anonymous)
    reason = anonymous.connect()
    assert reason.is_failure and reason.value == NOT_AUTHORIZED


def test_device_subscribed_to_everything_reads_nothing_of_another_device(login: Login) -> None:
    ingest = login(INGEST)
    ingest.subscribe("gridwatch/#")
    snoop = login("AQ-001")
    # Mosquitto grants the subscription and filters each message by the ACL as it would deliver it.
    snoop.subscribe("gridwatch/#")
    snoop.subscribe("gridwatch/sensors/AQ-002/readings")
    other = login("AQ-002")
    payload = _payload("private")
    other.publish("gridwatch/sensors/AQ-002/readings", payload)
    assert ingest.next_message().payload == payload
    assert snoop.received(within_s=QUIET_S) == []


def test_device_using_the_ingest_client_id_cannot_take_its_queued_messages(login: Login) -> None:
    ingest = login(INGEST, client_id=INGEST, clean_session=False)
    ingest.subscribe("gridwatch/#")
    ingest.close()
    payload = _payload("queued")
    login("AQ-002").publish("gridwatch/sensors/AQ-002/readings", payload)
    # Without use_username_as_clientid this resumes the ingest's session, and the queued reading,
    # which AQ-001 may not read, is thrown away.
    intruder = login("AQ-001", client_id=INGEST, clean_session=False)
    intruder.received(within_s=0.2)
    intruder.close()
    back = login(INGEST, client_id=INGEST, clean_session=False)
    assert back.next_message().payload == payload


def test_rotated_password_applies_on_reload_and_cuts_only_the_old_login(
        login: Login, broker: Broker, clients: list[Recorder], passwords: dict[str, str], tmp_path: Path,
        mosquitto_passwd_bin: str) -> None:
    device, team = login("AQ-001"), login("T-GOV-01")
    rotated = secrets.token_hex(16)
    subprocess.run([mosquitto_passwd_bin, "-b", str(tmp_path / "passwd"), "AQ-001", rotated], check=True, timeout=30)
    broker.reload()
    # Mosquitto 2.0 checks every connected client against the reloaded passwd, and drops those that fail.
    deadline = time.monotonic() + 2.0
    while device.client.is_connected() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not device.client.is_connected()
    assert team.client.is_connected()
    stale = Recorder(broker.port, "AQ-001", passwords["AQ-001"])
    fresh = Recorder(broker.port, "AQ-001", rotated)
    clients.extend([stale, fresh])
    assert stale.connect().value == NOT_AUTHORIZED
    assert not fresh.connect().is_failure
