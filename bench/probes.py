"""Benchmark camera probes through the worker pool: 700 sources, healthy, dead and hanging, as production mixes them.

Healthy sources are an HTTP MJPEG stream (25 fps) and an H.264 file, made by ffmpeg; dead ones a refused
loopback port; hanging ones a loopback server that accepts and never answers. Each probe grabs --frames
frames with production-like timeouts (open 5 s, read 5 s; the worker is killed past the hard timeout). At most
--concurrency probes are in flight (default: one per worker). The baseline probes the same healthy sources one
after another in this process, with no pool (grab_frames, a bare cv2.VideoCapture loop with timeouts).

Prints one JSON line. Usage: python bench/probes.py [--probes 700] [--workers 2] [--hanging 0.1] [--dead 0.1]
Needs /usr/bin/ffmpeg. All sources are on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.spine import percentile  # noqa: E402
from jobs.pool import WorkerPool  # noqa: E402
from tests.video import streams  # noqa: E402
from video.capture import capture_in_pool, grab_frames  # noqa: E402


def _summary(latencies_ms: list[float]) -> dict[str, float | int | None]:
    if not latencies_ms:
        return {"n": 0, "p50_ms": None, "p99_ms": None}
    return {"n": len(latencies_ms), "p50_ms": round(percentile(latencies_ms, 0.5), 1),
            "p99_ms": round(percentile(latencies_ms, 0.99), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--probes", type=int, default=700)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=0, help="probes in flight (default: --workers)")
    parser.add_argument("--dead", type=float, default=0.10, help="share of refused sources")
    parser.add_argument("--hanging", type=float, default=0.10, help="share of silent sources")
    parser.add_argument("--frames", type=int, default=3)
    parser.add_argument("--open-timeout", type=float, default=5.0)
    parser.add_argument("--read-timeout", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    concurrency = args.concurrency or args.workers

    with tempfile.TemporaryDirectory(prefix="gridwatch-bench-probes-") as scratch:
        folder = Path(scratch)
        clip = streams.make_h264_clip(folder / "healthy.mp4", seconds=10, fps=25)
        frames = streams.make_jpeg_frames(folder / "mjpeg", seconds=2, fps=25)
        with streams.MjpegServer(frames, fps=25) as mjpeg, streams.SilentServer() as silent:
            refused = streams.free_port()
            kinds = {"healthy_mjpeg": mjpeg.url, "healthy_file": str(clip),
                     "dead": f"rtsp://127.0.0.1:{refused}/cam", "hanging": f"http://127.0.0.1:{silent.port}/cam"}
            n_dead, n_hanging = round(args.probes * args.dead), round(args.probes * args.hanging)
            n_healthy = args.probes - n_dead - n_hanging
            plan = (["healthy_mjpeg", "healthy_file"] * n_healthy)[:n_healthy] + ["dead"] * n_dead + ["hanging"] * n_hanging
            random.Random(args.seed).shuffle(plan)
            options = {"count": args.frames, "open_timeout_s": args.open_timeout, "read_timeout_s": args.read_timeout}

            baseline_ms: list[float] = []
            baseline_began = time.perf_counter()
            for kind in (k for k in plan if k.startswith("healthy")):
                began = time.perf_counter()
                assert grab_frames(kinds[kind], **options).ok
                baseline_ms.append((time.perf_counter() - began) * 1000)
            baseline_s = time.perf_counter() - baseline_began

            latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
            healthy_failed = 0
            killed = {kind: 0 for kind in kinds}

            def probe(kind: str, pool: WorkerPool) -> None:
                nonlocal healthy_failed
                began = time.perf_counter()
                capture = capture_in_pool(pool, kinds[kind], **options)
                latencies[kind].append((time.perf_counter() - began) * 1000)
                if kind.startswith("healthy") and not capture.ok:
                    healthy_failed += 1
                if "worker killed" in capture.error:
                    killed[kind] += 1

            with WorkerPool(workers=args.workers) as pool:
                capture_in_pool(pool, str(clip), **options)  # start the workers and import OpenCV in them
                began = time.perf_counter()
                with ThreadPoolExecutor(max_workers=concurrency) as callers:
                    list(callers.map(lambda kind: probe(kind, pool), plan))
                total_s = time.perf_counter() - began

    healthy_pool_s = sum(sum(latencies[k]) for k in ("healthy_mjpeg", "healthy_file")) / 1000
    # The floor a hanging share sets: each hanging probe holds a worker for its open timeout.
    hanging_floor_s = n_hanging * args.open_timeout / concurrency
    print(json.dumps({
        "probes": args.probes, "workers": args.workers, "concurrency": concurrency, "cpus": os.cpu_count(),
        "mix": {"healthy": n_healthy, "dead": n_dead, "hanging": n_hanging},
        "timeouts_s": {"open": args.open_timeout, "read": args.read_timeout}, "frames_per_probe": args.frames,
        "total_s": round(total_s, 2), "probes_per_s": round(args.probes / total_s, 1),
        "target_60s_met": total_s < 60, "hanging_floor_s": round(hanging_floor_s, 1),
        "per_kind": {kind: _summary(values) for kind, values in latencies.items()},
        "healthy_failed": healthy_failed, "killed_at_hard_timeout": killed,
        "baseline_in_process": {"healthy_probes": len(baseline_ms), "total_s": round(baseline_s, 2), **_summary(baseline_ms)},
        "healthy_pool_vs_baseline_ms_ratio": round(healthy_pool_s / baseline_s, 2) if baseline_s else None,
    }))


if __name__ == "__main__":
    main()
