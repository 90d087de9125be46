"""`gridwatch devices import`: all rows or none, every problem by line and column, dry run; every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import gridwatch.cli_devices
from gridwatch.cli import app
from gridwatch.devices import import_devices
from storage import open_store
from tests.factories import make_grid

runner = CliRunner()
HEADER = "id,kind,name,lon,lat,crs,mobile,grid_code,department,interval_s,metrics\n"
GOOD = ["WL-1,water_level,北河1号,120.0,32.3,,,,水利站,120,level_m:m:-2:12\n",
        "CC-1,cold_chain,冷链车1,,,,true,,市场监管所,30,\n",
        "NS-1,noise,噪声1,120.01,32.31,bd09,,,,,\n"]


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setattr(gridwatch.cli_devices, "console", Console(width=300))
    store = open_store(store_url)
    try:
        with store.unit_of_work() as uow:
            uow.grids.upsert_many([make_grid("321283101", lon=120.0, lat=32.3, size=0.1)])
    finally:
        store.close()
    return store_url


def _devices(url: str) -> dict:
    store = open_store(url)
    try:
        with store.read_only() as uow:
            return {d.id: d for d in uow.devices.all()}
    finally:
        store.close()


def test_import_writes_every_row_locating_grids_and_dry_run_writes_none(cli_store: str, tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"
    path.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    dry = runner.invoke(app, ["devices", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.output and "3 new" in dry.output and _devices(cli_store) == {}
    done = runner.invoke(app, ["devices", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert "imported 3 devices" in done.output
    devices = _devices(cli_store)
    assert (devices["WL-1"].grid_code, devices["WL-1"].interval_s, devices["WL-1"].metrics["level_m"].max) == (
        "321283101", 120, 12.0)
    assert devices["CC-1"].mobile and devices["CC-1"].lon is None and devices["CC-1"].grid_code == ""
    assert abs(devices["NS-1"].lon - 120.01) > 1e-3  # BD-09 converted to WGS-84
    again = runner.invoke(app, ["devices", "import", str(path)])
    assert "0 new, 3 replaced" in again.output


def test_one_bad_row_refuses_the_file_and_names_each_line_and_column(cli_store: str, tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"
    path.write_text(HEADER + "".join(GOOD) + "WL-2,water_level,x,120,32.3,,,,,-5,\n"
                    "WL-1,water_level,dup,120,32.3,,,,,,\n"
                    "WL-3,water_level,y,120,32.3,,,,,,level_m:m:9:1\n", encoding="utf-8")
    result = runner.invoke(app, ["devices", "import", str(path)])
    assert result.exit_code == 1, result.output
    for expected in ("line 5, column 'interval_s'", "line 6, column 'id': duplicate id 'WL-1' (first on line 2)",
                     "line 7, column 'metrics'", "nothing was written"):
        assert expected in result.output
    assert _devices(cli_store) == {}


def test_a_header_without_required_columns_is_refused(cli_store: str, tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"
    path.write_text("id,name,colour\nX,y,red\n", encoding="utf-8")
    result = runner.invoke(app, ["devices", "import", str(path)])
    assert result.exit_code == 1
    assert "line 1, column 'kind': required column is missing" in result.output
    assert "line 1, column 'colour': unknown column" in result.output


def test_large_import_reports_progress_for_every_row(cli_store: str) -> None:
    rows = "".join(f"AQ-{i:05d},air_quality,站{i},{120 + i * 1e-5},32.3,,,,,,\n" for i in range(1200))
    checked, written = [], []
    store = open_store(cli_store)
    try:
        done = import_devices(store, HEADER + rows, on_checked=checked.append, on_written=written.append)
        with store.read_only() as uow:
            assert uow.devices.count() == 1200
    finally:
        store.close()
    assert (done.created, checked[-1], len(checked), written) == (1200, 1200, 1200, [500, 1000, 1200])
