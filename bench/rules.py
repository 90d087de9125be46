"""Benchmark the alert rules engine: readings per second through evaluate() with the shipped rules.

Baseline in the same run: the old constant threshold table (alerts.rules.exceedances) over the same readings.
Readings come round-robin from --devices devices of every sensor kind; an --alarming share of the devices stays past
its raise limits (each of their readings is a signal, as a real alarm is), the rest reads normal values; batches of
--batch. Prints one JSON line. Usage: python bench/rules.py [--readings 200000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alerts.rule_engine import RuleEngine  # noqa: E402
from alerts.rule_parse import default_rules  # noqa: E402
from alerts.rules import exceedances  # noqa: E402
from iot.models import DEFAULT_THRESHOLDS, Device, Reading, SensorKind  # noqa: E402

T0 = datetime(2026, 11, 23, tzinfo=UTC)


def _readings(devices: list[Device], count: int, alarming: float, rng: random.Random) -> list[Reading]:
    found = []
    hot_devices = int(len(devices) * alarming)
    for i in range(count):
        device = devices[i % len(devices)]
        hot = i % len(devices) < hot_devices
        values = {t.metric: t.limit * (rng.uniform(1.05, 1.3) if hot else rng.uniform(0.5, 0.9))
                  for t in DEFAULT_THRESHOLDS[device.kind]}
        found.append(Reading(device_id=device.id, ts=T0 + timedelta(milliseconds=i), values=values,
                             lon=device.lon, lat=device.lat))
    return found


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--alarming", type=float, default=0.01, help="share of devices in alarm")
    args = parser.parse_args()
    rng = random.Random(9)
    kinds = list(SensorKind)
    devices = [Device(id=f"D-{i:05d}", kind=kinds[i % len(kinds)], name=f"d{i}", lon=120.0, lat=30.0)
               for i in range(args.devices)]
    by_id = {d.id: d for d in devices}
    readings = _readings(devices, args.readings, args.alarming, rng)
    started = time.perf_counter()
    for reading in readings:
        exceedances(reading, by_id[reading.device_id].kind)
    baseline_s = time.perf_counter() - started
    engine = RuleEngine(default_rules())
    signals = 0
    started = time.perf_counter()
    for start in range(0, len(readings), args.batch):
        batch = readings[start:start + args.batch]
        evaluation = engine.evaluate(batch, by_id, batch[-1].ts)
        engine.commit(evaluation)
        signals += len(evaluation.signals)
    engine_s = time.perf_counter() - started
    print(json.dumps({"bench": "rules", "readings": len(readings), "devices": len(devices), "batch": args.batch,
                      "alarming": args.alarming, "signals": signals,
                      "engine_readings_per_s": round(len(readings) / engine_s),
                      "threshold_table_readings_per_s": round(len(readings) / baseline_s),
                      "ratio": round(baseline_s / engine_s, 3)}))


if __name__ == "__main__":
    main()
