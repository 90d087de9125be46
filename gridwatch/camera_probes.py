"""The probe cycle: every camera with a stream URL probed on the worker pool, its health recorded apart from it.

A few probes at a time (pool workers × a factor): the pool queues what it is given, and a probe waiting in its
queue would count its wait against its own timeout. Results are awaited in the order they were submitted, so
the probe awaited has nothing ahead of it in the pool and its hard timeout is its own. Each result is written
in a transaction of its own with the alert it raises, folds or clears (cases.use_cases.camera_health_changed).
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

import numpy as np

from cases.clock import CaseClock
from cases.locator import Locator
from cases.use_cases import camera_health_changed
from gridwatch.settings import CameraProbeSettings
from jobs.pool import WorkerPool
from storage import Store
from video.capture import Capture, submit_probe
from video.capture.pool import PendingProbe
from video.diagnosis import Baseline, Thresholds
from video.errors import VideoError
from video.health import Health
from video.models import Camera, Credentials, HealthRecord
from video.probe import judge
from video.reference import decode_reference, encode_reference
from video.repository import CameraHealthRepository
from video.urls import UrlPolicy, check_stream_url, redact_url, stream_url_with_credentials

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
OnResult = Callable[[Camera, HealthRecord], None]
# Healthy probes looked at to learn a camera's focus baseline: a few more than used, as faulty ones are skipped.
_HISTORY_PER_BASELINE = 3


@dataclass
class CycleReport:
    """What a probe cycle did: health per camera probed, how many were skipped, alerts raised and cleared."""

    health: dict[str, HealthRecord] = field(default_factory=dict)
    skipped: int = 0
    raised: int = 0
    cleared: int = 0

    def counts(self) -> Counter[str]:
        """Return how many cameras ended in each status."""
        return Counter(record.status.value for record in self.health.values())

    def faulty(self) -> list[HealthRecord]:
        """Return the faulty cameras' records, by camera id."""
        return sorted((r for r in self.health.values() if r.status.is_fault), key=lambda r: r.camera_id)

    def describe(self) -> str:
        """Return a line for the job run's record."""
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts().items())) or "none"
        return (f"probed {len(self.health)} cameras ({counts}); skipped {self.skipped} without a stream URL; "
                f"alerts raised {self.raised}, cleared {self.cleared}")


def probe_cameras(store: Store, pool: WorkerPool, locator: Locator, settings: CameraProbeSettings, *,
                  thresholds: Thresholds, policy: UrlPolicy, clock: Clock, camera_ids: Iterable[str] | None = None,
                  on_result: OnResult | None = None, case_clock: CaseClock | None = None) -> CycleReport:
    """Probe the cameras (all, or these ids) with at most workers × factor in flight; record each result."""
    report = CycleReport()
    with store.read_only() as uow:
        # Grids for the alerts' grid paths; a process without the index-refresh job (the worker) loads them here.
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        cameras = _chosen(uow.cameras.all(), camera_ids)
        probed = [c for c in cameras if c.stream_url]
        report.skipped = len(cameras) - len(probed)
        baselines = {c.id: _baseline(uow.camera_health, c.id, settings.baseline_probes) for c in probed}
        credentials = {c.id: uow.cameras.credentials(c.id) for c in probed if c.has_credentials}
        references = {c.id: _reference(uow.camera_health, c.id) for c in probed}
    # A camera's own thresholds: checked at import, checked again here (a row written by other means).
    own = {c.id: _thresholds(thresholds, c) for c in probed}
    limit = pool.workers * settings.concurrency_factor
    in_flight: deque[tuple[Camera, PendingProbe | Capture]] = deque()

    def finish_oldest() -> None:
        camera, pending = in_flight.popleft()
        _finish(store, locator, camera, pending, thresholds=own[camera.id], baseline=baselines.get(camera.id),
                reference=references.get(camera.id), clock=clock, report=report, on_result=on_result,
                case_clock=case_clock)

    for camera in probed:
        if len(in_flight) >= limit:
            finish_oldest()
        in_flight.append((camera, _start(pool, camera, credentials.get(camera.id), settings=settings, policy=policy)))
    while in_flight:
        finish_oldest()
    logger.info("camera probes: %s", report.describe())
    return report


def _chosen(cameras: list[Camera], camera_ids: Iterable[str] | None) -> list[Camera]:
    if camera_ids is None:
        return cameras
    wanted = set(camera_ids)
    return [c for c in cameras if c.id in wanted]


def _baseline(health: CameraHealthRepository, camera_id: str, probes: int) -> Baseline | None:
    """Return the median focus of the camera's last healthy probes, or None before it has had one."""
    if probes <= 0:
        return None
    focus = [r.measures["focus"] for r in health.history(camera_id, limit=probes * _HISTORY_PER_BASELINE)
             if r.status is Health.OK and isinstance(r.measures.get("focus"), int | float)][:probes]
    return Baseline(focus=float(median(focus))) if focus else None


def _reference(health: CameraHealthRepository, camera_id: str) -> np.ndarray | None:
    """Return the camera's reference frame, or None before its first healthy probe (or when unreadable)."""
    jpeg = health.reference(camera_id)
    if jpeg is None:
        return None
    frame = decode_reference(jpeg)
    if frame is None:
        logger.warning("camera %s: reference frame unreadable; the next healthy probe learns a new one", camera_id)
    return frame


def _thresholds(thresholds: Thresholds, camera: Camera) -> Thresholds:
    """Return the settings' thresholds with the camera's overrides; bad overrides are logged and ignored."""
    if not camera.diagnosis_overrides:
        return thresholds
    try:
        return thresholds.with_overrides(camera.diagnosis_overrides, where=f"camera {camera.id}")
    except VideoError as exc:
        logger.warning("%s; the settings' thresholds are used", exc)
        return thresholds


def _start(pool: WorkerPool, camera: Camera, credentials: Credentials | None, *, settings: CameraProbeSettings,
           policy: UrlPolicy) -> PendingProbe | Capture:
    """Submit the camera's probe, or return an offline Capture when the SSRF guard refuses its URL now."""
    shown = redact_url(camera.stream_url)
    try:
        # Again just before opening: a name may resolve elsewhere than when the camera was imported.
        check_stream_url(camera.stream_url, policy, where=f"camera {camera.id} stream_url")
    except VideoError as exc:
        logger.warning("camera %s: not probed: %s", camera.id, exc)
        return Capture(source=shown, error=f"not probed: {exc}")
    url = stream_url_with_credentials(camera, credentials)
    logger.debug("camera %s: probing %s", camera.id, shown)
    return submit_probe(pool, url, count=settings.frames, open_timeout_s=settings.open_timeout_s,
                        read_timeout_s=settings.read_timeout_s)


def _finish(store: Store, locator: Locator, camera: Camera, pending: PendingProbe | Capture, *,
            thresholds: Thresholds, baseline: Baseline | None, reference: np.ndarray | None,
            clock: Clock, report: CycleReport, on_result: OnResult | None,
            case_clock: CaseClock | None = None) -> None:
    """Wait for one probe, judge it, record its health and raise, fold or clear the camera's alert."""
    capture = pending if isinstance(pending, Capture) else pending.result()
    result = judge(capture, thresholds=thresholds, baseline=baseline, reference=reference)
    diagnosis = result.diagnosis
    at = clock()
    record = HealthRecord(camera_id=camera.id, probed_at=at, status=diagnosis.status, measures=dict(diagnosis.measures),
                          open_ms=capture.open_ms, width=capture.width, height=capture.height,
                          fps=capture.fps_measured or capture.fps_reported, detail=diagnosis.detail)
    with store.unit_of_work() as uow:
        before = uow.camera_health.latest([camera.id]).get(camera.id)
        uow.camera_health.record(record)
        if diagnosis.frame_index is not None:
            # The frame used is part of the result: the command room sees what the diagnosis saw.
            uow.camera_health.set_probe_frame(camera.id, encode_reference(capture.frames[diagnosis.frame_index]),
                                              at=at, status=record.status)
        if reference is None and record.status is Health.OK and diagnosis.frame_index is not None:
            # The first healthy picture is the scene this camera is meant to see; later probes compare with it.
            uow.camera_health.set_reference(camera.id, encode_reference(capture.frames[diagnosis.frame_index]), at=at)
        outcome = camera_health_changed(uow, locator=locator, camera=camera,
                                        previous=before.status if before else None, current=record.status,
                                        detail=record.detail, at=at, case_clock=case_clock)
    report.health[camera.id] = record
    report.raised += int(outcome.is_new)
    report.cleared += len(outcome.cleared)
    if record.status.is_fault:
        logger.info("camera %s: %s (%s)", camera.id, record.status.value, record.detail)
    if on_result is not None:
        on_result(camera, record)
