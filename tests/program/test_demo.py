"""`gridwatch demo` as a user runs it: it prints a URL, alarms become dispatched cases, Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.timeout(150)


def test_demo_turns_alarms_into_dispatched_cases_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "GRIDWATCH_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200", "TERM": "dumb",
           "GRIDWATCH_STORE_URL": ""}
    demo = subprocess.Popen([sys.executable, "-m", "gridwatch", "demo", "--port", "0"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    # Keep reading the demo's output, or its logging blocks on a full pipe.
    reader = threading.Thread(target=lambda: lines.extend(iter(demo.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline and demo.poll() is None:
            time.sleep(0.2)
            found = re.search(r"command room\s+(http://127\.0\.0\.1:\d+/)", "".join(lines))
            url = found.group(1) if found else None
        assert url, "the demo printed no URL:\n" + "".join(lines)
        login = re.search(r"log in as\s+(\S+) / (\S+)", "".join(lines))
        assert login, "the demo printed no login:\n" + "".join(lines)
        # The panel is printed just before the server starts listening: wait for it to accept connections.
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.post(url + "api/auth/token", timeout=10,
                                    data={"username": login.group(1), "password": login.group(2)})
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        token = answer.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        deadline = time.monotonic() + 60
        dispatched: list[dict] = []
        while not dispatched and time.monotonic() < deadline:
            time.sleep(1)
            try:
                cases = httpx.get(url + "api/cases", headers=headers, timeout=5).json()["items"]
            except httpx.HTTPError:
                continue
            dispatched = [c for c in cases if c["source"] == "sensor" and c["status"] not in ("reported", "accepted")]
        assert dispatched, "no alarm became a dispatched case within a minute"
        assert dispatched[0]["grid_path"] and dispatched[0]["platform"]
        assert httpx.get(url, timeout=5).status_code == 200
        jobs = {j["job"]: j for j in httpx.get(url + "api/jobs", headers=headers, timeout=5).json()["items"]}
        assert jobs["retention"]["outcome"] == "ok" and jobs["retention"]["runner"].startswith("demo@")
        assert jobs["index-refresh"]["outcome"] in ("ok", "running")
        assert "camera pictures:" in "".join(lines) and "play live scenes" in "".join(lines), "".join(lines)
        _the_case_has_a_live_picture_and_a_snapshot(url, headers, dispatched[0])
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            code = demo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            demo.kill()
            pytest.fail("the demo did not stop within 20 s of Ctrl-C")
    reader.join(5)
    assert code == 0, "".join(lines)


def _the_case_has_a_live_picture_and_a_snapshot(url: str, headers: dict[str, str], case: dict) -> None:
    """The alarm's covering cameras play a scene through the relay, and the case gets a snapshot within 30 s."""
    covering = httpx.get(url + "api/cameras/covering", headers=headers, timeout=5,
                         params={"lon": case["lon"], "lat": case["lat"]}).json()["items"]
    live = [c["camera"] for c in covering if c["camera"]["live_view"]["kind"] == "relay"]
    assert live, f"case {case['id']}: no covering camera has a live view: {covering}"
    ticket = httpx.post(url + "api/auth/stream-ticket", headers=headers, timeout=5).json()["ticket"]
    with httpx.stream("GET", url + live[0]["live_view"]["url"].lstrip("/"), params={"ticket": ticket},
                      timeout=15) as answer:
        assert answer.status_code == 200
        first = next(answer.iter_bytes())
        assert b"image/jpeg" in first or first.startswith(b"\xff\xd8") or b"--" in first
    deadline = time.monotonic() + 30
    snapshots: list[dict] = []
    while not snapshots and time.monotonic() < deadline:
        snapshots = httpx.get(url + f"api/cases/{case['id']}/snapshots", headers=headers, timeout=5).json()["items"]
        if not snapshots:
            time.sleep(1)
    assert snapshots, f"case {case['id']}: no snapshot within 30 s of its dispatch"
    picture = httpx.get(url + snapshots[0]["url"].lstrip("/"), headers=headers, timeout=5)
    assert picture.status_code == 200 and picture.content.startswith(b"\xff\xd8")
