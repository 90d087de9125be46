"""gridwatch's jobs: retention keeps what is young on every backend, and the runtime runs and records its jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cases.locator import Locator
from gridwatch.cli import app
from gridwatch.jobs_wiring import (ALERT_CLOCK, CAMERA_PROBES, CITY_HANDOFF, DISPATCH_OFFERS, INDEX_REFRESH,
                                   REPORTER_NOTICES, RETENTION, SNAPSHOTS, SUPERVISION, TEAM_SILENCE,
                                   WEEKLY_REPORT, start_worker_runtime)
from gridwatch.retention import RetentionPolicy, describe, prune
from gridwatch.settings import load_settings
from jobs.models import JobOutcome, JobRun
from storage import Store, open_store
from tests.factories import at, make_dead_letter, make_grid, make_health, make_reading, make_track_point

DAY = timedelta(days=1)


def test_prune_deletes_rows_past_each_retention_in_batches_and_keeps_younger_ones(store: Store) -> None:
    now = at(0) + 400 * DAY
    with store.unit_of_work() as uow:
        uow.readings.add_many([make_reading(ts=now - days * DAY) for days in (366, 367, 368, 364, 1)])
        for days in (91, 89):
            uow.dead_letters.add(make_dead_letter(received_at=now - days * DAY, reason=f"{days} days"))
        for days in (8, 8, 8, 6):
            uow.feed.append("case.created", {"days": days}, at=now - days * DAY)
        uow.job_runs.claim(JobRun(job="retention", lease="", period=1, started_at=now - 31 * DAY, runner="w"),
                           busy_since=now - 32 * DAY)
        for days in (31, 29):
            uow.camera_health.record(make_health("cam-1", now - days * DAY))
        for days in (33, 31, 2):
            uow.team_positions.add(make_track_point(ts=now - days * DAY))
    policy = RetentionPolicy(feed=7 * DAY, dead_letters=90 * DAY, readings=365 * DAY, job_runs=30 * DAY,
                             camera_health=30 * DAY, team_positions=30 * DAY, batch=2)

    deleted = prune(store, policy, now=now)

    assert deleted == {"feed": 3, "dead_letters": 1, "readings": 3, "job_runs": 1, "camera_health": 1,
                       "team_positions": 2, "quarantine": 0}
    assert describe(deleted) == ("deleted feed 3, dead_letters 1, readings 3, job_runs 1, camera_health 1,"
                                 " team_positions 2, quarantine 0")
    with store.unit_of_work() as uow:
        assert sorted(r.ts for r in uow.readings.list(device_id="aq-001")) == [now - 364 * DAY, now - DAY]
        assert [d.reason for d in uow.dead_letters.list()] == ["89 days"]
        assert [e.payload for e in uow.feed.since(0)] == [{"days": 6}]
        assert uow.job_runs.latest() == []
        assert [h.probed_at for h in uow.camera_health.history("cam-1")] == [now - 29 * DAY]
        assert [p.ts for p in uow.team_positions.list("gov-1")] == [now - 2 * DAY]
    assert prune(store, policy, now=now) == {"feed": 0, "dead_letters": 0, "readings": 0, "job_runs": 0,
                                             "camera_health": 0, "team_positions": 0, "quarantine": 0}


def test_the_runtime_runs_retention_and_the_index_refresh_and_records_both(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01")])
    locator = Locator()
    runtime = start_worker_runtime(store, locator, load_settings(), label="test", retention=True, index_refresh=True,
                                   pool=False)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # polls for the first tick's two runs; the outcome is read after
            with store.unit_of_work() as uow:
                latest = {r.job: r for r in uow.job_runs.latest()}
            if all(job in latest and latest[job].finished_at for job in (RETENTION, INDEX_REFRESH)):
                break
            time.sleep(0.05)
    finally:
        runtime.close()
    assert latest[RETENTION].outcome is JobOutcome.OK and latest[RETENTION].detail.startswith("deleted feed 0")
    assert latest[RETENTION].lease == "" and latest[RETENTION].runner.startswith("test@")
    assert latest[INDEX_REFRESH].outcome is JobOutcome.OK and latest[INDEX_REFRESH].lease == runtime.scheduler.runner
    assert locator.grid_path(*make_grid("T01").geometry.centroid.coords[0]) == ("T01",)


def test_camera_probes_get_a_pool_of_their_own_sized_apart_from_the_cpu_pool(store: Store) -> None:
    settings = load_settings(jobs={"worker_processes": 1, "retention_interval_minutes": 60},
                             camera_probes={"workers": 3, "interval_minutes": 60})
    runtime = start_worker_runtime(store, Locator(), settings, label="test", retention=False, index_refresh=False,
                                   pool=True, camera_probes=True)
    try:
        assert runtime.pool is not None and runtime.probe_pool is not None
        assert (runtime.pool.workers, runtime.probe_pool.workers) == (1, 3)
        assert CAMERA_PROBES in {job.name for job in runtime.scheduler.jobs}
    finally:
        runtime.close()


def test_jobs_list_shows_the_last_run_of_each_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("GRIDWATCH_STORE_URL", url)
    runner = CliRunner()
    assert "no job has run yet" in runner.invoke(app, ["jobs", "list"]).output
    store = open_store(url)
    try:
        with store.unit_of_work() as uow:
            uow.job_runs.claim(JobRun(job="retention", lease="", period=7, started_at=at(0), runner="worker@h:1"),
                               busy_since=at(-1))
            uow.job_runs.finish(job="retention", lease="", period=7, outcome=JobOutcome.FAILED, detail="disk full",
                                finished_at=at(1))
    finally:
        store.close()
    shown = runner.invoke(app, ["jobs", "list"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "retention" in shown.output and "failed" in shown.output and "worker@h:1" in shown.output
    assert "disk full" in shown.output


# What `gridwatch worker` runs: the jobs of the deployment and those that need the pool.
WORKER_JOBS = {RETENTION, ALERT_CLOCK, CAMERA_PROBES, SNAPSHOTS, TEAM_SILENCE, SUPERVISION, REPORTER_NOTICES,
               CITY_HANDOFF, DISPATCH_OFFERS, WEEKLY_REPORT}


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_gridwatch_worker_runs_its_jobs_and_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    url = f"sqlite:///{tmp_path}/worker.db"
    env = {**os.environ, "GRIDWATCH_STORE_URL": url, "GRIDWATCH_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    # A fresh session: the worker's signals are the test's to send, not inherited from the shell's job control.
    worker = subprocess.Popen([sys.executable, "-m", "gridwatch", "worker"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        finished: dict[str, JobRun] = {}
        deadline = time.monotonic() + 60
        while len(finished) < len(WORKER_JOBS) and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
            if not (tmp_path / "worker.db").exists():
                continue
            store = open_store(url)
            try:
                with store.unit_of_work() as uow:
                    finished = {r.job: r for r in uow.job_runs.latest() if r.finished_at}
            except Exception:  # noqa: BLE001 - the worker may still be migrating
                pass
            finally:
                store.close()
        assert set(finished) == WORKER_JOBS, f"the worker finished only {sorted(finished)}"
    finally:
        worker.send_signal(stop)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            pytest.fail("gridwatch worker did not stop within 20 s")
    assert worker.returncode == 0, output
    for run in finished.values():
        assert run.outcome is JobOutcome.OK and run.runner.startswith("worker@"), run
    assert finished[CAMERA_PROBES].detail.startswith("probed 0 cameras")
    assert finished[SUPERVISION].detail.startswith("supervision: 0 cases")
    assert "filed (html, pdf)" in finished[WEEKLY_REPORT].detail and list((tmp_path / "reports" / "weekly").glob("*.pdf"))
