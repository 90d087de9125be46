"""The camera-probes job and `gridwatch cameras probe` over real clips and a port that never answers, both backends."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from alerts.models import AlertStatus
from cases.locator import Locator
from cases.models import CaseStatus, Platform
from cases.use_cases import CAMERA_RECOVERED
from gridwatch.cli import app
from gridwatch.jobs_wiring import CAMERA_PROBES, camera_probes_job
from gridwatch.settings import CameraProbeSettings, load_settings
from jobs.pool import PendingTask, WorkerPool
from storage import Store, open_store
from tests.factories import make_camera
from tests.video.diagnosis_clips import make_clip
from video.capture.pool import default_hard_timeout_s
from video.health import Health
from video.models import Credentials

SECRET = "s3cret-pass"
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
PROBES = CameraProbeSettings(frames=8, open_timeout_s=1.0, read_timeout_s=1.0, concurrency_factor=1, baseline_probes=3,
                             workers=2)
HARD_S = default_hard_timeout_s(count=PROBES.frames, open_timeout_s=PROBES.open_timeout_s,
                                read_timeout_s=PROBES.read_timeout_s)


class CountingPool(WorkerPool):
    """A real pool that counts the tasks submitted and not yet awaited: the probes in flight."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.in_flight = 0
        self.most_in_flight = 0

    def submit(self, fn: Any, *args: Any, timeout_s: float, name: str = "") -> PendingTask:
        task = super().submit(fn, *args, timeout_s=timeout_s, name=name)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        pool = self
        result = task.result

        def counted() -> Any:
            try:
                return result()
            finally:
                pool.in_flight -= 1
        task.result = counted  # type: ignore[method-assign]
        return task


@pytest.fixture(scope="module")
def pool() -> Iterator[CountingPool]:
    with CountingPool(workers=2) as counting:
        yield counting


@pytest.fixture(scope="module")
def video_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a healthy street clip and a frozen one (the SSRF guard's file root)."""
    root = tmp_path_factory.mktemp("probe-root")
    make_clip(root, "street")
    make_clip(root, "frozen")
    return root


def _settings(root: Path) -> Any:
    """Settings whose SSRF guard allows the clips' folder and 127.0.0.1, said explicitly."""
    return load_settings(video_sources={"file_root": str(root), "allowed_hosts": "127.0.0.1"}, camera_probes=PROBES)


def _clock(start: datetime) -> Any:
    ticks = iter(range(10_000))
    return lambda: start + timedelta(seconds=next(ticks))


def test_every_camera_is_probed_faults_open_one_case_each_and_recovery_clears(
        store: Store, pool: CountingPool, video_root: Path, unanswering_port: int, silent_port: int, rtsp_url: str,
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    flip = video_root / f"flip-{tmp_path.name}.mp4"  # each backend's run has its own
    shutil.copy(video_root / "frozen.mp4", flip)
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([
            make_camera("cam-ok", stream_url=f"file://{video_root}/street.mp4"),
            make_camera("cam-frozen", stream_url=f"file://{video_root}/frozen.mp4", owner="police"),
            make_camera("cam-dead", stream_url=f"rtsp://127.0.0.1:{unanswering_port}/live", owner="traffic"),
            make_camera("cam-flip", stream_url=f"file://{flip}"),
            make_camera("cam-none", stream_url=""),
            make_camera("cam-rtsp", stream_url=rtsp_url),
            make_camera("cam-silent", stream_url=f"http://127.0.0.1:{silent_port}/video"),
        ], credentials={"cam-rtsp": Credentials("viewer", SECRET)})
    settings = _settings(video_root)
    with store.read_only() as uow:
        revision = uow.cameras.revision()

    job = camera_probes_job(store, pool, Locator(), settings, clock=_clock(T0))
    assert job.name == CAMERA_PROBES and job.interval == timedelta(minutes=10)
    began = time.monotonic()
    detail = job.run(T0)
    elapsed = time.monotonic() - began
    # Six probes on two workers, two at a time: three rounds, each ended by the hard kill at the latest.
    assert elapsed < 3 * HARD_S + 5, detail
    assert SECRET not in caplog.text and "cam-rtsp" in caplog.text
    assert pool.most_in_flight <= pool.workers * PROBES.concurrency_factor
    assert "skipped 1" in detail

    with store.read_only() as uow:
        latest = uow.camera_health.latest()
        assert {k: v.status for k, v in latest.items()} == {
            "cam-ok": Health.OK, "cam-frozen": Health.FROZEN, "cam-dead": Health.OFFLINE, "cam-flip": Health.FROZEN,
            "cam-rtsp": Health.OK, "cam-silent": Health.OFFLINE}
        assert latest["cam-ok"].width == 320 and latest["cam-ok"].open_ms is not None
        assert "timed out" in latest["cam-dead"].detail or "cannot" in latest["cam-dead"].detail
        assert uow.cameras.revision() == revision  # health never rewrites the registry
        # The frame each probe was judged on is kept (the latest per camera); an offline probe has none.
        frame = uow.camera_health.probe_frame("cam-frozen")
        assert frame is not None and frame[0][:2] == b"\xff\xd8" and frame[1:] == (latest["cam-frozen"].probed_at, Health.FROZEN)
        assert uow.camera_health.probe_frame("cam-dead") is None
        alerts = {a.device_id: a for a in uow.alerts.list()}
        assert {k: (a.metric, a.sensor_kind, a.status) for k, a in alerts.items()} == {
            "cam-frozen": ("picture", "camera", AlertStatus.RAISED), "cam-dead": ("offline", "camera", AlertStatus.RAISED),
            "cam-flip": ("picture", "camera", AlertStatus.RAISED), "cam-silent": ("offline", "camera", AlertStatus.RAISED)}
        cases = {c.alert_id: c for c in uow.cases.list()}
        assert len(cases) == 4
        for alert in alerts.values():
            case = cases[alert.id]
            assert alert.case_id == case.id
            assert (case.category, case.platform, case.status) == ("camera_fault", Platform.GOVERNANCE,
                                                                  CaseStatus.ACCEPTED)
        assert "交警" in cases[alerts["cam-dead"].id].description
        assert "公安" in cases[alerts["cam-frozen"].id].description
        opened = [e for e in uow.feed.since(0, limit=100) if e.kind == "case.opened"]
        assert len(opened) == 4

    shutil.copy(video_root / "street.mp4", flip)  # the camera was repaired
    job = camera_probes_job(store, pool, Locator(), settings, clock=_clock(T0 + timedelta(minutes=10)))
    job.run(T0 + timedelta(minutes=10))

    with store.read_only() as uow:
        assert uow.camera_health.latest(["cam-flip"])["cam-flip"].status is Health.OK
        flipped = uow.camera_health.latest(["cam-flip"])["cam-flip"]
        assert uow.camera_health.probe_frame("cam-flip")[1:] == (flipped.probed_at, Health.OK)  # type: ignore[index]
        # The second probe of a healthy camera is judged against the focus of its first (its blur baseline).
        ok = uow.camera_health.latest(["cam-ok"])["cam-ok"]
        assert ok.status is Health.OK and ok.measures["baseline_focus"] == latest["cam-ok"].measures["focus"]
        assert len(uow.camera_health.history("cam-dead")) == 2
        alerts = {a.device_id: a for a in uow.alerts.list()}
        assert len(uow.alerts.list()) == 4 and len(uow.cases.list()) == 4  # folded, not raised again
        assert alerts["cam-frozen"].occurrences == alerts["cam-dead"].occurrences == 2
        assert alerts["cam-flip"].status is AlertStatus.CLEARED
        flip_case = uow.cases.get(alerts["cam-flip"].case_id)  # type: ignore[arg-type]
        assert flip_case is not None and flip_case.status is CaseStatus.ACCEPTED  # waits for the command room
        assert [e.action for e in uow.cases.events(flip_case.id)][-1] == CAMERA_RECOVERED  # type: ignore[arg-type]
        assert uow.cameras.revision() == revision


def test_a_url_the_guard_refuses_now_is_recorded_offline_without_being_opened(
        store: Store, pool: CountingPool, video_root: Path) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-meta", stream_url="http://169.254.169.254/latest")])
    settings = _settings(video_root)
    job = camera_probes_job(store, pool, Locator(), settings, clock=_clock(T0))
    job.run(T0)
    with store.read_only() as uow:
        record = uow.camera_health.latest()["cam-meta"]
    assert record.status is Health.OFFLINE and "not probed" in record.detail and record.open_ms is None


runner = CliRunner()


def test_the_cli_probes_writes_health_and_prints_the_faulty(
        store_url: str, video_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.setenv("GRIDWATCH_VIDEO_FILE_ROOT", str(video_root))
    monkeypatch.setenv("GRIDWATCH_WORKER_PROCESSES", "1")
    store = open_store(store_url)
    try:
        with store.unit_of_work() as uow:
            uow.cameras.upsert_many([make_camera("cam-ok", stream_url=f"file://{video_root}/street.mp4"),
                                     make_camera("cam-frozen", stream_url=f"file://{video_root}/frozen.mp4")])
        done = runner.invoke(app, ["cameras", "probe", "cam-ok"])
        assert done.exit_code == 0, done.output
        assert "ok" in done.output and "faulty" not in done.output
        done = runner.invoke(app, ["cameras", "probe", "--all"])
        assert done.exit_code == 1, done.output
        assert "cam-frozen" in done.output and "frozen" in done.output and "1 faulty cameras" in done.output
        with store.read_only() as uow:
            assert len(uow.camera_health.history("cam-ok")) == 2
            assert [a.device_id for a in uow.alerts.list()] == ["cam-frozen"]
        assert runner.invoke(app, ["cameras", "probe"]).exit_code == 2
        assert runner.invoke(app, ["cameras", "probe", "cam-nope"]).exit_code == 2
    finally:
        store.close()


def test_an_unchanged_fault_whose_alert_was_closed_by_hand_raises_nothing_until_it_changes(store: Store) -> None:
    from alerts.service import clear_alert
    from cases.use_cases import camera_health_changed

    camera = make_camera("cam-x")
    locator = Locator()

    def changed(previous: Health | None, current: Health, at: datetime) -> Any:
        with store.unit_of_work() as uow:
            return camera_health_changed(uow, locator=locator, camera=camera, previous=previous, current=current,
                                         detail="test", at=at)

    first = changed(None, Health.FROZEN, T0)
    assert first.is_new and first.case is not None
    with store.unit_of_work() as uow:
        clear_alert(repo=uow.alerts, alert_id=first.alert.id, at=T0)
    assert changed(Health.FROZEN, Health.BLURRED, T0 + timedelta(minutes=10)).alert is None  # same family
    again = changed(Health.BLURRED, Health.OFFLINE, T0 + timedelta(minutes=20))  # another family: a change
    assert again.is_new and again.alert.metric == "offline"
    with store.read_only() as uow:
        assert len(uow.alerts.list()) == 2 and len(uow.cases.list()) == 2
