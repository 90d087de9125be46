"""`gridwatch grids list|show|rename|staff|sets`: tables, edits in one unit of work, refusals exit 1; every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import gridwatch.cli_grids
from gis.models import GridStaff, StaffRole
from gridwatch.cli import app
from storage import open_store
from tests.factories import at, make_grid

runner = CliRunner()
GRIDS = [make_grid("321283101", size=0.1), make_grid("321283101001", level=2, parent_code="321283101", staff=()),
         make_grid("321283101001001", level=3, parent_code="321283101001", size=0.002, staff=()),
         make_grid("321283101001001001", level=4, parent_code="321283101001001", size=0.001, staff=())]


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setattr(gridwatch.cli_grids, "console", Console(width=300))
    store = open_store(store_url)
    try:
        with store.unit_of_work() as uow:
            uow.grids.replace_set(GRIDS, source="survey.gpkg", note="first", created_at=at(0))
    finally:
        store.close()
    return store_url


def _grid(url: str, code: str):  # noqa: ANN202 - a Grid or None
    store = open_store(url)
    try:
        with store.read_only() as uow:
            return uow.grids.get(code)
    finally:
        store.close()


def test_list_shows_every_level_or_one(cli_store: str) -> None:
    every = runner.invoke(app, ["grids", "list"])
    assert every.exit_code == 0, every.output
    assert "4 grids" in every.output and "321283101001001001" in every.output and "Wang Fang (head)" in every.output
    deepest = runner.invoke(app, ["grids", "list", "--level", "4"])
    assert "1 grids" in deepest.output and "321283101001001001" in deepest.output
    assert runner.invoke(app, ["grids", "list", "--level", "0"]).exit_code == 2


def test_show_gives_parent_children_and_staff(cli_store: str) -> None:
    shown = runner.invoke(app, ["grids", "show", "321283101001"])
    assert shown.exit_code == 0, shown.output
    assert "level 2  parent 321283101" in shown.output and "children: 321283101001001" in shown.output
    missing = runner.invoke(app, ["grids", "show", "NOPE"])
    assert missing.exit_code == 1 and "'NOPE': no such grid" in missing.output


def test_rename_writes_the_new_name_and_refuses_an_unknown_grid(cli_store: str) -> None:
    done = runner.invoke(app, ["grids", "rename", "321283101001", "丰乐村"])
    assert done.exit_code == 0, done.output
    assert "Grid 321283101001 → 丰乐村" in done.output and _grid(cli_store, "321283101001").name == "丰乐村"
    assert runner.invoke(app, ["grids", "rename", "NOPE", "x"]).exit_code == 1
    blank = runner.invoke(app, ["grids", "rename", "321283101001", "  "])
    assert blank.exit_code == 1 and "name must be 1 to 100 characters" in blank.output
    assert _grid(cli_store, "321283101001").name == "丰乐村"


def test_staff_sets_one_head_two_members_and_an_inspector_with_phones(cli_store: str) -> None:
    done = runner.invoke(app, ["grids", "staff", "321283101001", "--head", "张伟", "--member", "李娜", "--member", "王芳",
                               "--inspector", "赵强", "--phone", "13800000001", "--phone", "13800000002"])
    assert done.exit_code == 0, done.output
    assert _grid(cli_store, "321283101001").staff == (
        GridStaff(StaffRole.HEAD, "张伟", "13800000001"), GridStaff(StaffRole.MEMBER, "李娜", "13800000002"),
        GridStaff(StaffRole.MEMBER, "王芳"), GridStaff(StaffRole.INSPECTOR, "赵强"))
    shown = runner.invoke(app, ["grids", "show", "321283101001"]).output
    assert "13800000001" in shown and "inspector" in shown
    cleared = runner.invoke(app, ["grids", "staff", "321283101001", "--clear"])
    assert cleared.exit_code == 0 and _grid(cli_store, "321283101001").staff == ()


@pytest.mark.parametrize(("args", "message"), [
    ([], "name at least one person"),
    (["--head", "甲", "--phone", "1", "--phone", "2"], "2 phones for 1 people"),
    (["--head", "甲", "--clear"], "--clear removes everyone"),
    (["--member", " "], "name is empty"),
])
def test_staff_refuses_what_cannot_be_meant_and_writes_nothing(cli_store: str, args: list[str], message: str) -> None:
    refused = runner.invoke(app, ["grids", "staff", "321283101", *args])
    assert refused.exit_code == 1 and message in refused.output, refused.output
    assert _grid(cli_store, "321283101").staff == GRIDS[0].staff


def test_sets_lists_the_history_newest_first(cli_store: str) -> None:
    store = open_store(cli_store)
    try:
        with store.unit_of_work() as uow:
            uow.grids.replace_set(GRIDS[:2], source="autumn.zip", note="second", created_at=at(60))
    finally:
        store.close()
    listed = runner.invoke(app, ["grids", "sets"])
    assert listed.exit_code == 0, listed.output
    assert "2 grid sets" in listed.output
    assert listed.output.index("autumn.zip") < listed.output.index("survey.gpkg")
    assert "2024-05-01 17:00:00+08:00" in listed.output
