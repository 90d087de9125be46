"""Benchmark the ingest on its own Mosquitto and a fresh PostGIS database against a bare paho subscriber.

Prints one JSON line: the end-to-end rate (received, rules, committed) of readings pre-queued in the ingest's
persistent session, the rate a bare paho subscriber drains the same stream at (same protocol, QoS 1, acks) in
the same run, their ratio; the same with half of the messages hostile; publish-to-alert-stored latency at a
steady rate; and the rate of one and of two ingest workers on a shared subscription while publishers run,
with the CPU each process used.

Usage: python bench/ingest.py [--readings 200000] [--devices 1000] [--steady-rate 2000] [--steady-seconds 10]
Needs PostgreSQL with PostGIS on 127.0.0.1:5432 (trust) and /usr/sbin/mosquitto; starts its own broker.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import paho.mqtt.client as paho  # noqa: E402
import psycopg  # noqa: E402

from gridwatch.runtime import Core, open_migrated_store, start_ingest  # noqa: E402
from iot.models import Device, SensorKind  # noqa: E402
from iot.mqtt import MqttSubscriber  # noqa: E402
from iot.topics import sensor_topic, subscriptions  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PUBLISHERS = 4


# -- the broker and the database of this run --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def own_mosquitto(folder: Path) -> Iterator[tuple[str, int]]:
    """Start a Mosquitto of this run on a free port, queueing without limit; yield its URL and pid; stop it."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = _free_port()
    conf = folder / "mosquitto.conf"
    # No queue limit: a persistent session must hold the whole pre-queued stream (Mosquitto drops past 1,000).
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
                    f"persistence false\nuser {pwd.getpwuid(os.getuid()).pw_name}\nlog_type error\n",
                    encoding="utf-8")
    with (folder / "mosquitto.log").open("wb") as log:
        process = subprocess.Popen([binary, "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(f"mosquitto did not start: {(folder / 'mosquitto.log').read_text()}") from None
                time.sleep(0.05)
        yield f"mqtt://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def fresh_postgis() -> Iterator[str]:
    """Create database bench_ingest_<random> with PostGIS; yield its URL; drop it."""
    name = f"bench_ingest_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        yield url
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the stream ---------------------------------------------------------------------------------------------------

def devices(count: int) -> list[Device]:
    """Return synthetic noise sensors spread over a town."""
    return [Device(f"B-{i:05d}", SensorKind.NOISE, f"bench {i}", 120.0 + (i % 100) / 1000, 32.3 + (i // 100) / 1000)
            for i in range(count)]


def stream(root: str, count: int, device_count: int, *, hostile_every: int = 0, offset: int = 0,
           base_ms: int = 0) -> list[tuple[str, bytes]]:
    """Return (topic, payload) of count readings; with hostile_every=n, every n-th one is hostile."""
    hostile = [b'{"ts": 1, "values": {"db": ' + b"9" * 400 + b"}}", b"[" * 20_000 + b"]" * 20_000,
               b'{"ts": "0001-01-01T00:00:00+14:00", "values": {"db": 1}}', b'{"ts": 1, "values": {"db": NaN}}',
               b'{"ts": 1, "values": {"db": "x"}}', b"\xff\xfe", b'{"ts": 1, "values": {"db": 1}, "lon": 1, "lat": 1, '
               b'"crs": "nope"}']
    out = []
    for i in range(offset, offset + count):
        device = f"B-{i % device_count:05d}"
        if hostile_every and i % hostile_every == 0:
            out.append((sensor_topic(device, root=root), hostile[i % len(hostile)]))
        else:
            payload = json.dumps({"ts": base_ms + i, "values": {"db": 40.0 + i % 30}}).encode()
            out.append((sensor_topic(device, root=root), payload))
    return out


def _publish_slice(url: str, messages: list[tuple[str, bytes]]) -> None:
    """Publish messages at QoS 1 and wait for every PUBACK (one process of several)."""
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:8]}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, int(port))
    client.loop_start()
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(timeout=120)
    client.disconnect()
    client.loop_stop()


def publish_all(url: str, messages: list[tuple[str, bytes]], processes: int = PUBLISHERS) -> float:
    """Publish from several processes so the publisher is not the limit; return the seconds it took."""
    started = time.perf_counter()
    slices = [messages[i::processes] for i in range(processes)]
    workers = [mp.Process(target=_publish_slice, args=(url, part)) for part in slices]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


# -- the baseline: a bare paho subscriber -------------------------------------------------------------------------

class BareSubscriber:
    """A paho client with a persistent session that only counts what it receives and acks each on receipt.

    Same protocol, QoS, Receive Maximum and manual acks as the ingest, so the ratio measures the ingest's work.
    """

    def __init__(self, url: str, topics: tuple[str, ...], protocol: int, max_in_flight: int) -> None:
        host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
        self.address = (host, int(port))
        self.topics, self.protocol, self.max_in_flight = topics, protocol, max_in_flight
        self.client_id = f"bench-bare-{uuid.uuid4().hex[:8]}"
        self.count = 0
        self._subscribed = threading.Event()

    def _client(self) -> paho.Client:
        session = {} if self.protocol == paho.MQTTv5 else {"clean_session": False}
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=self.protocol,
                             manual_ack=True, **session)

        def on_message(c, _u, m):  # type: ignore[no-untyped-def]
            c.ack(m.mid, m.qos)
            self.count += 1

        client.on_message = on_message
        client.on_subscribe = lambda *_a: self._subscribed.set()
        return client

    def _connect(self, client: paho.Client) -> None:
        if self.protocol == paho.MQTTv5:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties

            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = 3600
            props.ReceiveMaximum = self.max_in_flight
            client.connect(*self.address, clean_start=False, properties=props)
        else:
            client.connect(*self.address)

    def open_session(self) -> None:
        """Subscribe once and leave, so the broker queues the stream for this session."""
        client = self._client()
        self._connect(client)
        client.loop_start()
        client.subscribe([(topic, 1) for topic in self.topics])
        self._subscribed.wait(10)
        client.disconnect()
        client.loop_stop()

    def drain(self, expected: int, timeout_s: float = 600) -> float:
        """Connect and return the seconds until expected messages arrived."""
        client = self._client()
        started = time.perf_counter()
        self._connect(client)
        client.loop_start()
        try:
            if not wait_until(lambda: self.count >= expected, timeout_s):
                raise SystemExit(f"bare subscriber stalled at {self.count} of {expected}")
            return time.perf_counter() - started
        finally:
            client.disconnect()
            client.loop_stop()


def cpu_seconds(pids: list[int]) -> float:
    """Return the user+system CPU seconds the processes pids used so far (Linux /proc; 0 for a gone one)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def backend_pids(store_url: str) -> list[int]:
    """Return the pids of PostgreSQL's backends serving the database of store_url."""
    name = store_url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)).fetchall()
    return [int(row[0]) for row in rows]


class CpuMeter:
    """CPU seconds per wall second of this process, the broker and the database's backends over a span."""

    def __init__(self, broker_pid: int, store_url: str) -> None:
        self.broker_pid, self.store_url = broker_pid, store_url

    def __enter__(self) -> CpuMeter:
        self._pg = backend_pids(self.store_url)
        self._start = (time.perf_counter(), time.process_time(), cpu_seconds([self.broker_pid]),
                       cpu_seconds(self._pg))
        return self

    def __exit__(self, *_exc: object) -> None:
        wall, own, broker, pg = self._start
        elapsed = time.perf_counter() - wall
        self.share = {"ingest_process": round((time.process_time() - own) / elapsed, 2),
                      "mosquitto": round((cpu_seconds([self.broker_pid]) - broker) / elapsed, 2),
                      "postgres_backends": round((cpu_seconds(self._pg) - pg) / elapsed, 2)}


def wait_until(predicate: Callable[[], bool], timeout_s: float, poll_s: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll_s)
    return predicate()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# -- the ingest ---------------------------------------------------------------------------------------------------

def open_ingest_session(core: Core, url: str, client_id: str, root: str, batch_size: int, max_in_flight: int) -> None:
    """Start the ingest once and stop it, so its persistent session queues what is published next."""
    worker = start_ingest(core, mqtt_url=url, client_id=client_id, batch_size=batch_size, topic_root=root,
                          max_in_flight=max_in_flight)
    worker.stop()


def drain_ingest(core: Core, url: str, client_id: str, root: str, batch_size: int, max_in_flight: int,
                 expected: int, timeout_s: float = 900) -> float:
    """Start the ingest on its queued session; return the seconds until expected messages were committed."""
    before = _done(core)
    started = time.perf_counter()
    worker = start_ingest(core, mqtt_url=url, client_id=client_id, batch_size=batch_size, topic_root=root,
                          max_in_flight=max_in_flight)
    try:
        if not wait_until(lambda: _done(core) - before >= expected, timeout_s):
            raise SystemExit(f"ingest stalled at {core.stats.snapshot()} of {expected}")
        return time.perf_counter() - started
    finally:
        worker.stop()


def _done(core: Core) -> int:
    """Return how many messages the ingest finished (stored, duplicate or dead-lettered), not merely received."""
    s = core.stats.snapshot()
    return s["readings"] + s["positions"] + s["duplicates"] + s["dead_letters"]


def measure_drain(core: Core, url: str, root: str, messages: list[tuple[str, bytes]], batch_size: int,
                  protocol: int, max_in_flight: int, meter: CpuMeter) -> dict[str, object]:
    """Pre-queue messages for a bare subscriber and for the ingest; return both drain rates."""
    bare = BareSubscriber(url, subscriptions(root), protocol, max_in_flight)
    bare.open_session()
    client_id = f"bench-ingest-{uuid.uuid4().hex[:8]}"
    open_ingest_session(core, url, client_id, root, batch_size, max_in_flight)
    publish_s = publish_all(url, messages)
    bare_s = bare.drain(len(messages))
    with meter:
        ingest_s = drain_ingest(core, url, client_id, root, batch_size, max_in_flight, len(messages))
    return {"publish_per_s": len(messages) / publish_s, "bare_per_s": len(messages) / bare_s,
            "ingest_per_s": len(messages) / ingest_s, "cpu": meter.share}


def measure_latency(core: Core, url: str, root: str, *, rate: int, seconds: float, device_count: int,
                    batch_size: int, max_in_flight: int) -> dict[str, float | int]:
    """Publish at a steady rate with 1 % alarms; return publish-to-alert-stored latencies of the alarms."""
    client_id = f"bench-live-{uuid.uuid4().hex[:8]}"
    worker = start_ingest(core, mqtt_url=url, client_id=client_id, batch_size=batch_size, topic_root=root,
                          max_in_flight=max_in_flight)
    latencies: list[float] = []
    handle = worker.pipeline.handle

    def timed(messages):  # type: ignore[no-untyped-def]
        handle(messages)
        # handle() returns after the commit: the alert of an alarm in this batch is stored now.
        done = time.time() * 1000
        latencies.extend(done - json.loads(m.payload)["ts"] for m in messages if b'"db": 99' in m.payload)

    worker.pipeline.handle = timed  # type: ignore[method-assign]
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-live-pub-{uuid.uuid4().hex[:8]}")
    client.max_inflight_messages_set(1000)
    client.connect(host, int(port))
    client.loop_start()
    total = int(rate * seconds)
    before = _done(core)
    try:
        started = time.perf_counter()
        for i in range(total):
            # Steady pacing: publish each reading at its slot, so the ingest sees rate readings per second.
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            alarm = i % 100 == 0
            body = {"ts": int(time.time() * 1000), "values": {"db": 99.0 if alarm else 50.0}}
            client.publish(sensor_topic(f"B-{i % device_count:05d}", root=root), json.dumps(body).encode(), qos=1)
        wait_until(lambda: _done(core) - before >= total, 120)
    finally:
        client.disconnect()
        client.loop_stop()
        worker.stop()
    return {"samples": len(latencies), "p50_ms": statistics.median(latencies) if latencies else -1,
            "p99_ms": percentile(latencies, 0.99) if latencies else -1}


def _shared_worker(store_url: str, url: str, root: str, batch_size: int, max_in_flight: int, done: mp.Value,
                   cpu: mp.Value, stop: mp.Event, ready: mp.Event) -> None:  # type: ignore[valid-type]
    """Run one ingest worker of a shared subscription in its own process, counting what it committed."""
    core = Core(store=open_migrated_store(store_url))
    worker = start_ingest(core, mqtt_url=url, client_id=f"bench-shared-{uuid.uuid4().hex[:8]}", batch_size=batch_size,
                          persistent=False, topic_root=root, max_in_flight=max_in_flight, share_group="bench")
    ready.set()
    cpu_start = time.process_time()
    while not stop.is_set():
        with done.get_lock():
            done.value = _done(core)
        cpu.value = time.process_time() - cpu_start
        time.sleep(0.02)
    worker.stop()
    core.store.close()


def measure_shared(store_url: str, url: str, root: str, messages: list[tuple[str, bytes]], batch_size: int,
                   max_in_flight: int, broker_pid: int, workers: int = 2) -> dict[str, object]:
    """Run workers on a shared subscription while several processes publish; return the rate and CPU use."""
    stop = mp.Event()
    counters = [mp.Value("q", 0) for _ in range(workers)]
    cpus = [mp.Value("d", 0.0) for _ in range(workers)]
    readies = [mp.Event() for _ in range(workers)]
    processes = [mp.Process(target=_shared_worker, args=(store_url, url, root, batch_size, max_in_flight,
                                                         counters[i], cpus[i], stop, readies[i]))
                 for i in range(workers)]
    for process in processes:
        process.start()
    for ready in readies:
        ready.wait(30)
    broker_before, pg_pids = cpu_seconds([broker_pid]), backend_pids(store_url)
    pg_before, children_before = cpu_seconds(pg_pids), os.times()
    started = time.perf_counter()
    publisher = threading.Thread(target=publish_all, args=(url, messages))
    publisher.start()
    finished = wait_until(lambda: sum(c.value for c in counters) >= len(messages), 900, poll_s=0.02)
    elapsed = time.perf_counter() - started
    broker, pg = cpu_seconds([broker_pid]) - broker_before, cpu_seconds(pg_pids) - pg_before
    publisher.join()
    # The publisher processes are children of this one, counted once joined.
    children = os.times()
    publishers = (children.children_user + children.children_system - children_before.children_user
                  - children_before.children_system)
    stop.set()
    for process in processes:
        process.join(30)
    if not finished:
        raise SystemExit(f"shared workers stalled at {[c.value for c in counters]} of {len(messages)}")
    # CPU seconds per wall second: each worker process (from its ready), the broker, the database's backends.
    return {"rate": len(messages) / elapsed, "cpu": {"workers": [round(c.value / elapsed, 2) for c in cpus],
                                                     "publishers": round(publishers / elapsed, 2),
                                                     "mosquitto": round(broker / elapsed, 2),
                                                     "postgres_backends": round(pg / elapsed, 2)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=200_000, help="readings per drain run")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=1000, help="GRIDWATCH_INGEST_BATCH_SIZE of the ingest")
    parser.add_argument("--max-in-flight", type=int, default=2000,
                        help="GRIDWATCH_INGEST_MAX_IN_FLIGHT (MQTT 5 Receive Maximum) of the ingest and the bare one")
    parser.add_argument("--steady-rate", type=int, default=2000, help="readings/s of the latency run")
    parser.add_argument("--steady-seconds", type=float, default=10.0)
    parser.add_argument("--skip", nargs="*", default=[], choices=("hostile", "latency", "shared"),
                        help="parts of the run to leave out")
    args = parser.parse_args()

    result: dict[str, object] = {"bench": "ingest", "store": "postgis", "broker": "mosquitto (own, max_queued 0)",
                                 "readings": args.readings, "devices": args.devices, "batch_size": args.batch_size,
                                 "max_in_flight": args.max_in_flight, "cores": os.cpu_count(),
                                 "load_avg_1m_at_start": round(os.getloadavg()[0], 2)}
    run = uuid.uuid4().hex[:8]
    base_ms = int(time.time() * 1000) - 86_400_000
    with tempfile.TemporaryDirectory() as folder, own_mosquitto(Path(folder)) as (url, broker_pid), \
            fresh_postgis() as store_url:
        core = Core(store=open_migrated_store(store_url))
        with core.store.unit_of_work() as uow:
            uow.devices.upsert_many(devices(args.devices))
        probe = MqttSubscriber(url, client_id="probe", topics=())
        protocol = probe._client._protocol  # the protocol the ingest speaks (v5 once it asks for ReceiveMaximum)
        result["mqtt_protocol"] = {paho.MQTTv5: "5", paho.MQTTv311: "3.1.1"}.get(protocol, str(protocol))

        clean = measure_drain(core, url, f"bench/{run}/clean", stream(f"bench/{run}/clean", args.readings,
                                                                      args.devices, base_ms=base_ms),
                              args.batch_size, protocol, args.max_in_flight, CpuMeter(broker_pid, store_url))
        stats = core.stats.snapshot()
        result.update({"ingest_per_s": round(clean["ingest_per_s"]), "bare_paho_per_s": round(clean["bare_per_s"]),
                       "ratio": round(clean["ingest_per_s"] / clean["bare_per_s"], 3),
                       "publish_per_s": round(clean["publish_per_s"]), "committed": stats["readings"],
                       "fallbacks": stats["fallbacks"], "cpu_per_s_one_worker": clean["cpu"]})
        if "hostile" not in args.skip:
            root = f"bench/{run}/hostile"
            hostile = measure_drain(core, url, root, stream(root, args.readings, args.devices, hostile_every=2,
                                                            offset=args.readings, base_ms=base_ms),
                                    args.batch_size, protocol, args.max_in_flight, CpuMeter(broker_pid, store_url))
            result.update({"hostile_half_ingest_per_s": round(hostile["ingest_per_s"]),
                           "hostile_vs_clean_ratio": round(hostile["ingest_per_s"] / clean["ingest_per_s"], 3),
                           "hostile_fallbacks": core.stats.snapshot()["fallbacks"] - stats["fallbacks"],
                           "hostile_store_errors": core.stats.snapshot()["store_errors"]})
        if "latency" not in args.skip:
            latency = measure_latency(core, url, f"bench/{run}/live", rate=args.steady_rate,
                                      seconds=args.steady_seconds, device_count=args.devices,
                                      batch_size=args.batch_size, max_in_flight=args.max_in_flight)
            result.update({"steady_rate_per_s": args.steady_rate, "alarm_samples": latency["samples"],
                           "publish_to_alert_stored_ms_p50": round(float(latency["p50_ms"]), 1),
                           "publish_to_alert_stored_ms_p99": round(float(latency["p99_ms"]), 1)})
        core.store.close()
        if "shared" not in args.skip:
            root = f"bench/{run}/shared"
            for workers, name in ((1, "one"), (2, "two")):
                # One worker in the same set-up (publishing while it ingests) is what two must be compared with.
                shared = measure_shared(store_url, url, f"{root}/{workers}",
                                        stream(f"{root}/{workers}", args.readings, args.devices,
                                               offset=(2 + workers) * args.readings, base_ms=base_ms),
                                        args.batch_size, args.max_in_flight, broker_pid, workers=workers)
                result.update({f"{name}_worker{'s' if workers > 1 else ''}_shared_per_s":
                               round(float(shared["rate"])),  # type: ignore[arg-type]
                               f"cpu_per_s_{name}_worker{'s' if workers > 1 else ''}_shared": shared["cpu"]})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
