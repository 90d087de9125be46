"""Private PostgreSQL and Mosquitto instances a test may stop, the ingest as a process, and a steady publisher."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from iot.mqtt import MqttPublisher
from iot.topics import sensor_topic
from tests.mqtt_security.mosquitto import find_tool, free_port, run_as_line

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def wait_until(check: Callable[[], bool], *, within_s: float, what: str, every_s: float = 0.2) -> float:
    """Poll check until it holds; return the seconds it took, or fail naming what never happened."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > within_s:
            pytest.fail(f"{what}: not within {within_s:.0f} s")
        time.sleep(every_s)
    return time.monotonic() - start


def retained_state(mqtt_url: str, topic: str) -> str:
    """Return the state in the retained status message on topic ("" if none comes)."""
    import queue

    import paho.mqtt.client as paho

    got: queue.Queue[bytes] = queue.Queue()
    reader = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"status-{time.monotonic_ns()}")
    reader.on_message = lambda _c, _u, m: got.put(m.payload)
    host, port = mqtt_url.rsplit("//", 1)[1].rsplit(":", 1)
    reader.connect(host, int(port))
    reader.subscribe(topic, 1)
    reader.loop_start()
    try:
        return str(json.loads(got.get(timeout=5))["state"])
    except queue.Empty:
        return ""
    finally:
        reader.disconnect()
        reader.loop_stop()


class PrivatePostgres:
    """A PostgreSQL 15 cluster of its own in a temporary folder, on a free port, that a test may stop."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.skip("PostgreSQL 15 server binaries are not installed")
        self.port = free_port()
        # pytest's tmp folders are private to root; the postgres user needs a folder of its own.
        self.dir = Path(tempfile.mkdtemp(prefix="gw-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._as: list[str] = []
        if os.getuid() == 0:  # initdb refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        self.start()
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/gridwatch"
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE gridwatch")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop the server at once (fast: roll back open transactions, close connections)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        """Stop the server if it runs and remove its folder."""
        subprocess.run([*self._as, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


MOSQUITTO_CONF = """\
{user}
listener {port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location {data}/
autosave_interval 1
# The default (1000) drops QoS 1 messages queued for a paused ingest: docs/operations.md.
max_queued_messages {max_queued}
max_inflight_messages 0
log_type error
log_type warning
log_type notice
"""


class PrivateMosquitto:
    """A Mosquitto of its own with persistence on, on a free port, that a test may stop and start again."""

    def __init__(self, folder: Path, *, max_queued: int = 1_000_000) -> None:
        self.binary = find_tool("mosquitto")
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.conf = folder / "mosquitto.conf"
        (folder / "data").mkdir(parents=True, exist_ok=True)
        self.conf.write_text(MOSQUITTO_CONF.format(user=run_as_line(), port=self.port, data=folder / "data",
                                                   max_queued=max_queued), encoding="utf-8")
        self.log = folder / "mosquitto.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        """Start the broker and wait until it listens."""
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen([self.binary, "-c", str(self.conf)], stdout=sink, stderr=subprocess.STDOUT)
        import socket

        def listening() -> bool:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False
        wait_until(listening, within_s=10, what="mosquitto listening", every_s=0.05)

    def stop(self) -> None:
        """Stop the broker gracefully (SIGTERM: it writes its persistence file)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class IngestProcess:
    """`python -m gridwatch.cli ingest` as a child process with its own metrics port."""

    store_url: str
    mqtt_url: str
    topic_root: str
    client_id: str
    folder: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    metrics_port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> IngestProcess:
        """Start the ingest and wait until its metrics answer."""
        self.metrics_port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDWATCH_STORE_URL": self.store_url,
               "GRIDWATCH_MQTT_URL": self.mqtt_url, "GRIDWATCH_MQTT_CLIENT_ID": self.client_id,
               "GRIDWATCH_MQTT_TOPIC_ROOT": self.topic_root, "GRIDWATCH_DATA_DIR": str(self.folder),
               "GRIDWATCH_METRICS_BIND": f"127.0.0.1:{self.metrics_port}", "GRIDWATCH_STORE_TIMEOUT_S": "2",
               "GRIDWATCH_INGEST_BACKOFF_MAX_S": "2", **self.extra_env}
        log = (self.folder / f"ingest-{self.client_id}.log").open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "gridwatch", "ingest"], env=env, cwd=self.folder,
                                        stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: self._answers(), within_s=30, what=f"ingest {self.client_id} metrics")
        return self

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"ingest {self.client_id} exited with {self.process.returncode}: {self.log_tail()}")
        try:
            self.metrics()
            return True
        except OSError:
            return False

    def metrics(self) -> dict[str, float]:
        """Return the ingest's metrics by sample name (stored_total summed over kinds)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=2) as answer:
            text = answer.read().decode()
        got: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                got[sample.name] = got.get(sample.name, 0) + sample.value
        return got

    def log_tail(self) -> str:
        """Return the end of the ingest's log."""
        path = self.folder / f"ingest-{self.client_id}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the ingest, as the kernel's OOM killer or a power cut would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the ingest as Ctrl-C does, or kill it if it will not."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


class SteadyPublisher:
    """Publishes distinct readings at a steady rate on its own thread; a message counts once the broker acked it."""

    def __init__(self, mqtt_url: str, *, topic_root: str, devices: list[str], rate_per_s: float) -> None:
        self.mqtt_url = mqtt_url
        self.topic_root = topic_root
        self.devices = devices
        self.interval = 1.0 / rate_per_s
        self.published = 0
        self._stop = threading.Event()
        self._client = MqttPublisher(mqtt_url, client_id=f"pub-{topic_root.replace('/', '-')}")
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> SteadyPublisher:
        """Connect and begin publishing."""
        self._client.start()
        self._thread.start()
        return self

    def stop(self) -> int:
        """Stop publishing; return how many distinct messages the broker acknowledged."""
        self._stop.set()
        self._thread.join(60)
        self._client.stop()
        return self.published

    def _message(self, n: int) -> tuple[str, bytes]:
        device = self.devices[n % len(self.devices)]
        # One distinct timestamp per message, so each is one reading and a redelivery is a duplicate.
        ts = 1_780_000_000_000 + n
        return sensor_topic(device, root=self.topic_root), json.dumps({"ts": ts, "values": {"db": 40}}).encode()

    def _run(self) -> None:
        next_at = time.monotonic()
        n = 0
        while not self._stop.is_set():
            topic, payload = self._message(n)
            # Until the broker acks it (it may be restarting), publish the same message again: at least once.
            while not self._client.publish_acked(topic, payload, timeout_s=2):
                if self._stop.is_set() and not self._client.connected:
                    return
            n += 1
            self.published = n
            next_at += self.interval
            delay = next_at - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
