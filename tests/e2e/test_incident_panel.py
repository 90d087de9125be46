"""The incident panel in a real browser: a case's photo and voice note, its grid's staff and suggested teams; the
operator dispatches it to a suggested team, adds and finishes an assisting task, and closes the loop, each step by
its button. A screenshot of each state is saved as an artefact (under $GRIDWATCH_TEST_ARTEFACTS, see the conftest)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from access.models import Role
from access.service import create_user
from api.app import create_app
from cases.models import CaseSource
from cases.service import CaseCreate
from cases.use_cases import report_case_and_announce
from gis.models import GridLevel
from gridwatch.runtime import Core, open_migrated_store
from gridwatch.towns import load_town
from tests.e2e.conftest import OPERATOR, PASSWORD, log_in
from tests.serving import serve_app
from town.models import Town

pytestmark = pytest.mark.timeout(180)


@dataclass
class PanelSystem:
    base_url: str
    case_id: int
    core: Core


def _ffmpeg(out: Path, *args: str) -> bytes:
    """Make a small real file with ffmpeg (the upload check reads its bytes); skip without ffmpeg."""
    try:
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args, str(out)], check=True, timeout=60)
    except FileNotFoundError:
        if os.environ.get("CI") == "true":
            pytest.fail("ffmpeg is missing (CI=true: a missing tool is a failure)")
        pytest.skip("ffmpeg is missing")
    return out.read_bytes()


@pytest.fixture
def panel_system(store_url: str, town: Town, tmp_path: Path) -> Iterator[PanelSystem]:
    """The app on the town with a new air-pollution case in a natural village, a photo and a voice note attached."""
    core = Core(store=open_migrated_store(store_url))
    load_town(core.store, town)
    village = town.grids_at(GridLevel.NATURAL_VILLAGE)[0]
    spot = village.geometry.representative_point()
    now = datetime.now(UTC)
    with core.store.unit_of_work() as uow:
        create_user(users=uow.users, username=OPERATOR, password=PASSWORD, role=Role.OPERATOR,
                    display_name="值班员", now=now)
    with core.store.unit_of_work() as uow:
        case = report_case_and_announce(uow, case_in=CaseCreate(
            title="burning rubbish behind the school", category="air_pollution", lon=spot.x, lat=spot.y,
            source=CaseSource.CITIZEN, reporter="张三", reporter_phone="13812345678"),
            grid_path=(village.code,), actor="citizen", at=now).case
    photo = _ffmpeg(tmp_path / "photo.jpg", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=1", "-frames:v", "1")
    voice = _ffmpeg(tmp_path / "voice.ogg", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.5", "-c:a", "libopus")
    app = create_app(store=core.store, locator=core.locator, data_dir=tmp_path)
    with serve_app(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        token = http.post("/api/auth/token", data={"username": OPERATOR, "password": PASSWORD}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        for name, data in (("photo.jpg", photo), ("voice.ogg", voice)):
            sent = http.post(f"/api/cases/{case.id}/attachments", files={"file": (name, data)}, headers=auth)
            assert sent.status_code == 201, sent.text
        yield PanelSystem(base_url, int(case.id), core)  # type: ignore[arg-type]
    core.store.close()


def _artefacts(tmp_path: Path) -> Path:
    folder = tmp_path / "incident-panel"  # kept under $GRIDWATCH_TEST_ARTEFACTS by the conftest
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _step(page: Page, action: str, status: str, shots: Path, n: int) -> None:
    """Click the step's button in the panel, wait for the case's new status, save a screenshot."""
    page.locator(f"#action-next button[data-action={action}]").first.click()
    page.wait_for_selector(f"#case-detail[data-status={status}]", timeout=10_000)
    expect(page.locator("#action-error")).to_be_hidden()
    page.screenshot(path=str(shots / f"{n:02d}-{status}.png"))


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_operator_works_a_case_through_the_loop_from_the_incident_panel(panel_system: PanelSystem, tmp_path: Path,
                                                                           browser_page) -> None:
    page = browser_page
    shots = _artefacts(tmp_path)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    log_in(page, panel_system.base_url)
    case_id = panel_system.case_id
    page.locator(f"#case-list [data-case-id='{case_id}']").click()
    panel = page.locator("#case-detail")
    page.wait_for_selector("#case-detail[data-status=reported]", timeout=10_000)

    # The photo as a thumbnail that opens full size, the voice note as a player; both from blobs with the token.
    thumb = page.locator("#panel-media .media-item[data-kind=image] img")
    thumb.wait_for(timeout=10_000)
    page.wait_for_function("img => img.naturalWidth === 320", arg=thumb.element_handle(), timeout=10_000)
    assert thumb.get_attribute("src").startswith("blob:")
    audio = page.locator("#panel-media audio[controls]")
    audio.wait_for(timeout=10_000)
    assert audio.get_attribute("src").startswith("blob:")
    # The timeline says who attached them, in Beijing time (the page's default language is Chinese).
    expect(page.locator("#case-timeline li[data-action=attach]")).to_have_count(2)
    expect(page.locator("#case-timeline li[data-action=attach]").first.locator(".actor")).to_have_text(OPERATOR)
    page.locator("#panel-media .media-item[data-kind=image]").click()
    page.locator(".panel-lightbox img").wait_for(timeout=5_000)
    page.screenshot(path=str(shots / "00-photo-full-size.png"))
    page.locator(".panel-lightbox").click()
    expect(page.locator(".panel-lightbox")).to_have_count(0)

    # The grid and its staff; the reporter, masked or not as the API says.
    expect(page.locator("#panel-grid .grid-staff li").first).to_be_visible(timeout=10_000)
    expect(page.locator("#panel-reporters li")).to_have_count(1, timeout=10_000)
    page.screenshot(path=str(shots / "01-reported.png"))

    _step(page, "accept", "accepted", shots, 2)
    expect(page.locator("#case-timeline li[data-action=accept] .tl-role")).to_have_text("值班员")
    if page.locator("#action-next button[data-action=route].primary").count():
        _step(page, "route", "routed", shots, 3)

    # Suggested teams with distance and ETA, best first; the operator sends the second one, not the nearest.
    teams = page.locator("#panel-suggestions li[data-status=available]")
    expect(teams.first).to_be_visible(timeout=10_000)
    assert "分钟" in teams.first.locator(".team-eta").inner_text()
    chosen = teams.nth(1) if teams.count() > 1 else teams.first
    team_id = chosen.get_attribute("data-team-id")
    chosen.locator("button[data-dispatch-team]").click()
    page.wait_for_selector("#case-detail[data-status=dispatched]", timeout=10_000)
    offer = page.locator("#panel-offers .offer[data-state=offered]")
    expect(offer).to_have_count(1, timeout=10_000)
    assert offer.locator("button[data-offer=accept]").count() == 1, "the command room may answer for the team"
    page.screenshot(path=str(shots / "04-dispatched-offered.png"))
    with panel_system.core.store.read_only() as uow:
        lead = [a for a in uow.assignments.for_case(case_id) if a.active]
    assert [a.team_id for a in lead] == [team_id], "the team chosen on the page was offered the case"

    offer.locator("button[data-offer=accept]").click()
    expect(page.locator("#panel-offers .offer")).to_have_count(0, timeout=10_000)
    _step(page, "start", "handling", shots, 5)

    # A joint case: an assisting task added from the panel, shown with its role and state, then reported done.
    page.select_option("#panel-tasks form.task-add select[name=platform]", "market")
    page.fill("#panel-tasks form.task-add input[name=task]", "seize the burner")
    page.click("#task-add")
    assisting = page.locator("#panel-tasks li[data-role=assisting]")
    expect(assisting).to_have_count(1, timeout=10_000)
    expect(page.locator("#panel-tasks li[data-role=lead]")).to_have_count(1)
    expect(assisting.locator(".task-text")).to_have_text("seize the burner")
    page.screenshot(path=str(shots / "06-joint-task.png"))
    assisting.locator("button[data-task-done]").click()
    expect(assisting).to_have_attribute("data-state", "done", timeout=10_000)

    _step(page, "feedback", "fed_back", shots, 7)
    _step(page, "verify", "verified", shots, 8)
    _step(page, "close", "closed", shots, 9)
    expect(panel.locator("#action-next button[data-action=evaluate]")).to_be_visible()
    actions = page.locator("#case-timeline li[data-action]").evaluate_all("els => els.map(e => e.dataset.action)")
    for step in ("accept", "dispatch", "start", "feedback", "verify", "close"):
        assert step in actions, f"the timeline records {step}: {actions}"

    violations = [text for text in console if "Content Security Policy" in text]
    assert not violations, violations


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_stale_page_shows_the_servers_refusal_and_a_reason_is_required(panel_system: PanelSystem, tmp_path: Path,
                                                                         browser_page) -> None:
    page = browser_page
    log_in(page, panel_system.base_url)
    page.locator(f"#case-list [data-case-id='{panel_system.case_id}']").click()
    page.wait_for_selector("#case-detail[data-status=reported]", timeout=10_000)
    page.locator("#action-next button[data-action=reject]").wait_for(timeout=10_000)

    # Reject without a reason: the page asks for one and sends nothing.
    page.locator("#action-next button[data-action=reject]").click()
    expect(page.locator("#action-error")).to_contain_text("理由")
    assert page.locator("#case-detail").get_attribute("data-status") == "reported"

    # Someone else accepts the case meanwhile: this page's accept carries the old version and gets a 409. The page's
    # live stream is cut first (and kept from reconnecting), or the feed could bring the new version before the click.
    page.route("**/api/events/stream**", lambda route: route.abort())
    page.evaluate("document.dispatchEvent(new CustomEvent('gw:drop-stream'))")
    expect(page.locator("#live-status")).not_to_have_attribute("data-state", "live", timeout=10_000)
    with httpx.Client(base_url=panel_system.base_url, timeout=10) as http:
        token = http.post("/api/auth/token", data={"username": OPERATOR, "password": PASSWORD}).json()["access_token"]
        other = http.post(f"/api/cases/{panel_system.case_id}/actions/accept", json={},
                          headers={"Authorization": f"Bearer {token}"})
        assert other.status_code == 200, other.text
    page.locator("#action-next button[data-action=accept]").click()
    error = page.locator("#action-error")
    expect(error).to_be_visible(timeout=10_000)
    expect(error).to_contain_text("不允许")
    page.screenshot(path=str(_artefacts(tmp_path) / "10-refused.png"))

    # The language switch re-renders the panel in English (the shell's switch calls the same setLang).
    page.evaluate("() => import('/static/i18n.js').then((m) => m.setLang('en'))")
    expect(page.locator("#case-actions h3")).to_have_text("Next step")
    expect(page.locator("#case-timeline li[data-action=report] .tl-head b")).to_have_text("Report")
    expect(page.locator("#panel-media-section h3")).to_have_text("Photos and audio")
    page.screenshot(path=str(_artefacts(tmp_path) / "11-english.png"))
