"""A probe: read a few frames of a source on the worker pool, then judge the picture."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from jobs.pool import WorkerPool
from video.capture import Capture, capture_in_pool
from video.diagnosis import Baseline, Diagnosis, Thresholds, diagnose

PROBE_FRAMES = 8
OPEN_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What the stream gave (its facts, redacted source) and what the diagnosis made of its frames."""

    capture: Capture
    diagnosis: Diagnosis

    def as_json(self) -> dict[str, Any]:
        """Return the result as JSON-ready fields: status, detail, measures and the stream's facts."""
        c, d = self.capture, self.diagnosis
        return {"status": d.status.value, "detail": d.detail, "measures": d.measures, "frame_index": d.frame_index,
                "source": c.source, "opened": c.opened, "open_ms": c.open_ms, "width": c.width, "height": c.height,
                "fps_reported": c.fps_reported, "fps_measured": c.fps_measured, "error": c.error}


def probe(pool: WorkerPool, source: str, *, thresholds: Thresholds, frames: int = PROBE_FRAMES,
          open_timeout_s: float = OPEN_TIMEOUT_S, read_timeout_s: float = READ_TIMEOUT_S,
          baseline: Baseline | None = None, reference: np.ndarray | None = None) -> ProbeResult:
    """Read frames of source in a pool worker (killed past its hard timeout) and diagnose them."""
    capture = capture_in_pool(pool, source, count=frames, open_timeout_s=open_timeout_s,
                              read_timeout_s=read_timeout_s)
    return judge(capture, thresholds=thresholds, baseline=baseline, reference=reference)


def judge(capture: Capture, *, thresholds: Thresholds, baseline: Baseline | None = None,
          reference: np.ndarray | None = None) -> ProbeResult:
    """Diagnose a capture's frames; a capture without frames keeps its own reason as the detail."""
    diagnosis = diagnose(capture.frames, thresholds=thresholds, baseline=baseline, reference=reference)
    if not capture.frames and capture.error:
        # The diagnosis only knows there was no frame; the capture knows why.
        diagnosis = Diagnosis(diagnosis.status, diagnosis.measures, diagnosis.frame_index, capture.error)
    return ProbeResult(capture, diagnosis)
