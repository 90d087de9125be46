"""`gridwatch report weekly`: both files written for a week, a bad week refused with exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridwatch.cli import app
from storage import open_store
from tests.conftest import _empty_store_url
from tests.reports.seed import seed_weeks

runner = CliRunner()


@pytest.fixture
def cli_store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = _empty_store_url("sqlite", request, tmp_path)
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    store = open_store(url)
    try:
        seed_weeks(store, cases_per_week=20)
    finally:
        store.close()
    return url


def test_weekly_writes_the_html_and_the_pdf(cli_store: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "weekly", "--week", "2026-W48", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote the weekly report 2026-W48 (2026-11-23 to 2026-11-29, Beijing time, 23 received)" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["2026-W48.html", "2026-W48.pdf"]
    assert (out / "2026-W48.pdf").read_bytes().startswith(b"%PDF")
    assert "社会治理形势分析报告" in (out / "2026-W48.html").read_text(encoding="utf-8")


def test_one_format_into_the_data_folder_by_default(cli_store: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "weekly", "--week", "2026-W47", "--format", "html"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "data" / "reports" / "weekly"
    assert [p.name for p in folder.iterdir()] == ["2026-W47.html"]
    # Without a PDF beside it, the page does not link one.
    assert "2026-W47.pdf" not in (folder / "2026-W47.html").read_text(encoding="utf-8")


def test_a_bad_week_is_refused(cli_store: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "weekly", "--week", "2026-W60", "--out", str(tmp_path / "none")])
    assert result.exit_code == 1 and "--week '2026-W60': year 2026 has no ISO week 60" in result.output
    assert not (tmp_path / "none").exists()
