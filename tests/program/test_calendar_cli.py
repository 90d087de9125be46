"""gridwatch calendar load/show/check against a real store: all or nothing, every bad line named."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import gridwatch.cli_calendar
from gis.zone import CHINA_TZ
from gridwatch.cli import app
from storage import open_store

runner = CliRunner()

SCHEDULE_2031 = """date,kind,name
2031-10-01,holiday,国庆节
2031-10-02,holiday,国庆节
2031-10-03,holiday,国庆节
2031-10-06,holiday,国庆节
2031-10-07,holiday,国庆节
2031-09-28,workday,国庆节
2031-10-11,workday,国庆节
"""


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setattr(gridwatch.cli_calendar, "console", Console(width=300))
    return store_url


def _loaded(url: str) -> list[int]:
    store = open_store(url)
    try:
        store.migrate()
        with store.read_only() as uow:
            return uow.work_calendar.loaded_years()
    finally:
        store.close()


def test_load_then_show_a_year_the_package_does_not_know(cli_store: str, tmp_path: Path) -> None:
    path = tmp_path / "2031.csv"
    path.write_text(SCHEDULE_2031, encoding="utf-8")
    dry = runner.invoke(app, ["calendar", "load", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2031: 5 holidays, 2 make-up workdays" in dry.output and _loaded(cli_store) == []
    result = runner.invoke(app, ["calendar", "load", str(path), "--year", "2031", "--note", "国办发明电"])
    assert result.exit_code == 0, result.output
    assert _loaded(cli_store) == [2031]
    shown = runner.invoke(app, ["calendar", "show", "--year", "2031"])
    assert shown.exit_code == 0, shown.output
    assert "source loaded (2031.csv" in shown.output
    assert "2031-10-11" in shown.output and "makeup_workday" in shown.output


def test_a_file_with_bad_lines_writes_nothing_and_names_them(cli_store: str, tmp_path: Path) -> None:
    path = tmp_path / "2031.yaml"
    path.write_text("days:\n  - {date: 2031-10-01, kind: holiday, name: 国庆节}\n"
                    "  - {date: 2031-10-08, kind: workday, name: 国庆节}\n"
                    "  - {date: 2032-01-01, kind: holiday, name: 元旦}\n", encoding="utf-8")
    result = runner.invoke(app, ["calendar", "load", str(path)])
    assert result.exit_code == 1
    assert "line 3: workday 2031-10-08 is a Wednesday" in result.output
    assert "line 4: 2032-01-01 is not in 2031" in result.output
    assert _loaded(cli_store) == []
    for bad in (tmp_path / "x.txt", tmp_path / "missing.csv"):
        if bad.suffix == ".txt":
            bad.write_text("2031-10-01,holiday\n", encoding="utf-8")
        assert runner.invoke(app, ["calendar", "load", str(bad)]).exit_code == 1


def test_show_and_check_say_when_a_year_only_has_the_fallback(cli_store: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shown = runner.invoke(app, ["calendar", "show", "--year", "2040"])
    assert shown.exit_code == 0 and "source fallback" in shown.output and "Monday to Friday" in shown.output
    package = runner.invoke(app, ["calendar", "show", "--year", "2026"])
    assert "source package" in package.output and "2026-10-10" in package.output
    monkeypatch.setattr(gridwatch.cli_calendar, "_today", lambda: datetime(2030, 11, 20, 9, tzinfo=CHINA_TZ))
    check = runner.invoke(app, ["calendar", "check"])
    assert check.exit_code == 1 and "no holiday schedule for 2030, 2031" in check.output
    path = tmp_path / "2031.csv"
    path.write_text(SCHEDULE_2031, encoding="utf-8")
    monkeypatch.setattr(gridwatch.cli_calendar, "_today", lambda: datetime(2031, 11, 1, 9, tzinfo=CHINA_TZ))
    assert runner.invoke(app, ["calendar", "load", str(path)]).exit_code == 0
    check = runner.invoke(app, ["calendar", "check"])  # 61 days before 2032: only 2031 is needed
    assert check.exit_code == 0, check.output


def test_the_shipped_example_checks_and_says_it_is_an_example(cli_store: str) -> None:
    path = Path(__file__).resolve().parents[2] / "deploy" / "calendar" / "2027.example.csv"
    assert "EXAMPLE ONLY" in path.read_text(encoding="utf-8")
    result = runner.invoke(app, ["calendar", "load", str(path), "--dry-run"])
    assert result.exit_code == 0 and "2027: 6 holidays, 0 make-up workdays" in result.output
