"""`gridwatch grids import / export` on every backend: bad input refused by feature and problem with the store
unchanged; a dry run shows what moves and writes nothing; an import makes a new set, moves devices and cameras,
keeps cases and alerts where they were located; a level import keeps the other levels; round trips through the
store keep every attribute and the geometry within 1 cm."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from rich.console import Console
from shapely.geometry import box
from typer.testing import CliRunner

import gridwatch.cli_grid_files
from gis.models import Grid
from gridwatch.cli import app
from storage import open_store
from tests.factories import make_alert, make_camera, make_case, make_device
from tests.gis.grid_builders import town_features, write
from tests.gis.test_grid_files import hausdorff_m

runner = CliRunner()
# Cell (0,0) of village 1 grows east by SHIFT degrees, its neighbour (1,0) shrinks: still a partition.
SHIFT = 0.002
IN_STRIP = (120.0105, 32.305)


def grids_of(features: list[dict[str, Any]]) -> list[Grid]:
    return [Grid(f["code"], f["name"], f["level"], f["parent_code"], f["geometry"], f.get("staff", ""))
            for f in features]


def shifted() -> list[dict[str, Any]]:
    features = town_features()
    west, east = features[2], features[4]
    x0, y0, x1, y1 = west["geometry"].bounds
    features[2] = dict(west, geometry=box(x0, y0, x1 + SHIFT, y1))
    a0, b0, a1, b1 = east["geometry"].bounds
    features[4] = dict(east, geometry=box(a0 + SHIFT, b0, a1, b1))
    return features


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setattr(gridwatch.cli_grid_files, "console", Console(width=400))
    features = town_features()
    old_cell = features[4]["code"]
    store = open_store(store_url)
    try:
        with store.unit_of_work() as uow:
            uow.grids.upsert_many(grids_of(features))
            uow.devices.upsert_many([make_device("wl-1", lon=IN_STRIP[0], lat=IN_STRIP[1], grid_code=old_cell)])
            uow.cameras.upsert_many([make_camera("cam-1", lon=IN_STRIP[0], lat=IN_STRIP[1], grid_code=old_cell)])
            path = (features[0]["code"], features[1]["code"], old_cell)
            uow.cases.add(make_case(lon=IN_STRIP[0], lat=IN_STRIP[1], grid_path=path))
            uow.alerts.add(make_alert(lon=IN_STRIP[0], lat=IN_STRIP[1], grid_path=path))
    finally:
        store.close()
    return store_url


def snapshot(url: str) -> dict[str, Any]:
    store = open_store(url)
    try:
        with store.read_only() as uow:
            try:
                sets = [(s.id, s.active, s.grid_count) for s in uow.grids.sets()]
            except NotImplementedError:
                sets = []
            grids = {g.code: (g.name, int(g.level), g.parent_code, g.geometry.wkb_hex) for g in uow.grids.all()}
            return {"grids": grids,
                    "devices": {d.id: d.grid_code for d in uow.devices.all()},
                    "cameras": {c.id: c.grid_code for c in uow.cameras.all()},
                    "cases": [c.grid_path for c in uow.cases.list()],
                    "alerts": [a.grid_path for a in uow.alerts.list()],
                    "sets": sets}
    finally:
        store.close()


def bad_file(kind: str, tmp_path: Path) -> tuple[Path, list[str], list[str]]:
    """Return a planted bad file, extra options, and what the refusal must say."""
    features = town_features()
    victim = features[7]
    code = victim["code"]
    if kind == "broken":
        path = tmp_path / "broken.gpkg"
        path.write_bytes(b"not a geopackage at all")
        return path, [], ["broken.gpkg: cannot read the file"]
    if kind == "unknown_crs":
        return write(features, tmp_path / "grids.gpkg"), ["--crs", "EPSG:999999"], ["unknown coordinate system"]
    if kind == "no_crs":
        return write(features, tmp_path / "noprj.zip", crs=None), [], ["noprj.zip: the file declares no coordinate"]
    if kind == "empty":
        features[7] = dict(victim, geometry=None)
        expected = ["empty_geometry", code]
    elif kind == "null_island":
        features[7] = dict(victim, geometry=box(0, 0, 0.001, 0.001))
        expected = ["at_null_island", code, "lies at 0,0"]
    elif kind == "swapped":
        features[7] = dict(victim, geometry=shapely.transform(victim["geometry"], lambda xy: xy[:, ::-1]))
        expected = ["swapped_lat_lon", code, "far outside the town's extent"]
    else:
        features[7] = dict(victim, code=features[6]["code"])
        expected = ["duplicate_code", features[6]["code"], "already used by row 7"]
    return write(features, tmp_path / f"{kind}.geojson"), [], expected


@pytest.mark.parametrize("kind", ["broken", "unknown_crs", "no_crs", "empty", "null_island", "swapped", "duplicate"])
def test_bad_input_is_refused_naming_the_problem_and_nothing_is_written(cli_store: str, tmp_path: Path,
                                                                      kind: str) -> None:
    before = snapshot(cli_store)
    path, options, expected = bad_file(kind, tmp_path)
    result = runner.invoke(app, ["grids", "import", str(path), *options])
    assert result.exit_code == 1, result.output
    for text in expected + ["nothing was written"]:
        assert text in result.output, (text, result.output)
    assert snapshot(cli_store) == before


def test_json_refusal_lists_every_finding(cli_store: str, tmp_path: Path) -> None:
    path, _, _ = bad_file("duplicate", tmp_path)
    result = runner.invoke(app, ["grids", "import", str(path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["written"] is False
    assert [f["kind"] for f in report["findings"] if f["severity"] == "error"] == ["duplicate_code"]
    assert report["findings"][0]["row"] == 8


def test_dry_run_shows_what_moves_and_writes_nothing(cli_store: str, tmp_path: Path) -> None:
    before = snapshot(cli_store)
    path = write(shifted(), tmp_path / "shifted.gpkg")
    result = runner.invoke(app, ["grids", "import", str(path), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    moves = {m["kind"]: m for m in report["moves"]}
    old_cell, new_cell = town_features()[4]["code"], town_features()[2]["code"]
    for kind in ("open cases", "open alerts", "devices", "cameras"):
        assert (moves[kind]["total"], moves[kind]["moved"]) == (1, 1), kind
        assert (moves[kind]["examples"][0]["old_grid"], moves[kind]["examples"][0]["new_grid"]) == (old_cell, new_cell)
    assert not moves["open cases"]["follows_new_set"] and moves["devices"]["follows_new_set"]
    assert report["written"] is False and snapshot(cli_store) == before
    table = runner.invoke(app, ["grids", "import", str(path), "--dry-run"])
    assert "what the new set moves" in table.output and f"{old_cell} → {new_cell}" in table.output
    assert "dry run, nothing written" in table.output


def test_import_makes_a_new_set_moves_devices_and_cameras_and_keeps_cases_and_alerts(cli_store: str,
                                                                                    tmp_path: Path) -> None:
    before = snapshot(cli_store)
    path = write(shifted(), tmp_path / "shifted.gpkg")
    result = runner.invoke(app, ["grids", "import", str(path), "--note", "survey 2025"])
    assert result.exit_code == 0, result.output
    assert "imported shifted.gpkg as grid set" in result.output
    after = snapshot(cli_store)
    new_cell = town_features()[2]["code"]
    assert after["devices"] == {"wl-1": new_cell} and after["cameras"] == {"cam-1": new_cell}
    assert after["cases"] == before["cases"] and after["alerts"] == before["alerts"]  # kept where they were located
    assert after["grids"][new_cell][3] != before["grids"][new_cell][3]
    assert after["sets"][0][1] is True and len(after["sets"]) == len(before["sets"]) + 1


def test_level_import_replaces_one_level_and_keeps_the_others(cli_store: str, tmp_path: Path) -> None:
    cells = [dict(f, name=f["name"] + "新") for f in shifted() if f["level"] == 3]
    for f in cells:
        del f["level"]
    path = write(cells, tmp_path / "cells.geojson")
    result = runner.invoke(app, ["grids", "import", str(path), "--level", "3"])
    assert result.exit_code == 0, result.output
    assert "kept from the previous set" in result.output
    grids = snapshot(cli_store)["grids"]
    assert len(grids) == len(town_features())
    assert all(name.endswith("新") for name, level, _, _ in grids.values() if level == 3)
    assert not any(name.endswith("新") for name, level, _, _ in grids.values() if level < 3)


def test_level_import_that_leaves_kept_children_outside_is_refused(cli_store: str, tmp_path: Path) -> None:
    before = snapshot(cli_store)
    villages = [f for f in town_features() if f["level"] == 2]
    x0, y0, x1, y1 = villages[0]["geometry"].bounds
    villages[0] = dict(villages[0], geometry=box(x0, y0, x1 - 0.001, y1))
    path = write(villages, tmp_path / "villages.gpkg")
    result = runner.invoke(app, ["grids", "import", str(path), "--level", "2"])
    assert result.exit_code == 1, result.output
    assert "outside_parent" in result.output and "kept" in result.output
    assert snapshot(cli_store) == before


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_export_then_import_through_the_store_keeps_attributes_and_geometry(cli_store: str, tmp_path: Path,
                                                                           fmt: str) -> None:
    before = snapshot(cli_store)
    out = tmp_path / f"out.{ {'shp': 'zip'}.get(fmt, fmt) }"
    exported = runner.invoke(app, ["grids", "export", "--format", fmt, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(app, ["grids", "import", str(out)])
    assert imported.exit_code == 0, imported.output
    after = snapshot(cli_store)
    assert {c: g[:3] for c, g in after["grids"].items()} == {c: g[:3] for c, g in before["grids"].items()}
    for code, (_, _, _, wkb) in after["grids"].items():
        assert hausdorff_m(shapely.from_wkb(wkb), shapely.from_wkb(before["grids"][code][3])) < 0.01, code


def test_a_write_that_fails_half_way_leaves_the_store_as_it_was(cli_store: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from gridwatch.grid_import import import_grid_file
    from storage.sql.cameras import SqlCameraRepository

    before = snapshot(cli_store)

    def broken(self: Any, cameras: Any, credentials: Any = None) -> int:
        raise RuntimeError("disk full")

    # The cameras are written last, after the new set and the devices: a failure there must undo both.
    monkeypatch.setattr(SqlCameraRepository, "upsert_many", broken)
    store = open_store(cli_store)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            import_grid_file(store, write(shifted(), tmp_path / "shifted.gpkg"), now=datetime.now(UTC))
    finally:
        store.close()
    assert snapshot(cli_store) == before


def test_staff_survive_an_import_that_keeps_their_code(cli_store: str, tmp_path: Path) -> None:
    from gis.models import GridStaff, StaffRole

    code = town_features()[2]["code"]
    head = (GridStaff(StaffRole.HEAD, "王芳", "13800000000"),)
    store = open_store(cli_store)
    try:
        with store.unit_of_work() as uow:
            uow.grids.set_staff(code, head)
    finally:
        store.close()
    assert runner.invoke(app, ["grids", "import", str(write(shifted(), tmp_path / "s.gpkg"))]).exit_code == 0
    store = open_store(cli_store)
    try:
        with store.read_only() as uow:
            assert uow.grids.get(code).staff == head
    finally:
        store.close()


def test_an_import_racing_another_change_of_the_grids_is_refused_and_writes_nothing(cli_store: str,
                                                                                   tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from gridwatch.grid_import import GridImportError, import_grid_file

    store = open_store(cli_store)

    def meanwhile(stage: str, done: int, total: int) -> None:
        # Another import lands between the check and the write: the new name must survive, ours must not.
        if stage == "writing" and done == 0:
            with store.unit_of_work() as uow:
                grid = uow.grids.get(town_features()[1]["code"])
                uow.grids.upsert_many([Grid(grid.code, "改名", grid.level, grid.parent_code, grid.geometry)])

    try:
        before = snapshot(cli_store)
        with pytest.raises(GridImportError, match="shifted.gpkg: the grids changed while the file was checked"):
            import_grid_file(store, write(shifted(), tmp_path / "shifted.gpkg"), now=datetime.now(UTC),
                             progress=meanwhile)
    finally:
        store.close()
    after = snapshot(cli_store)
    assert after["grids"][town_features()[1]["code"]][0] == "改名"
    assert {k: v for k, v in after.items() if k not in ("grids", "sets")} == {
        k: v for k, v in before.items() if k not in ("grids", "sets")}
    assert after["sets"] == before["sets"]


def test_export_of_an_earlier_set_and_of_one_that_does_not_exist(cli_store: str, tmp_path: Path) -> None:
    first = snapshot(cli_store)["sets"][-1][0]
    assert runner.invoke(app, ["grids", "import", str(write(shifted(), tmp_path / "s.gpkg"))]).exit_code == 0
    out = tmp_path / "old.geojson"
    done = runner.invoke(app, ["grids", "export", "--format", "geojson", "--out", str(out), "--set", str(first),
                               "--level", "3"])
    assert done.exit_code == 0, done.output
    data = json.loads(out.read_text(encoding="utf-8"))
    cell = next(f for f in data["features"] if f["properties"]["code"] == town_features()[2]["code"])
    assert hausdorff_m(shapely.geometry.shape(cell["geometry"]), town_features()[2]["geometry"]) < 0.01  # the old one
    assert {f["properties"]["set_id"] for f in data["features"]} == {first}
    missing = runner.invoke(app, ["grids", "export", "--format", "gpkg", "--out", str(tmp_path / "x.gpkg"),
                                  "--set", "999"])
    assert missing.exit_code == 1 and "--set 999: no such grid set" in missing.output


def test_the_town_files_grids_import_cleanly_with_their_staff(cli_store: str, tmp_path: Path) -> None:
    from town.files import write_town
    from town.generate import generate_town

    town = generate_town(7)
    write_town(town, tmp_path / "town")
    result = runner.invoke(app, ["grids", "import", str(tmp_path / "town" / "grids.geojson"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["written"] and report["errors"] == 0
    store = open_store(cli_store)
    try:
        with store.read_only() as uow:
            stored = {g.code: g.staff for g in uow.grids.all()}
    finally:
        store.close()
    assert stored == {g.code: g.staff for g in town.grids} and any(stored.values())


@pytest.mark.parametrize(("epsg", "suffix"), [(4528, ".gpkg"), (4549, ".zip")])
def test_a_gauss_kruger_file_imports_to_the_right_place(cli_store: str, tmp_path: Path, epsg: int,
                                                      suffix: str) -> None:
    from tests.gis.grid_builders import frame

    path = write(frame(town_features()).to_crs(f"EPSG:{epsg}"), tmp_path / f"gk{epsg}{suffix}")
    result = runner.invoke(app, ["grids", "import", str(path)])
    assert result.exit_code == 0, result.output
    stored = snapshot(cli_store)["grids"]
    for f in town_features():
        assert hausdorff_m(shapely.from_wkb(stored[f["code"]][3]), f["geometry"]) < 0.01, f["code"]
