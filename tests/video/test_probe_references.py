"""Issue 8 point 3 in the probe cycle: a camera's own thresholds and its reference frame, real clips, both backends."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cases.locator import Locator
from gridwatch.cli import app
from gridwatch.jobs_wiring import camera_probes_job
from gridwatch.settings import CameraProbeSettings, load_settings
from jobs.pool import WorkerPool
from storage import Store, open_store
from tests.factories import make_camera
from tests.video.diagnosis_clips import make_clip
from video.health import Health

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
PROBES = CameraProbeSettings(frames=8, open_timeout_s=2.0, read_timeout_s=2.0, concurrency_factor=1, baseline_probes=3,
                             workers=2)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(workers=2) as workers:
        yield workers


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reference-clips")
    for name in ("street", "turned", "panned", "dark"):
        make_clip(root, name)
    return root


def _settings(root: Path) -> Any:
    return load_settings(video_sources={"file_root": str(root)}, camera_probes=PROBES)


def _cycle(store: Store, pool: WorkerPool, root: Path, at: datetime) -> dict[str, Health]:
    ticks = iter(range(10_000))
    job = camera_probes_job(store, pool, Locator(), _settings(root),
                            clock=lambda: at + timedelta(seconds=next(ticks)))
    job.run(at)
    with store.read_only() as uow:
        return {k: v.status for k, v in uow.camera_health.latest().items()}


def test_a_camera_turned_after_its_first_healthy_probe_is_scene_changed(
        store: Store, pool: WorkerPool, clips: Path, tmp_path: Path) -> None:
    turned, panned, steady = (tmp_path / f"{name}.mp4" for name in ("turned", "panned", "steady"))
    for path in (turned, panned, steady):
        shutil.copy(clips / "street.mp4", path)
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera(f"cam-{p.stem}", stream_url=f"file://{p}") for p in (turned, panned,
                                                                                                   steady)])
        revision = uow.cameras.revision()
    first = _cycle(store, pool, tmp_path, T0)
    assert first == {"cam-turned": Health.OK, "cam-panned": Health.OK, "cam-steady": Health.OK}
    with store.read_only() as uow:
        assert uow.camera_health.reference("cam-turned") is not None  # learnt from the first healthy probe
        assert uow.cameras.revision() == revision  # learning it never rewrites the registry

    shutil.copy(clips / "turned.mp4", turned)
    shutil.copy(clips / "panned.mp4", panned)
    second = _cycle(store, pool, tmp_path, T0 + timedelta(minutes=10))
    assert second == {"cam-turned": Health.SCENE_CHANGED, "cam-panned": Health.SCENE_CHANGED,
                      "cam-steady": Health.OK}
    with store.read_only() as uow:
        steady_now = uow.camera_health.latest(["cam-steady"])["cam-steady"]
        assert steady_now.measures["scene_similarity"] >= 0.45
        assert uow.cameras.revision() == revision
        alerts = {a.device_id for a in uow.alerts.list()}
    assert alerts == {"cam-turned", "cam-panned"}


def test_a_reset_reference_is_learnt_again_from_the_next_healthy_probe(
        store: Store, pool: WorkerPool, clips: Path, tmp_path: Path) -> None:
    view = tmp_path / "view.mp4"
    shutil.copy(clips / "street.mp4", view)
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-moved", stream_url=f"file://{view}")])
    assert _cycle(store, pool, tmp_path, T0)["cam-moved"] is Health.OK
    shutil.copy(clips / "turned.mp4", view)  # turned on purpose: the operator resets the reference
    with store.unit_of_work() as uow:
        uow.camera_health.set_reference("cam-moved", None, at=T0)
    assert _cycle(store, pool, tmp_path, T0 + timedelta(minutes=10))["cam-moved"] is Health.OK
    assert _cycle(store, pool, tmp_path, T0 + timedelta(minutes=20))["cam-moved"] is Health.OK
    shutil.copy(clips / "street.mp4", view)  # the new reference is the turned view: back is a change
    assert _cycle(store, pool, tmp_path, T0 + timedelta(minutes=30))["cam-moved"] is Health.SCENE_CHANGED


def test_a_dark_camera_with_its_own_dark_threshold_is_not_dark(
        store: Store, pool: WorkerPool, clips: Path) -> None:
    dark = f"file://{clips}/dark.mp4"
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-river", stream_url=dark, diagnosis_overrides={"dark_luma": 10}),
                                 make_camera("cam-road", stream_url=dark)])
    with store.read_only() as uow:
        # The clip's mean luma is about 12: a river by night the operator accepts down to 10.
        assert uow.cameras.get("cam-river").diagnosis_overrides == {"dark_luma": 10.0}  # type: ignore[union-attr]
    health = _cycle(store, pool, clips, T0)
    assert health["cam-road"] is Health.DARK
    assert health["cam-river"] is not Health.DARK and not health["cam-river"].is_fault


runner = CliRunner()


def test_import_refuses_an_unknown_override_exports_and_resets_from_the_cli(
        store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    path = tmp_path / "cameras.csv"
    path.write_text(
        "id,name,lon,lat,bearing_deg,fov_deg,range_m,diagnosis_overrides\n"
        'cam-river,River,113.61,22.77,90,60,150,"{""dark_luma"": 15}"\n'
        'cam-typo,Typo,113.61,22.77,90,60,150,"{""dark_lumen"": 15}"\n'
        'cam-text,Text,113.61,22.77,90,60,150,dark\n', encoding="utf-8")
    result = runner.invoke(app, ["cameras", "import", str(path)])
    assert result.exit_code == 1, result.output
    out = " ".join(result.output.split())
    assert "line 3" in out and "diagnosis_overrides" in out and "dark_lumen" in out
    assert "line 4" in out and "not JSON" in out
    store = open_store(store_url)
    try:
        with store.read_only() as uow:
            assert uow.cameras.get("cam-river").diagnosis_overrides == {"dark_luma": 15.0}  # type: ignore[union-attr]
            assert uow.cameras.get("cam-typo") is None
        exported = runner.invoke(app, ["cameras", "export", "--format", "geojson"])
        assert '"dark_luma": 15.0' in exported.output
        csv_out = runner.invoke(app, ["cameras", "export"]).output
        assert '"{""dark_luma"": 15.0}"' in csv_out
        with store.unit_of_work() as uow:
            uow.camera_health.set_reference("cam-river", b"jpeg", at=T0)
        reset = runner.invoke(app, ["cameras", "reference", "cam-river", "--reset"])
        assert reset.exit_code == 0 and "forgotten" in reset.output, reset.output
        with store.read_only() as uow:
            assert uow.camera_health.reference("cam-river") is None
        assert runner.invoke(app, ["cameras", "reference", "cam-nope", "--reset"]).exit_code == 2
    finally:
        store.close()
