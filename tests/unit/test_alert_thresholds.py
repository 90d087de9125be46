"""The threshold boundaries of every sensor kind: above the limit warns, at half as far again it is critical."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from alerts.models import Severity
from alerts.rules import CRITICAL_FACTOR, exceedances
from iot.models import DEFAULT_THRESHOLDS, Reading, SensorKind, Threshold

LIMITS = [pytest.param(kind, threshold, id=f"{kind}.{threshold.metric}")
          for kind, thresholds in DEFAULT_THRESHOLDS.items() for threshold in thresholds]


def _severity(kind: SensorKind, metric: str, value: float) -> Severity | None:
    found = exceedances(Reading("X", datetime(2026, 1, 1, tzinfo=UTC), {metric: value}, 120.0, 32.3), kind)
    assert len(found) <= 1
    return found[0].severity if found else None


def _below(value: float) -> float:
    """Return the largest float under value: the strictest limit - ε."""
    return math.nextafter(value, -math.inf)


def test_every_sensor_kind_has_thresholds() -> None:
    assert set(DEFAULT_THRESHOLDS) == set(SensorKind)


@pytest.mark.parametrize(("kind", "threshold"), LIMITS)
def test_a_value_exactly_at_the_limit_is_normal_and_just_above_it_warns(kind: SensorKind, threshold: Threshold) -> None:
    assert _severity(kind, threshold.metric, _below(threshold.limit)) is None
    assert _severity(kind, threshold.metric, threshold.limit) is None
    assert _severity(kind, threshold.metric, math.nextafter(threshold.limit, math.inf)) is Severity.WARNING


@pytest.mark.parametrize(("kind", "threshold"), LIMITS)
def test_a_value_exactly_at_the_critical_limit_is_critical_and_just_under_it_warns(kind: SensorKind,
                                                                                  threshold: Threshold) -> None:
    critical_limit = threshold.limit * CRITICAL_FACTOR
    assert _severity(kind, threshold.metric, _below(critical_limit)) is Severity.WARNING
    assert _severity(kind, threshold.metric, critical_limit - 1e-6) is Severity.WARNING
    assert _severity(kind, threshold.metric, critical_limit) is Severity.CRITICAL


def test_the_critical_limit_is_half_as_far_again_as_the_alarm_limit() -> None:
    # Pinned, so that a change of the factor is a decision and not a slip.
    assert CRITICAL_FACTOR == 1.5
    assert _severity(SensorKind.NOISE, "db", 112.5) is Severity.CRITICAL
    assert _severity(SensorKind.NOISE, "db", 112.4) is Severity.WARNING
