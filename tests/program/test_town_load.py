"""`gridwatch town load` of a second town: refused unless --replace, which swaps towns cleanly; every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridwatch.cli import app
from storage import open_store
from tests.factories import make_case
from town.files import write_town
from town.generate import generate_town

runner = CliRunner()


@pytest.fixture(scope="module")
def towns(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Write the synthetic towns of seeds 7 (杨胜镇, 289 grids) and 3 (团沙镇, 271 grids) once."""
    root = tmp_path_factory.mktemp("towns")
    return {seed: write_town(generate_town(seed), root / f"seed{seed}")[0].parent for seed in (7, 3)}


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    return store_url


def _contents(url: str) -> dict[str, object]:
    store = open_store(url)
    try:
        with store.unit_of_work() as uow:
            return {"grids": {g.code: g.name for g in uow.grids.all()}, "devices": {d.id for d in uow.devices.all()},
                    "cameras": {c.id: (c.lon, c.lat) for c in uow.cameras.all()},
                    "teams": {t.id: (t.name, t.position) for t in uow.teams.all()},
                    "cases": [c.title for c in uow.cases.list(limit=10)]}
    finally:
        store.close()


def _expected(seed: int) -> dict[str, object]:
    town = generate_town(seed)
    return {"grids": {g.code: g.name for g in town.grids}, "devices": {d.id for d in town.devices},
            "cameras": {c.id: (c.lon, c.lat) for c in town.cameras},
            "teams": {t.id: (t.name, t.position) for t in town.teams}}


def test_the_same_town_loads_again_and_another_is_refused_naming_both(cli_store: str, towns: dict[int, Path]) -> None:
    assert runner.invoke(app, ["town", "load", str(towns[7])]).exit_code == 0
    again = runner.invoke(app, ["town", "load", str(towns[7])])
    assert again.exit_code == 0, again.output
    before = _contents(cli_store)
    refused = runner.invoke(app, ["town", "load", str(towns[3])])
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    assert "refused" in said and "321283101 杨胜镇" in said and "321283101 团沙镇" in said and "--replace" in said
    assert _contents(cli_store) == before
    assert len(before["grids"]) == 289  # type: ignore[arg-type]


def test_replace_swaps_grids_sensors_cameras_and_teams_and_keeps_cases(cli_store: str,
                                                                       towns: dict[int, Path]) -> None:
    assert runner.invoke(app, ["town", "load", str(towns[7])]).exit_code == 0
    store = open_store(cli_store)
    try:
        with store.unit_of_work() as uow:
            uow.cases.add(make_case("Reported in 杨胜镇"))
    finally:
        store.close()
    replaced = runner.invoke(app, ["town", "load", str(towns[3]), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    after = _contents(cli_store)
    assert after["cases"] == ["Reported in 杨胜镇"]
    assert {k: v for k, v in after.items() if k != "cases"} == _expected(3)
    assert len(after["grids"]) == 271  # type: ignore[arg-type]
