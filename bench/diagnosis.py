"""Benchmark the diagnosis of a probe's frames at 640x480 and 1920x1080.

What is timed: one `diagnose(frames, baseline=..., reference=...)` call on a probe's PROBE_FRAMES frames (BGR
uint8, as OpenCV decodes them), with every measure computed (the reference comparison included). Decoding is
not timed. The baseline in the same run is plain numpy over the same frames: each frame's mean and std
(`frame.mean(); frame.std()`), the least a diagnosis that looks at every frame could cost.

Prints one JSON line. Usage: python bench/diagnosis.py [--runs 200] [--frames 8]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.spine import percentile  # noqa: E402
from video.diagnosis import Baseline, Thresholds, diagnose  # noqa: E402

SIZES = {"640x480": (480, 640), "1920x1080": (1080, 1920)}


def scene(height: int, width: int, count: int, seed: int = 7) -> list[np.ndarray]:
    """Return frames of a textured scene with a moving block and sensor noise."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    base = 120 + 50 * np.sin(xs / 23.0) * np.cos(ys / 17.0) + 30 * np.sin((xs + ys) / 5.0)
    colour = np.stack([base * 0.9, base, base * 1.1], axis=-1)
    frames = []
    for index in range(count):
        frame = colour + rng.normal(0, 3, colour.shape).astype(np.float32)
        x = (index * width // 20) % (width - width // 8)
        frame[height // 3: height // 3 + height // 6, x: x + width // 8] = (40, 50, 60)
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))
    return frames


def timings(call, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Return the milliseconds of each of runs calls, after a few warm-up calls."""
    for _ in range(3):
        call()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200, help="diagnoses timed per size")
    parser.add_argument("--frames", type=int, default=8, help="frames a probe reads")
    args = parser.parse_args()
    result: dict[str, object] = {"bench": "diagnosis", "probe_frames": args.frames, "runs": args.runs,
                                 "timed": "diagnose() of one probe's frames with baseline and reference"}
    for name, (height, width) in SIZES.items():
        frames = scene(height, width, args.frames + 1)
        reference, probe = frames[0], frames[1:]
        baseline = Baseline.learn(probe[:1])
        thresholds = Thresholds()
        status = diagnose(probe, thresholds=thresholds, baseline=baseline, reference=reference).status
        spent = timings(lambda: diagnose(probe, thresholds=thresholds, baseline=baseline, reference=reference),
                        args.runs)
        floor = timings(lambda: [(frame.mean(), frame.std()) for frame in probe], max(20, args.runs // 4))
        p50, floor_p50 = percentile(spent, 0.5), percentile(floor, 0.5)
        result[name] = {"status": str(status), "p50_ms": round(p50, 2), "p99_ms": round(percentile(spent, 0.99), 2),
                        "numpy_mean_std_p50_ms": round(floor_p50, 2),
                        "ratio_to_numpy_mean_std": round(p50 / floor_p50, 3) if floor_p50 else None}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
