"""Thresholds raise exceedances; sensor kinds route to the platform that leads the matter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alerts.models import Severity
from alerts.rules import exceedances
from cases.models import Platform
from cases.routing import CATEGORY_BY_SENSOR_KIND, category_for_sensor, route
from iot.models import Reading, SensorKind


def _reading(**values: float) -> Reading:
    return Reading("X", datetime(2026, 1, 1, tzinfo=UTC), values, 120.0, 32.3)


def test_value_under_limit_raises_nothing() -> None:
    assert exceedances(_reading(pm25=80), SensorKind.AIR_QUALITY) == []


def test_value_over_limit_is_a_warning_and_far_over_is_critical() -> None:
    [warning] = exceedances(_reading(pm25=160), SensorKind.AIR_QUALITY)
    [critical] = exceedances(_reading(pm25=300), SensorKind.AIR_QUALITY)
    assert warning.severity is Severity.WARNING and critical.severity is Severity.CRITICAL


@pytest.mark.parametrize(("kind", "platform"), [("smoke", Platform.GOVERNANCE), ("water_level", Platform.GOVERNANCE),
                                                ("air_quality", Platform.ENFORCEMENT), ("noise", Platform.ENFORCEMENT),
                                                ("cold_chain", Platform.MARKET), ("care_button", Platform.SERVICE)])
def test_every_sensor_kind_routes_to_its_platform(kind: str, platform: Platform) -> None:
    assert category_for_sensor(kind).platform is platform


def test_all_kinds_are_classified_and_unknown_matters_go_to_governance() -> None:
    assert set(CATEGORY_BY_SENSOR_KIND) == {k.value for k in SensorKind}
    assert route("no_such_category") is Platform.GOVERNANCE
