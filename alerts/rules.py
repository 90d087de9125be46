"""The old constant threshold table, kept only as a baseline that bench/rules.py and the rules' tests compare with.

Production never evaluates it (the ingest runs alerts/rule_engine.py); only alerts/service.raise_alert, which the
alert tests use, still takes its Exceedance. Remove it with the bench's baseline and those tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alerts.models import Severity
from iot.models import DEFAULT_THRESHOLDS, Reading, SensorKind, Threshold

# Half as far again over the limit is an emergency, not a warning.
CRITICAL_FACTOR = 1.5


@dataclass(frozen=True, slots=True)
class Exceedance:
    """One metric over its limit."""

    metric: str
    value: float
    limit: float
    severity: Severity


def exceedances(reading: Reading, kind: SensorKind,
                thresholds: Mapping[SensorKind, tuple[Threshold, ...]] = DEFAULT_THRESHOLDS) -> list[Exceedance]:
    """Return the metrics of reading above the limits of its sensor kind."""
    found = []
    for threshold in thresholds.get(kind, ()):
        value = reading.values.get(threshold.metric)
        if value is None or value <= threshold.limit:
            continue
        critical = threshold.limit > 0 and value >= threshold.limit * CRITICAL_FACTOR
        severity = Severity.CRITICAL if critical else Severity.WARNING
        found.append(Exceedance(threshold.metric, value, threshold.limit, severity))
    return found
