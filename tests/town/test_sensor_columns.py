"""sensors.csv: the registry's columns are optional; a mobile sensor may have no position; load locates grids."""

from __future__ import annotations

from pathlib import Path

import pytest

from gis.index import GridIndex
from gridwatch.towns import devices_with_grid_codes
from iot.models import SensorKind
from tests.factories import make_device, make_grid
from town.errors import TownFileError
from town.tables import read_sensors, write_sensors


def test_old_files_without_registry_columns_still_read(tmp_path: Path) -> None:
    path = tmp_path / "sensors.csv"
    path.write_text("id,kind,name,lon,lat,crs,mobile\nAQ-1,air_quality,站,120.0,32.3,wgs84,false\n", encoding="utf-8")
    [device] = read_sensors(path)
    assert (device.grid_code, device.department, device.interval_s, device.metrics) == ("", "", None, {})


def test_registry_columns_round_trip_and_mobile_needs_no_position(tmp_path: Path) -> None:
    devices = [make_device("WL-1", kind=SensorKind.WATER_LEVEL, grid_code="V01", department="水利站", interval_s=90),
               make_device("CC-1", kind=SensorKind.COLD_CHAIN, lon=None, lat=None, mobile=True)]
    path = write_sensors(devices, tmp_path / "sensors.csv")
    assert read_sensors(path) == devices


def test_a_fixed_sensor_without_position_or_a_bad_interval_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sensors.csv"
    path.write_text("id,kind,name,lon,lat,mobile\nAQ-1,air_quality,站,,,false\n", encoding="utf-8")
    with pytest.raises(TownFileError, match="lon"):
        read_sensors(path)
    path.write_text("id,kind,name,lon,lat,interval_s\nAQ-1,air_quality,站,120,32.3,0\n", encoding="utf-8")
    with pytest.raises(TownFileError, match="interval_s"):
        read_sensors(path)


def test_load_locates_the_finest_grid_unless_the_file_gives_one() -> None:
    index = GridIndex([make_grid("T01", size=0.1)])
    located = devices_with_grid_codes([make_device("a"), make_device("b", grid_code="KEEP"),
                                       make_device("c", lon=None, lat=None, mobile=True),
                                       make_device("d", lon=130.0)], index)
    assert [d.grid_code for d in located] == ["T01", "KEEP", "", ""]
