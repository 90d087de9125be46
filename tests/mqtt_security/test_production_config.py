"""The production broker folder as shipped: make-passwd.sh, mosquitto.conf with TLS, and the ingest on mqtts://."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from iot.errors import IngestError
from iot.mqtt import MqttPublisher, MqttSubscriber
from iot.topics import SUBSCRIPTIONS, sensor_topic
from tests.mqtt_security.mosquitto import (
    BROKER_SETTINGS,
    DEPLOY_DIR,
    INGEST,
    LISTENER_SETTINGS,
    NOT_AUTHORIZED,
    Broker,
    Recorder,
    free_port,
    missing,
    run_as_line,
    running_mosquitto,
)
from town.files import write_town
from town.generate import generate_town

pytestmark = pytest.mark.mosquitto

MAKE_PASSWD = DEPLOY_DIR / "make-passwd.sh"
CONTAINER_CONFIG = "/mosquitto/config/"
CONTAINER_DATA = "/mosquitto/data/"


def _conf_sections() -> dict[str, list[str]]:
    """Return the production config's lines before the first listener (key '') and under each listener port."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for raw in (DEPLOY_DIR / "mosquitto.conf").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("listener "):
            current = line.split()[1]
            sections[current] = []
        elif line and not line.startswith("#"):
            sections[current].append(line)
    return sections


def test_production_config_has_the_settings_the_acl_tests_prove_where_they_take_effect() -> None:
    sections = _conf_sections()
    assert sorted(sections) == ["", "1883", "8883"]
    for setting in (*BROKER_SETTINGS, f"password_file {CONTAINER_CONFIG}passwd", f"acl_file {CONTAINER_CONFIG}acl",
                    "persistence true", "max_queued_messages 100000"):
        assert setting in sections[""], f"deploy/mosquitto/mosquitto.conf lost {setting!r}"
    for port in ("1883", "8883"):
        for setting in LISTENER_SETTINGS:
            assert setting in sections[port], f"deploy/mosquitto/mosquitto.conf: listener {port} lost {setting!r}"
    assert "tls_version tlsv1.2" in sections["8883"]


def _make_passwd(town_dir: Path, out_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("mosquitto_passwd") is None:
        missing("mosquitto_passwd is not installed")
    return subprocess.run(["bash", str(MAKE_PASSWD), *extra, str(town_dir), str(out_dir)], capture_output=True,
                          text=True, timeout=60)


def _credentials(out_dir: Path) -> dict[str, str]:
    with (out_dir / "credentials.csv").open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row["password"] for row in csv.DictReader(handle)}


def _make_certs(certs: Path, host: str) -> None:
    """Make a private CA and a server certificate for host with the commands of docs/security-mqtt.md."""
    if shutil.which("openssl") is None:
        missing("openssl is not installed")
    certs.mkdir()

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=certs, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=gridwatch test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", "ca.key", "-out", "ca.crt")
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={host}", "-keyout", "server.key",
            "-out", "server.csr")
    (certs / "server.ext").write_text(f"subjectAltName=IP:{host}\nextendedKeyUsage=serverAuth\n", encoding="utf-8")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "server.ext", "-out", "server.crt")


def _local_conf(config_dir: Path, data_dir: Path, *, port: int, tls_port: int) -> Path:
    """Write the production mosquitto.conf with the container's folders and ports replaced by local ones."""
    text = (DEPLOY_DIR / "mosquitto.conf").read_text(encoding="utf-8")
    for pattern, local in ((r"^listener 1883$", f"listener {port} 127.0.0.1"),
                           (r"^listener 8883$", f"listener {tls_port} 127.0.0.1")):
        text, count = re.subn(pattern, local, text, flags=re.MULTILINE)
        assert count == 1, f"deploy/mosquitto/mosquitto.conf has no line matching {pattern}; update this test"
    text = text.replace(CONTAINER_CONFIG, f"{config_dir}/").replace(CONTAINER_DATA, f"{data_dir}/")
    conf = config_dir / "mosquitto.conf"
    conf.write_text(f"{text}\n{run_as_line()}\nlog_dest stderr\n", encoding="utf-8")
    return conf


@dataclass(frozen=True)
class Production:
    """The production broker running locally, with the passwords make-passwd.sh gave out."""

    broker: Broker
    port: int
    tls_port: int
    ca: Path
    credentials: dict[str, str]
    ingest_password: str


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory, mosquitto_bin: str) -> Iterator[Production]:
    """Provision a generated town with make-passwd.sh and certificates, then run the production config on it."""
    tmp_path = tmp_path_factory.mktemp("production")
    town_dir, out_dir, config_dir, data_dir = (tmp_path / name for name in ("town", "out", "config", "data"))
    write_town(generate_town(7), town_dir)
    done = _make_passwd(town_dir, out_dir)
    assert done.returncode == 0, done.stderr
    config_dir.mkdir()
    data_dir.mkdir()
    shutil.copy(out_dir / "passwd", config_dir / "passwd")
    shutil.copy(DEPLOY_DIR / "acl", config_dir / "acl")
    _make_certs(config_dir / "certs", "127.0.0.1")
    port, tls_port = free_port(), free_port()
    conf = _local_conf(config_dir, data_dir, port=port, tls_port=tls_port)
    with running_mosquitto(mosquitto_bin, conf, port=tls_port) as broker:
        # An option misplaced before the first listener makes Mosquitto open a default listener on 1883 too.
        opened = set(re.findall(r"Opening ipv[46] listen socket on port (\d+)", broker.log_text()))
        assert opened == {str(port), str(tls_port)}, broker.log_text()
        yield Production(broker=broker, port=port, tls_port=tls_port, ca=config_dir / "certs" / "ca.crt",
                         credentials=_credentials(out_dir),
                         ingest_password=(out_dir / "ingest-password").read_text(encoding="utf-8").strip())


def test_make_passwd_gives_every_device_and_team_its_own_password(tmp_path: Path) -> None:
    town = generate_town(7)
    write_town(town, tmp_path / "town")
    done = _make_passwd(tmp_path / "town", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    credentials = _credentials(tmp_path / "out")
    assert list(credentials) == [d.id for d in town.devices] + [t.id for t in town.teams]
    assert len(set(credentials.values())) == len(credentials)
    entries = [line.split(":", 1) for line in (tmp_path / "out" / "passwd").read_text().splitlines()]
    assert [user for user, _ in entries] == [*credentials, INGEST, f"{INGEST}-2"]
    # Salted PBKDF2-SHA512 hashes, never the clear-text password.
    assert all(hashed.startswith("$7$") for _, hashed in entries)


def _small_town(town: Path, sensor_id: str = "AQ-001") -> Path:
    town.mkdir()
    (town / "sensors.csv").write_text(f"id,kind,name,lon,lat\n{sensor_id},noise,n,120.0,32.3\n", encoding="utf-8")
    (town / "teams.csv").write_text("id,name,platform,lon,lat\nT-GOV-01,t,governance,,\n", encoding="utf-8")
    return town


def test_make_passwd_refuses_to_overwrite_passwords_already_given_out(tmp_path: Path) -> None:
    _small_town(tmp_path / "town")
    assert _make_passwd(tmp_path / "town", tmp_path / "out").returncode == 0
    before = (tmp_path / "out" / "credentials.csv").read_text()
    again = _make_passwd(tmp_path / "town", tmp_path / "out")
    assert again.returncode != 0 and "--force" in again.stderr
    assert (tmp_path / "out" / "credentials.csv").read_text() == before
    assert _make_passwd(tmp_path / "town", tmp_path / "out", "--force").returncode == 0
    assert (tmp_path / "out" / "credentials.csv").read_text() != before


@pytest.mark.parametrize(("sensor_id", "problem"), [
    ("T-GOV-01", "'T-GOV-01' is used more than once (sensors.csv line 2, teams.csv line 2)"),
    ("AQ:001", "sensors.csv line 2: id 'AQ:001' cannot be an MQTT username"),
    (INGEST, f"sensors.csv line 2: id '{INGEST}' is reserved for the ingest"),
])
def test_make_passwd_refuses_an_id_that_cannot_be_a_login_of_its_own(tmp_path: Path, sensor_id: str,
                                                                     problem: str) -> None:
    done = _make_passwd(_small_town(tmp_path / "town", sensor_id), tmp_path / "out")
    assert done.returncode != 0
    assert problem in done.stderr
    assert not (tmp_path / "out" / "passwd").exists()


def test_ingest_receives_a_device_reading_over_tls_trusting_the_private_ca_by_ssl_cert_file(
        production: Production, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(production.ca))
    host = f"127.0.0.1:{production.tls_port}"
    subscriber = MqttSubscriber(f"mqtts://{INGEST}:{production.ingest_password}@{host}",
                                client_id=f"test-{uuid.uuid4().hex[:8]}", topics=SUBSCRIPTIONS)
    publisher = MqttPublisher(f"mqtts://AQ-001:{production.credentials['AQ-001']}@{host}", client_id="AQ-001")
    subscriber.start(wait_s=5)
    publisher.start(wait_s=5)
    try:
        payload = b'{"ts": 1795420800000, "values": {"pm25": 35.0}}'
        publisher.publish(sensor_topic("AQ-001"), payload, wait=True)
        message = subscriber.inbox.get(timeout=5)
        subscriber.ack([message])
    finally:
        publisher.stop()
        subscriber.stop()
    assert (message.topic, message.payload) == ("gridwatch/sensors/AQ-001/readings", payload)


def test_tls_listener_is_refused_by_a_client_that_does_not_trust_its_ca(production: Production,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    subscriber = MqttSubscriber(f"mqtts://{INGEST}:{production.ingest_password}@127.0.0.1:{production.tls_port}",
                                client_id=f"test-{uuid.uuid4().hex[:8]}", topics=SUBSCRIPTIONS)
    with pytest.raises(IngestError, match="no connection"):
        subscriber.start(wait_s=1)
    # The client hung up on the certificate, not on anything later.
    assert "alert unknown ca" in production.broker.log_text()


def test_plain_listener_of_the_production_config_refuses_anonymous(production: Production,
                                                                   clients: list[Recorder]) -> None:
    anonymous = Recorder(production.port, None)
    clients.append(anonymous)
    assert anonymous.connect().value == NOT_AUTHORIZED
