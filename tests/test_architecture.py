"""The design's rules about who may import what, checked on every run."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gis", "feed", "jobs", "iot", "video", "alerts", "cases", "access", "audit", "storage", "api", "town", "reports", "gridwatch")

# Each driver may be imported only under these paths (relative to the repository root).
DRIVER_HOMES: dict[str, tuple[str, ...]] = {
    "paho": ("iot/mqtt.py",),
    "cv2": ("video/capture.py", "video/capture/"),
    "psycopg": ("storage/postgis/",),
    "psycopg_pool": ("storage/postgis/",),
    "sqlite3": ("storage/sqlite/",),
    "fastapi": ("api/",),
    "starlette": ("api/",),
    "sse_starlette": ("api/",),
    "uvicorn": ("gridwatch/runtime.py",),
    "amqtt": ("gridwatch/broker.py",),
    "pebble": ("jobs/pool.py",),
    "pmtiles": ("storage/pmtiles_basemap.py",),
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def _is_under(rel: str, home: str) -> bool:
    return rel.startswith(home) if home.endswith("/") else rel == home


def test_drivers_are_imported_only_at_their_edge() -> None:
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            for driver in _imported_roots(path) & DRIVER_HOMES.keys():
                if not any(_is_under(rel, home) for home in DRIVER_HOMES[driver]):
                    offenders.append(f"{rel} imports {driver}")
    assert offenders == []


def test_flow_runs_one_way_per_import_linter_contracts() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.fail("lint-imports is missing: install the dev extra (pip install -e '.[dev]')")
    done = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# The ingest and the demo's players take steps through the cases use cases; the HTTP package is not theirs.
HTTP_FREE = ("gridwatch/pipeline.py", "gridwatch/ingest.py", "gridwatch/demo.py", "gridwatch/simulate.py")


def test_the_ingest_and_the_demo_do_not_import_the_http_package() -> None:
    offenders = [rel for rel in HTTP_FREE if "api" in _imported_roots(ROOT / rel)]
    assert offenders == []


def test_feed_payloads_are_built_outside_the_http_package() -> None:
    # A feed kind written as a string literal in api/ means a payload shape was built there again.
    offenders = []
    for path in (ROOT / "api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                    and node.args and isinstance(node.args[0], ast.Constant) and "." in str(node.args[0].value)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# Runs every benchmark's --help in one interpreter, so the heavy imports they share are paid once, not per script.
_EVERY_BENCH_HELP = """
import runpy, sys, traceback
failed = []
for path in sys.argv[1:]:
    sys.argv = [path, "--help"]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (0, None):
            failed.append(f"{path}: exit {stop.code}")
    except BaseException:
        failed.append(f"{path}: {traceback.format_exc(limit=3)}")
    else:
        failed.append(f"{path}: --help did not exit")
print("\\n".join(failed), file=sys.stderr)
sys.exit(1 if failed else 0)
"""


def test_each_benchmark_still_imports_what_it_uses() -> None:
    # Benchmarks run by hand, not in the suite: a renamed module would otherwise surface only at the next measurement.
    scripts = sorted(str(p) for p in (ROOT / "bench").glob("*.py") if p.name not in ("__init__.py", "timing.py"))
    assert len(scripts) >= 10
    done = subprocess.run([sys.executable, "-c", _EVERY_BENCH_HELP, *scripts], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]


def test_the_app_image_copies_every_package() -> None:
    # The image copies packages one by one (a layer each); one left out builds fine and fails only at start-up.
    copied = {line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("COPY ")}
    missing = [p for p in PACKAGES if p not in copied]
    assert not missing, f"Dockerfile does not COPY {missing}: the image would fail to import them"
