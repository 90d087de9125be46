"""A private Mosquitto for the MQTT security tests (own port, folder and passwd), and a paho client that records."""

from __future__ import annotations

import os
import pwd
import queue
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.reasoncodes import ReasonCode

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DIR = ROOT / "deploy" / "mosquitto"
WAIT_S = 5.0

INGEST = "gridwatch-ingest"
NOT_AUTHORIZED = 0x87
BAD_USERNAME_OR_PASSWORD = 0x86
# The settings of deploy/mosquitto/mosquitto.conf that the ACL tests' broker runs with, broker-wide and per
# listener; test_production_config checks that the production file has each of them where it takes effect.
BROKER_SETTINGS = ("allow_anonymous false",)
LISTENER_SETTINGS = ("use_username_as_clientid true",)


def missing(reason: str) -> None:
    """Skip a test that needs a missing tool; fail it in CI, where the tool must be installed."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing tool is a failure)", pytrace=False)
    pytest.skip(reason)


def find_tool(name: str) -> str:
    """Return the path of a Mosquitto program, on PATH or in /usr/sbin where Debian puts the broker."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        missing(f"{name} is not installed (apt-get install mosquitto mosquitto-clients)")
    return found  # type: ignore[return-value]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_as_line() -> str:
    """Return a `user` line that keeps the broker as the current user (as root it would switch to mosquitto)."""
    # Mosquitto 2.0 started as root drops to the mosquitto user before reading passwd and acl, which could
    # not then read pytest's private tmp folders.
    return f"user {pwd.getpwuid(os.getuid()).pw_name}"


def write_passwd(path: Path, passwords: dict[str, str], *, mosquitto_passwd: str) -> Path:
    """Write a passwd file of username:password lines and hash it in place with mosquitto_passwd -U."""
    path.write_text("".join(f"{user}:{password}\n" for user, password in passwords.items()), encoding="utf-8")
    subprocess.run([mosquitto_passwd, "-U", str(path)], check=True, capture_output=True, timeout=30)
    return path


@dataclass(frozen=True)
class Broker:
    """A running Mosquitto: where it listens, where it logs, and its process id."""

    port: int
    log: Path
    pid: int

    def reload(self) -> None:
        """Make the broker read passwd and acl again (SIGHUP), as `docker compose kill -s HUP` does."""
        os.kill(self.pid, signal.SIGHUP)

    def log_text(self) -> str:
        """Return what the broker logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"mosquitto exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    log_text = log.read_text(errors="replace")
    pytest.fail(f"mosquitto did not listen on 127.0.0.1:{port} within {WAIT_S:.0f} s:\n{log_text}")


@contextmanager
def running_mosquitto(binary: str, conf: Path, *, port: int) -> Iterator[Broker]:
    """Start `mosquitto -c conf`, wait until port answers, and stop it afterwards."""
    log = conf.with_suffix(".log")
    with log.open("wb") as sink:
        process = subprocess.Popen([binary, "-c", str(conf)], stdout=sink, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        yield Broker(port=port, log=log, pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class Recorder:
    """A paho client logged in as one user; it records the broker's answers so a test can wait for them."""

    def __init__(self, port: int, username: str | None, password: str | None = None, *,
                 protocol: paho.MQTTProtocolVersion = paho.MQTTv311, client_id: str | None = None,
                 clean_session: bool = True) -> None:
        self.port = port
        self.connacks: queue.Queue[ReasonCode] = queue.Queue()
        self.subacks: queue.Queue[list[ReasonCode]] = queue.Queue()
        self.pubacks: dict[int, queue.Queue[ReasonCode]] = {}
        self.messages: queue.Queue[paho.MQTTMessage] = queue.Queue()
        session = {} if protocol == paho.MQTTv5 else {"clean_session": clean_session}
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"test-{username}-{uuid.uuid4().hex[:8]}",
                                  protocol=protocol, **session)
        if username is not None:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda _c, _u, _mid, reasons, _p: self.subacks.put(list(reasons))
        self.client.on_publish = lambda _c, _u, mid, reason, _p: self._puback(mid).put(reason)
        self.client.on_message = lambda _c, _u, message: self.messages.put(message)

    def _on_connect(self, client: paho.Client, _userdata: object, _flags: object, reason: ReasonCode,
                    _props: object) -> None:
        if reason.is_failure:
            # Stop paho from trying again a second later; the test only wants the first answer.
            client.disconnect()
        self.connacks.put(reason)

    def _puback(self, mid: int) -> queue.Queue[ReasonCode]:
        return self.pubacks.setdefault(mid, queue.Queue())

    def connect(self) -> ReasonCode:
        """Connect and return the broker's CONNACK reason."""
        self.client.connect("127.0.0.1", self.port, keepalive=30)
        self.client.loop_start()
        return self.connacks.get(timeout=WAIT_S)

    def subscribe(self, topic: str, qos: int = 1) -> list[ReasonCode]:
        """Subscribe and return the SUBACK reasons."""
        self.client.subscribe(topic, qos)
        return self.subacks.get(timeout=WAIT_S)

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> ReasonCode:
        """Publish at QoS 1 and return the PUBACK reason (always success on MQTT 3.1.1)."""
        info = self.client.publish(topic, payload, qos=qos)
        return self._puback(info.mid).get(timeout=WAIT_S)

    def received(self, within_s: float) -> list[paho.MQTTMessage]:
        """Return the messages that arrive within the given time."""
        deadline = time.monotonic() + within_s
        got = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.messages.get(timeout=left))
            except queue.Empty:
                break
        return got

    def next_message(self, within_s: float = WAIT_S) -> paho.MQTTMessage:
        """Return the next message, or fail the test if none comes."""
        try:
            return self.messages.get(timeout=within_s)
        except queue.Empty:
            pytest.fail(f"no message within {within_s} s")

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self.client.disconnect()
        self.client.loop_stop()
