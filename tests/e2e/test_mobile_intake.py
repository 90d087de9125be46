"""The grid staff's mobile page in a phone-sized Chromium: log in, write a report, take a photo, record audio, take
the position, send; the case is in "my grid's open cases", and the API has it classified with its files."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from shapely.geometry import box

from access.models import Role
from access.service import create_user
from api.app import create_app
from gis.models import GridLevel
from gridwatch.runtime import open_migrated_store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD
from tests.factories import LAT, LON, make_grid
from tests.serving import serve_app

STAFF = "grid-staff-1"
# Inside village V01, where the staff member works.
HERE = {"longitude": LON - 0.004, "latitude": LAT + 0.002}
PHONE = {"width": 390, "height": 844}
MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def mobile_url(tmp_path: Path) -> Iterator[str]:
    """Serve the app over SQLite with a town, its village V01 and a grid staff member of V01."""
    store = open_migrated_store(f"sqlite:///{tmp_path / 'gridwatch.db'}")
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([
            make_grid("T01", size=0.02, level=GridLevel.TOWN),
            make_grid("V01", geometry=box(LON - 0.01, LAT - 0.01, LON, LAT + 0.01), level=GridLevel.VILLAGE,
                      parent_code="T01")])
        create_user(users=uow.users, username=STAFF, password=PASSWORD, role=Role.GRID_STAFF, grid_codes=("V01",),
                    display_name="网格员小李", now=datetime.now(UTC))
    with serve_app(create_app(store=store, data_dir=tmp_path, warm_classifier=True)) as base_url:
        yield base_url
    store.close()


@pytest.fixture
def phone(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Yield a phone-sized page in headless Chromium with the position granted and a fake microphone."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true: a missing component is a failure)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=[*CHROMIUM_ARGS, *MEDIA_ARGS])
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      geolocation=HERE, permissions=["geolocation", "microphone"], locale="zh-CN")
        page = context.new_page()
        yield page
        page.screenshot(path=os.environ.get("GRIDWATCH_TEST_SCREENSHOT", str(tmp_path / "mobile-intake.png")),
                        full_page=True)
        browser.close()


def jpeg(path: Path) -> Path:
    """Write a real 64x48 JPEG (ffmpeg's test pattern) and return its path."""
    if shutil.which("ffmpeg") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("ffmpeg is missing (CI=true: .ci/run installs it)")
        pytest.skip("ffmpeg is not installed")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48",
                    "-frames:v", "1", str(path)], check=True, timeout=60)
    return path


def test_grid_staff_report_with_photo_audio_and_position_from_the_phone(mobile_url: str, phone, tmp_path: Path
                                                                        ) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(f"{mobile_url}/m/")
    page.fill("#username", STAFF)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#report-form", state="visible")
    assert page.text_content("#who") == "网格员小李"
    # The category picker offers the taxonomy, "auto" first.
    # Locator waits, not wait_for_function: a string predicate is eval'd in the page, which its CSP refuses.
    page.locator("#category option").nth(10).wait_for(state="attached")
    assert page.eval_on_selector("#category", "s => s.value") == "auto"
    # Dictation: shown only where the browser offers SpeechRecognition.
    has_speech = page.evaluate("!!(window.SpeechRecognition || window.webkitSpeechRecognition)")
    assert page.is_visible("#dictate") == has_speech

    page.fill("#title", "路边垃圾堆积")
    page.fill("#description", "幸福村路边垃圾堆积很久没人清理，气味很大")
    page.click("#locate")
    expect(page.locator("#lon")).not_to_have_value("")
    assert abs(float(page.input_value("#lon")) - HERE["longitude"]) < 1e-6
    assert abs(float(page.input_value("#lat")) - HERE["latitude"]) < 1e-6

    page.set_input_files("#photos", str(jpeg(tmp_path / "pothole.jpg")))
    page.click("#record")
    page.wait_for_selector("#record[aria-pressed='true']")
    page.wait_for_timeout(1200)  # the fake microphone's beeps; the clip's length is not what is tested
    page.click("#record")
    expect(page.locator("#files li")).to_have_count(2)

    page.click("#send")
    page.wait_for_selector("#report-message.ok", timeout=60_000)
    sent = page.text_content("#report-message") or ""
    assert "garbage" in sent and "2" in sent, sent
    case_id = int(sent.split("#", 1)[1].split()[0])

    page.click("[data-tab='grid']")
    page.wait_for_selector(f"#grid-cases li[data-case-id='{case_id}']")
    assert "路边垃圾堆积" in (page.text_content(f"#grid-cases li[data-case-id='{case_id}']") or "")
    page.click("[data-tab='tasks']")
    page.wait_for_selector(f"#my-cases li[data-case-id='{case_id}']")

    with httpx.Client(base_url=mobile_url, timeout=10) as http:
        token = http.post("/api/auth/token", data={"username": STAFF, "password": PASSWORD}).json()["access_token"]
        case = http.get(f"/api/cases/{case_id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert case["category"] == "garbage" and case["triage"] is False and case["confidence"] >= 0.6
    assert case["source"] == "grid_staff" and case["grid_path"] == ["T01", "V01"]
    assert abs(case["lon"] - HERE["longitude"]) < 1e-6 and abs(case["lat"] - HERE["latitude"]) < 1e-6
    files = [e["data"] for e in case["events"] if e["action"] == "attach"]
    assert [f["content_type"] for f in files] == ["image/jpeg", "video/webm"]
    assert all(f["size"] > 0 for f in files)
