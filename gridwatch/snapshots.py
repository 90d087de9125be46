"""Snapshots of a new case: frames from its best covering healthy cameras, attached to it, as background work.

Why not in the ingest's or a request's transaction: a grab can take seconds (open and read timeouts), and a
transaction held that long blocks the ingest and the store's writers. The pending requests are the live feed's
`case.opened` entries, which every channel (ingest, API, demo) already writes in the transaction that opens the
case: no new table, and a request exists exactly when the case was committed. The worker keeps its place in
the feed in memory; after a restart it reads the feed again and skips cases too old or already photographed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from cases import feed as payloads
from cases.locator import Locator
from cases.models import CaseEvent
from jobs.pool import WorkerPool
from storage import Store
from video.capture import Capture, encode_jpeg, submit_probe
from video.capture.pool import PendingProbe
from video.errors import VideoError
from video.health import Health
from video.models import Camera
from video.urls import UrlPolicy, check_stream_url, redact_url, stream_url_with_credentials

logger = logging.getLogger(__name__)

ATTACH = "attach"  # the action api.routes.attachments serves files of
SNAPSHOT = "snapshot"  # data["kind"] of a snapshot's attach event
ACTOR = "system:snapshot"
CANDIDATES = 8  # covering cameras looked at per case, nearest first
FEED_PAGE = 500


@dataclass(frozen=True, slots=True)
class SnapshotSettings:
    """How many cameras per case, the grab's timeout, and how old a case may be to still get snapshots."""

    cameras: int = 2
    timeout_s: float = 5.0
    max_age: timedelta = timedelta(minutes=30)


@dataclass
class StepReport:
    """What one step did: cases looked at, snapshots attached, cameras that gave no picture."""

    cases: int = 0
    taken: int = 0
    failed: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Return the report as a line for the job run's record."""
        return f"{self.cases} new cases, {self.taken} snapshots, {len(self.failed)} cameras without a picture"


def is_healthy(camera: Camera, status: Health | None) -> bool:
    """Return whether a snapshot is worth trying: a stream URL and a last probe that was OK (or none yet)."""
    return bool(camera.stream_url) and status in (None, Health.OK)


class SnapshotTaker:
    """Takes the pending snapshot requests (new cases in the feed) and attaches a frame per chosen camera."""

    def __init__(self, *, store: Store, locator: Locator, pool: WorkerPool, files_dir: Path, policy: UrlPolicy,
                 settings: SnapshotSettings | None = None) -> None:
        self.store, self.locator, self.pool = store, locator, pool
        self.files_dir, self.policy = files_dir, policy
        self.settings = settings or SnapshotSettings()
        self.cursor = 0  # the last feed entry looked at

    def step(self, now: datetime) -> StepReport:
        """Take snapshots for every case opened since the last step; never inside a transaction while grabbing."""
        report = StepReport()
        while True:
            with self.store.read_only() as uow:
                entries = uow.feed.since(self.cursor, limit=FEED_PAGE)
            for entry in entries:
                if entry.kind == payloads.CASE_OPENED and self.settings.cameras > 0:
                    case = entry.payload["case"]
                    if now - entry.at <= self.settings.max_age:
                        report.cases += 1
                        self._take(int(case["id"]), float(case["lon"]), float(case["lat"]), now, report)
                self.cursor = entry.id
            if len(entries) < FEED_PAGE:
                return report

    def _take(self, case_id: int, lon: float, lat: float, now: datetime, report: StepReport) -> None:
        with self.store.read_only() as uow:
            self.locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
            ranked = [r.item for r in self.locator.covering_cameras(lon, lat, limit=CANDIDATES)]
            health = uow.camera_health.latest(c.id for c in ranked)
            done = {e.data.get("camera_id") for e in uow.cases.events(case_id)
                    if e.action == ATTACH and e.data.get("kind") == SNAPSHOT}
            sources = {c.id: stream_url_with_credentials(c, uow.cameras.credentials(c.id)) for c in ranked
                       if c.id not in done and is_healthy(c, health[c.id].status if c.id in health else None)}
        wanted = self.settings.cameras - len(done)
        queue = [c for c in ranked if c.id in sources]
        while wanted > 0 and queue:
            # Grab as many at once as are still wanted; a camera that fails hands its place to the next one.
            batch, queue = queue[:wanted], queue[wanted:]
            pending = [(camera, self._submit(camera, sources[camera.id])) for camera in batch]
            for camera, probe in pending:
                capture = probe.result() if probe is not None else None
                if capture is not None and capture.ok and self._attach(case_id, camera, capture, now):
                    wanted -= 1
                    report.taken += 1
                else:
                    report.failed.append(camera.id)

    def _submit(self, camera: Camera, source: str) -> PendingProbe | None:
        try:
            # The guard again at every open: a name may resolve elsewhere than when the camera was registered.
            check_stream_url(camera.stream_url, self.policy, where=f"camera {camera.id!r} stream_url")
        except VideoError as exc:
            logger.warning("snapshot: %s", exc)
            return None
        t = self.settings.timeout_s
        return submit_probe(self.pool, source, count=1, open_timeout_s=t, read_timeout_s=t)

    def _attach(self, case_id: int, camera: Camera, capture: Capture, now: datetime) -> bool:
        try:
            data = encode_jpeg(capture.frames[-1])
        except ValueError as exc:
            logger.warning("snapshot of case %s from camera %s: %s", case_id, camera.id, exc)
            return False
        sha256 = hashlib.sha256(data).hexdigest()
        folder = self.files_dir / str(case_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{sha256}.jpg").write_bytes(data)
        with self.store.unit_of_work() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                return False
            uow.cases.append_event(CaseEvent(
                case_id=case_id, action=ATTACH, actor=ACTOR, at=now, from_status=case.status, to_status=case.status,
                note=f"snapshot from camera {camera.id}",
                data={"kind": SNAPSHOT, "camera_id": camera.id, "taken_at": now.isoformat(), "sha256": sha256,
                      "content_type": "image/jpeg", "size": len(data), "ext": ".jpg",
                      "filename": f"snapshot-{camera.id}-{now:%Y%m%dT%H%M%S}.jpg"}))
        logger.info("snapshot of case %s from camera %s (%s)", case_id, camera.id, redact_url(camera.stream_url))
        return True
