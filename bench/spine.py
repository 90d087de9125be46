"""Benchmark the spine on real Mosquitto and PostGIS: readings/s end to end, and publish → case latency.

Prints one JSON line. Usage: python bench/spine.py [--store postgis|sqlite] [--readings 5000] [--alarms 60]
Needs PostgreSQL with PostGIS on 127.0.0.1:5432 (trust) for --store postgis, and Mosquitto on --mqtt.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import paho.mqtt.client as paho  # noqa: E402
import psycopg  # noqa: E402

from gridwatch.runtime import Core, open_migrated_store, start_ingest  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from iot.topics import sensor_topic  # noqa: E402
from town.generate import generate_town  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def scratch_store_url(kind: str) -> Iterator[str]:
    """Yield the URL of an empty store made for this run, and drop it afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"gridwatch_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(predicate, timeout_s: float = 120.0, poll_s: float = 0.005) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll_s)
    return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=("postgis", "sqlite"), default="postgis")
    parser.add_argument("--mqtt", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--readings", type=int, default=5000)
    parser.add_argument("--alarms", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--window", type=int, default=500, help="most messages published ahead of the ingest")
    args = parser.parse_args()

    town = generate_town(7)
    host, port = args.mqtt.rsplit("//", 1)[1].rsplit(":", 1)
    with scratch_store_url(args.store) as url:
        core = Core(store=open_migrated_store(url))
        load_town(core.store, town)
        worker = start_ingest(core, mqtt_url=args.mqtt, client_id=f"gw-bench-{uuid.uuid4().hex[:6]}",
                              batch_size=args.batch_size, persistent=False)
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"gw-bench-pub-{uuid.uuid4().hex[:6]}")
        client.max_inflight_messages_set(1000)
        client.connect(host, int(port))
        client.loop_start()
        try:
            normal = [d for d in town.devices if d.kind == "noise"]
            base_ms = int(time.time() * 1000) - 3_600_000
            started = time.perf_counter()
            for i in range(args.readings):
                # Keep at most --window messages ahead of the ingest: a broker drops QoS 1 messages past its
                # per-client queue (Mosquitto's max_queued_messages, 1000 by default), which is not a rate.
                if i % 100 == 0 and not wait_until(lambda: i - core.stats.snapshot()["readings"] < args.window,
                                                   timeout_s=30, poll_s=0.001):
                    # A stalled ingest (or another client on the same topics) must end the run, not hang it.
                    raise SystemExit(f"ingest stalled at {core.stats.snapshot()} after publishing {i} readings")
                device = normal[i % len(normal)]
                body = {"ts": base_ms + i, "values": {"db": 50.0 + (i % 10)}}
                client.publish(sensor_topic(device.id), json.dumps(body).encode(), qos=1)
            if not wait_until(lambda: core.stats.snapshot()["readings"] >= args.readings, timeout_s=60):
                raise SystemExit(f"ingest stalled at {core.stats.snapshot()} after publishing all readings")
            elapsed = time.perf_counter() - started
            ingested = core.stats.snapshot()["readings"]

            latencies = []
            alarm_devices = [d for d in town.devices if d.kind in ("air_quality", "smoke", "water_level", "noise")]
            for device in alarm_devices[: args.alarms]:
                metric, value = {"air_quality": ("pm25", 300.0), "smoke": ("obscuration_pct", 9.0),
                                 "water_level": ("level_m", 5.0), "noise": ("db", 95.0)}[str(device.kind)]
                cases_before = core.stats.snapshot()["cases"]
                sent = time.time()
                client.publish(sensor_topic(device.id), json.dumps({"ts": int(sent * 1000), "values": {metric: value}}).encode(), qos=1)
                # Stats count a case only after its transaction commits: this is publish → case visible to the API.
                if wait_until(lambda: core.stats.snapshot()["cases"] > cases_before, timeout_s=30, poll_s=0.0005):
                    latencies.append((time.time() - sent) * 1000)
        finally:
            client.loop_stop()
            client.disconnect()
            worker.stop()
            core.store.close()

    print(json.dumps({
        "bench": "spine", "store": args.store, "broker": "mosquitto", "batch_size": args.batch_size, "window": args.window,
        "readings_sent": args.readings, "readings_ingested": ingested,
        "readings_per_s": round(ingested / elapsed, 1), "ingest_seconds": round(elapsed, 3),
        "alarm_samples": len(latencies),
        "publish_to_case_ms_p50": round(statistics.median(latencies), 2) if latencies else None,
        "publish_to_case_ms_p99": round(percentile(latencies, 0.99), 2) if latencies else None,
        "publish_to_case_ms_max": round(max(latencies), 2) if latencies else None,
    }))


if __name__ == "__main__":
    main()
