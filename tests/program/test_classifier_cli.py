"""`gridwatch classifier export` writes corrections as training data; `train --with-corrections` measures; every backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import gridwatch.cli_classifier
from cases.classify import read_labelled_csv
from cases.taxonomy_store import Correction
from gridwatch.cli import app
from storage import open_store

runner = CliRunner()
T0 = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setattr(gridwatch.cli_classifier, "console", Console(width=300))
    store = open_store(store_url)
    try:
        with store.unit_of_work() as uow:
            for text, predicted, corrected in (("桥洞下面有人睡觉，天很冷", "other", "civil_relief"),
                                               ("村口大喇叭一直响", "illegal_ads", "noise_nuisance")):
                uow.classification_corrections.add(Correction(
                    text=text, predicted=predicted, corrected=corrected, confidence=0.3, corrected_by="operator",
                    corrected_at=T0, channel="grid_staff"))
    finally:
        store.close()
    return store_url


def test_export_writes_every_correction_with_the_labelled_sets_columns(cli_store: str, tmp_path: Path) -> None:
    out = tmp_path / "corrections.csv"
    done = runner.invoke(app, ["classifier", "export", "--out", str(out)])
    assert done.exit_code == 0, done.output
    rows = read_labelled_csv(out.read_text(encoding="utf-8"))
    assert [(r.category, r.channel) for r in rows] == [("civil_relief", "grid_staff"), ("noise_nuisance", "grid_staff")]


def test_export_to_a_folder_is_refused_and_writes_nothing(cli_store: str, tmp_path: Path) -> None:
    done = runner.invoke(app, ["classifier", "export", "--out", str(tmp_path)])
    assert done.exit_code == 1 and "is a folder" in done.output


def test_train_with_corrections_prints_held_out_accuracy(cli_store: str) -> None:
    done = runner.invoke(app, ["classifier", "train", "--with-corrections"])
    assert done.exit_code == 0, done.output
    figures = json.loads(done.output.strip().splitlines()[-1])
    assert figures["corrections"] == 2 and figures["combined"]["accuracy"] > 0.7
