"""The device catalogue: each kind's metrics, units, physical ranges and expected reporting interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from iot.errors import DeviceError
from iot.models import Device, MetricRange, SensorKind


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What a kind of device measures and how often it reports."""

    kind: SensorKind
    interval_s: int
    metrics: dict[str, MetricRange] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every kind's spec; answers a device's effective metrics and interval."""

    kinds: dict[SensorKind, KindSpec] = field(hash=False)

    def spec(self, kind: SensorKind) -> KindSpec:
        """Return a kind's spec."""
        return self.kinds[kind]

    def metrics_of(self, device: Device) -> dict[str, MetricRange]:
        """Return the device's metrics: its kind's, with the device's own overrides on top."""
        return {**self.kinds[device.kind].metrics, **device.metrics}

    def interval_of(self, device: Device) -> int:
        """Return how often the device should report, in seconds."""
        return device.interval_s if device.interval_s is not None else self.kinds[device.kind].interval_s

    def suggest_kind(self, metrics: set[str]) -> SensorKind | None:
        """Return the one kind whose metrics include all of these, or None when none or several do."""
        if not metrics:
            return None
        matches = [k for k, spec in self.kinds.items() if metrics <= spec.metrics.keys()]
        return matches[0] if len(matches) == 1 else None


def _number(value: Any, *, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DeviceError(f"{where}: must be a finite number, got {value!r}")
    return float(value)


def metric_range(spec: Any, *, where: str) -> MetricRange:
    """Return a MetricRange from {unit, min, max}, refusing a missing unit or min > max."""
    if not isinstance(spec, dict) or set(spec) != {"unit", "min", "max"}:
        raise DeviceError(f"{where}: must have exactly unit, min and max")
    if not isinstance(spec["unit"], str):
        raise DeviceError(f"{where}.unit: must be text, got {spec['unit']!r}")
    low, high = _number(spec["min"], where=f"{where}.min"), _number(spec["max"], where=f"{where}.max")
    if low > high:
        raise DeviceError(f"{where}: min {low:g} is above max {high:g}")
    return MetricRange(unit=spec["unit"], min=low, max=high)


def parse_catalogue(data: Any, *, source: str) -> Catalogue:
    """Return the catalogue a YAML document describes; every kind of SensorKind must be there, and only those."""
    kinds_in = data.get("kinds") if isinstance(data, dict) else None
    if not isinstance(kinds_in, dict):
        raise DeviceError(f"{source}: top-level 'kinds' mapping is missing")
    unknown = set(kinds_in) - {k.value for k in SensorKind}
    missing = {k.value for k in SensorKind} - set(kinds_in)
    if unknown or missing:
        raise DeviceError(f"{source}: kinds unknown {sorted(unknown)}, missing {sorted(missing)}")
    kinds = {}
    for name, spec in kinds_in.items():
        where = f"{source}: kinds.{name}"
        interval = spec.get("interval_s") if isinstance(spec, dict) else None
        if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
            raise DeviceError(f"{where}.interval_s: must be a positive whole number of seconds, got {interval!r}")
        metrics_in = spec.get("metrics")
        if not isinstance(metrics_in, dict) or not metrics_in:
            raise DeviceError(f"{where}.metrics: must name at least one metric")
        metrics = {m: metric_range(r, where=f"{where}.metrics.{m}") for m, r in metrics_in.items()}
        kinds[SensorKind(name)] = KindSpec(kind=SensorKind(name), interval_s=interval, metrics=metrics)
    return Catalogue(kinds=kinds)


@cache
def default_catalogue() -> Catalogue:
    """Return the catalogue shipped with the package (iot/kinds.yaml), read once."""
    text = resources.files("iot").joinpath("kinds.yaml").read_text(encoding="utf-8")
    return parse_catalogue(yaml.safe_load(text), source="iot/kinds.yaml")
