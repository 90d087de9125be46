"""gridwatch's periodic jobs, and starting them with the scheduler and the pool of worker processes.

`gridwatch worker` runs the jobs that happen once per period in the whole deployment (retention, the alert
clock, supervision, camera probes, the silent-team check) and the pool; `serve` and `ingest` run only the per-process job that
keeps their own indexes fresh; the demo runs all of it in its one process tree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cases.clock import CaseClock
from cases.locator import Locator
from cases.supervision_run import supervise_and_announce
from cases.notifier import Notifier
from gridwatch.alerting import check_alert_clock
from gridwatch.camera_probes import probe_cameras
from gridwatch.notifiers import notifier_for
from gridwatch.reporter_notices import NoticeDelivery, deliver_reporter_notices
from gridwatch.city_handoff import city_delivery
from gridwatch.dispatch_offers import expire_offers
from gridwatch.retention import RetentionPolicy, describe, prune
from gridwatch.settings import JobSettings, Settings
from gridwatch.snapshots import SnapshotSettings, SnapshotTaker
from gridwatch.team_silence import check_team_silence
from jobs.models import JobSpec
from jobs.pool import WorkerPool
from jobs.repository import JobRunRepository
from jobs.scheduler import RunsFactory, Scheduler, process_runner
from reports.filing import ReportArchive, file_last_week
from storage import Store

logger = logging.getLogger(__name__)

RETENTION = "retention"
INDEX_REFRESH = "index-refresh"
CAMERA_PROBES = "camera-probes"
SNAPSHOTS = "snapshots"
TEAM_SILENCE = "team-silence"
ALERT_CLOCK = "alert-clock"
SUPERVISION = "supervision"
REPORTER_NOTICES = "reporter-notices"
CITY_HANDOFF = "city-handoff"
DISPATCH_OFFERS = "dispatch-offers"
WEEKLY_REPORT = "weekly-report"


def store_job_runs(store: Store) -> RunsFactory:
    """Return what the scheduler opens for each claim and record: a unit of work's job runs."""
    @contextmanager
    def job_runs() -> Iterator[JobRunRepository]:
        with store.unit_of_work() as uow:
            yield uow.job_runs
    return job_runs


def retention_job(store: Store, settings: JobSettings) -> JobSpec:
    """Return the job deleting old feed entries, dead letters, readings and job runs."""
    policy = RetentionPolicy.from_settings(settings)
    return JobSpec(RETENTION, interval=timedelta(minutes=settings.retention_interval_minutes),
                   timeout=timedelta(minutes=settings.retention_timeout_minutes),
                   run=lambda now: describe(prune(store, policy, now=now)))


def team_silence_job(store: Store, settings: JobSettings) -> JobSpec:
    """Return the job marking silent the teams whose phones have not reported for GRIDWATCH_TEAM_SILENT_AFTER_S."""
    silent_after = timedelta(seconds=settings.team_silent_after_s)
    interval = timedelta(seconds=settings.team_silence_check_seconds)
    return JobSpec(TEAM_SILENCE, interval=interval, timeout=max(interval, timedelta(seconds=30)),
                   run=lambda now: check_team_silence(store, silent_after=silent_after, now=now))


def city_handoff_job(store: Store, settings: Settings) -> JobSpec:
    """Return the job sending the city outbox's due messages to GRIDWATCH_CITY_WEBHOOK_URL (gridwatch.city_handoff)."""
    delivery = city_delivery(store, settings.city)
    interval = timedelta(seconds=settings.city.delivery_interval_seconds)
    return JobSpec(CITY_HANDOFF, interval=interval, timeout=max(delivery.lease, interval),
                   run=lambda now: delivery.run(now).describe())


def index_refresh_job(store: Store, locator: Locator, settings: JobSettings) -> JobSpec:
    """Return the per-process job rebuilding this process's in-memory indexes whose source table changed."""
    def refresh(now: datetime) -> str:
        with store.read_only() as uow:
            locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        return "indexes match the store"

    interval = timedelta(seconds=settings.index_refresh_seconds)
    return JobSpec(INDEX_REFRESH, interval=interval, timeout=interval, run=refresh, per_process=True)


def alert_clock_job(store: Store, locator: Locator, settings: Settings,
                    case_clock: CaseClock | None = None) -> JobSpec:
    """Return the job evaluating the alert rules that run on the clock (silent devices) once per period."""
    interval = timedelta(seconds=settings.jobs.alert_clock_seconds)
    linking = settings.alerts.linking()
    return JobSpec(ALERT_CLOCK, interval=interval, timeout=interval * 4,
                   run=lambda now: check_alert_clock(store, locator, now, linking, case_clock))


def supervision_job(store: Store, case_clock: CaseClock, settings: Settings) -> JobSpec:
    """Return the job marking cases due soon and overdue and escalating them (督办), once per period."""
    interval = timedelta(seconds=settings.supervision.interval_seconds)
    policy = settings.supervision.policy()

    def supervise(now: datetime) -> str:
        with store.unit_of_work() as uow:
            return supervise_and_announce(uow, case_clock=case_clock, policy=policy, now=now).describe()

    return JobSpec(SUPERVISION, interval=interval, timeout=max(interval, timedelta(minutes=5)), run=supervise)


def reporter_notices_job(store: Store, settings: Settings, *, notifier: Notifier | None = None) -> JobSpec:
    """Return the job sending the notices owed to reporters through the notifier (the log or a file by default)."""
    reporters = settings.reporters
    chosen = notifier or notifier_for(reporters.notice_file)
    delivery = NoticeDelivery(link_base=reporters.link_base or f"http://{settings.http_bind}",
                              max_attempts=reporters.notice_max_attempts)
    interval = timedelta(seconds=reporters.notice_seconds)
    return JobSpec(REPORTER_NOTICES, interval=interval, timeout=max(interval * 4, timedelta(minutes=2)),
                   run=lambda now: deliver_reporter_notices(store, chosen, delivery, now=now))


def weekly_report_job(store: Store, settings: Settings) -> JobSpec:
    """Return the job filing last week's situation report (HTML and PDF) in data_dir/reports/weekly, once per week.

    It runs hourly and files only a week not filed yet: the first run after Monday 00:00 Beijing time files the
    week that ended, and a worker that was down on Monday catches up at its first run.
    """
    archive = ReportArchive(settings.data_dir / "reports")
    return JobSpec(WEEKLY_REPORT, interval=timedelta(hours=1), timeout=timedelta(minutes=10),
                   run=lambda now: file_last_week(store, archive, now=now))


def dispatch_offers_job(store: Store, locator: Locator, settings: JobSettings,
                        case_clock: CaseClock | None = None) -> JobSpec:
    """Return the job expiring lapsed team offers like declines (the next nearest team is offered)."""
    interval = timedelta(seconds=settings.dispatch_offer_check_seconds)
    return JobSpec(DISPATCH_OFFERS, interval=interval, timeout=max(interval * 4, timedelta(seconds=60)),
                   run=lambda now: expire_offers(store, locator, now=now, case_clock=case_clock))


def camera_probes_job(store: Store, pool: WorkerPool, locator: Locator, settings: Settings, *,
                      clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                      case_clock: CaseClock | None = None) -> JobSpec:
    """Return the job probing every camera with a stream URL on the pool and recording its health."""
    probes = settings.camera_probes
    thresholds = settings.video_diagnosis.thresholds()
    policy = settings.url_policy()
    return JobSpec(CAMERA_PROBES, interval=timedelta(minutes=probes.interval_minutes),
                   timeout=timedelta(minutes=probes.timeout_minutes),
                   run=lambda now: probe_cameras(store, pool, locator, probes, thresholds=thresholds, policy=policy,
                                                 clock=clock, case_clock=case_clock).describe())


def snapshot_job(store: Store, locator: Locator, pool: WorkerPool, settings: Settings) -> JobSpec:
    """Return the job taking the snapshots of new cases on the pool (see gridwatch.snapshots for why a job)."""
    live = settings.video_live
    taker = SnapshotTaker(store=store, locator=locator, pool=pool, files_dir=settings.data_dir / "attachments",
                          policy=settings.url_policy(),
                          settings=SnapshotSettings(cameras=live.snapshot_cameras, timeout_s=live.snapshot_timeout_s,
                                                    max_age=timedelta(minutes=live.snapshot_max_age_minutes)))
    return JobSpec(SNAPSHOTS, interval=timedelta(seconds=live.snapshot_interval_seconds),
                   timeout=timedelta(minutes=5), run=lambda now: taker.step(now).describe())


@dataclass
class WorkerRuntime:
    """The started scheduler and, where this process has one, the worker pool."""

    scheduler: Scheduler
    pool: WorkerPool | None = None
    probe_pool: WorkerPool | None = None

    def close(self) -> None:
        """Stop starting jobs, let the runs in flight end, then stop the worker processes."""
        self.scheduler.stop()
        for pool in (self.probe_pool, self.pool):
            if pool is not None:
                pool.close()


def start_worker_runtime(store: Store, locator: Locator, settings: Settings, *, label: str, retention: bool,
                         index_refresh: bool, pool: bool, camera_probes: bool = False,
                         team_silence: bool = False, case_clock: CaseClock | None = None) -> WorkerRuntime:
    """Start the pool if asked and the scheduler with the jobs asked for; runs are recorded as label@host:pid.

    The camera probes run on a pool of their own, started only with the pool: a probe mostly waits on a camera
    (a dead one holds its worker for the whole open timeout), so that pool has more processes than cores, and
    the CPU work (snapshots, later decoding) keeps the small one. case_clock (None: one from the settings) counts
    the deadlines of the cases the jobs open and supervise.
    """
    case_clock = case_clock or settings.calendar.case_clock()
    workers = WorkerPool(workers=settings.jobs.worker_processes) if pool else None
    probers = WorkerPool(workers=settings.camera_probes.workers) if pool and camera_probes else None
    jobs: list[JobSpec] = []
    if index_refresh:
        jobs.append(index_refresh_job(store, locator, settings.jobs))
    if retention:
        # The deployment's once-per-period jobs: whoever prunes the store also watches for silent devices.
        jobs.append(retention_job(store, settings.jobs))
        jobs.append(alert_clock_job(store, locator, settings, case_clock))
        jobs.append(supervision_job(store, case_clock, settings))
        jobs.append(reporter_notices_job(store, settings))
        jobs.append(city_handoff_job(store, settings))
        jobs.append(dispatch_offers_job(store, locator, settings.jobs, case_clock))
        jobs.append(weekly_report_job(store, settings))
    if team_silence:
        jobs.append(team_silence_job(store, settings.jobs))
    if probers is not None:
        jobs.append(camera_probes_job(store, probers, locator, settings, case_clock=case_clock))
    if workers is not None and settings.video_live.snapshot_cameras > 0:
        # Where the pool is, the snapshots of new cases are taken (the grabs run in its processes).
        jobs.append(snapshot_job(store, locator, workers, settings))
    scheduler = Scheduler(jobs, runs=store_job_runs(store), runner=process_runner(label),
                          clock=lambda: datetime.now(UTC))
    scheduler.start()
    return WorkerRuntime(scheduler, workers, probers)

