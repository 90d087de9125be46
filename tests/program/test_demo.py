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
        token = httpx.post(url + "api/auth/token", data={"username": login.group(1), "password": login.group(2)},
                           timeout=10).json()["access_token"]
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
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            code = demo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            demo.kill()
            pytest.fail("the demo did not stop within 20 s of Ctrl-C")
    reader.join(5)
    assert code == 0, "".join(lines)
