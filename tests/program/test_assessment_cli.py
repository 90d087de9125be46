"""`gridwatch assessment`: a table per group, the API's CSV in a file, refusals exit 1; every backend."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import gridwatch.cli_assessment
from cases.models import CaseStatus, Platform
from gridwatch.cli import app
from storage import open_store
from tests.factories import T0, make_case

runner = CliRunner()


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setattr(gridwatch.cli_assessment, "console", Console(width=300))
    store = open_store(store_url)
    try:
        store.migrate()
        with store.unit_of_work() as uow:
            uow.cases.add(make_case("a", status=CaseStatus.CLOSED, handling_wh=4.0, on_time=True, satisfaction=4))
            uow.cases.add(make_case("b", platform=Platform.MARKET, status=CaseStatus.HANDLING))
    finally:
        store.close()
    return store_url


def test_table_by_platform(cli_store: str) -> None:
    result = runner.invoke(app, ["assessment", "--period", "2024-05", "--by", "platform"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    governance = next(line for line in lines if "governance" in line and "综治工作" in line)
    assert "100.0%" in governance and "4.0" in governance and "4.00 (1)" in governance
    market = next(line for line in lines if "market" in line and "市场监管" in line)
    assert "0.0%" in market and "— of 0" in market


def test_csv_file_is_the_api_export(cli_store: str, tmp_path: Path) -> None:
    out = tmp_path / "may.csv"
    result = runner.invoke(app, ["assessment", "--period", "2024-05", "--by", "total", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.open(encoding="utf-8-sig", newline="")))
    assert rows[0][0] == "分组 group" and rows[1][:4] == ["total", "合计 total", "2", "1"]


def test_a_bad_period_or_level_is_refused(cli_store: str) -> None:
    bad = runner.invoke(app, ["assessment", "--period", "2024-13"])
    assert bad.exit_code == 1 and "no such day, week or month" in bad.output
    level = runner.invoke(app, ["assessment", "--period", "2024", "--grid-level", "2"])
    assert level.exit_code == 1 and "only with --by grid" in level.output
