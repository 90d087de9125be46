"""Case intake: classified when no category is given (triage when unsure), the triage queue and an operator's
re-classification, and the one-request multipart intake with photos and audio; on both stores."""

from __future__ import annotations

import copy
import dataclasses
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from api.app import create_app
from cases.classify import build_classifier
from cases.models import CaseStatus, Platform
from gis.models import GridLevel
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.api.test_uploads import PHONE_FILES, REFUSED
from tests.factories import LAT, LON, make_grid

CLEAR = {"title": "路边垃圾堆积", "description": "路边垃圾堆积很久没人清理，气味很大", "lon": LON - 0.005, "lat": LAT}
VAGUE = {"title": "你好", "description": "", "lon": LON - 0.005, "lat": LAT}
JPEG = PHONE_FILES["photo.jpg"][0]


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Yield a client of the app on a store with a town T01 and its village V01 (the grid staff's)."""
    yield from town_client(store, tmp_path)


def town_client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Yield a client of an app with the classifier warmed, on a store with accounts, town T01 and village V01."""
    add_accounts(store)
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([
            make_grid("T01", size=0.02, level=GridLevel.TOWN),
            make_grid("V01", geometry=box(LON - 0.01, LAT - 0.01, LON, LAT + 0.01), level=GridLevel.VILLAGE,
                      parent_code="T01")])
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     warm_classifier=True)
    with TestClient(app) as test_client:
        app.state.classifier_warm_up.join(timeout=120)
        yield test_client


def _report(client: TestClient, who: str, body: dict) -> dict:
    answer = client.post("/api/cases", json=body, headers=login(client, who))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_report_without_category_is_classified_with_its_confidence(client: TestClient) -> None:
    case = _report(client, "staff", CLEAR)
    expected = build_classifier().classify(f"{CLEAR['title']}\n{CLEAR['description']}")
    assert (case["category"], case["confidence"], case["triage"]) == (expected.code, expected.confidence, False)
    assert case["category"] == "garbage" and case["confidence"] >= 0.6
    assert case["platform"] == build_classifier().taxonomy.subcategories["garbage"].platform.value
    assert case["grid_path"] == ["T01", "V01"]


def test_an_unsure_report_waits_in_the_triage_queue_and_a_given_category_is_taken_as_is(client: TestClient) -> None:
    vague = _report(client, "staff", VAGUE)
    assert vague["triage"] is True and vague["confidence"] is not None
    given = _report(client, "operator", {**VAGUE, "category": "dispute", "source": "hotline"})
    assert (given["category"], given["confidence"], given["triage"], given["source"]) == ("dispute", None, False,
                                                                                           "hotline")
    operator = login(client, "operator")
    queue = client.get("/api/cases?triage=true", headers=operator).json()
    assert [c["id"] for c in queue["items"]] == [vague["id"]] and queue["total"] == 1
    filed = client.get("/api/cases?triage=false", headers=operator).json()
    assert [c["id"] for c in filed["items"]] == [given["id"]]


def test_a_threshold_of_one_sends_every_classified_report_to_triage(store: Store, tmp_path: Path) -> None:
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     classify_min_confidence=1.0)
    with TestClient(app) as client:
        case = _report(client, "operator", CLEAR)
    assert case["category"] == "garbage" and case["triage"] is True


def test_categories_are_checked_against_the_active_taxonomy(client: TestClient) -> None:
    admin, operator = login(client, "admin"), login(client, "operator")
    unknown = client.post("/api/cases", json={**CLEAR, "category": "kite_flying"}, headers=operator)
    assert unknown.status_code == 422 and "kite_flying" in unknown.json()["detail"]
    doc = copy.deepcopy(client.get("/api/taxonomy", headers=admin).json()["taxonomy"])
    group = doc["categories"][0]
    new = {**copy.deepcopy(group["sub"][0]), "code": "kite_flying", "zh": "放风筝", "en": "Kite flying",
           "platform": "market", "keywords": ["风筝"], "phrases": []}
    group["sub"].append(new)
    assert client.put("/api/taxonomy", json={"taxonomy": doc}, headers=admin).status_code == 200
    case = client.post("/api/cases", json={**CLEAR, "category": "kite_flying"}, headers=operator)
    assert case.status_code == 201, case.text
    assert case.json()["platform"] == "market"
    named = {c["code"]: (c["label"], c["label_en"]) for c in client.get("/api/categories", headers=operator).json()}
    assert named["kite_flying"] == ("放风筝", "Kite flying"), "the page names categories in either language"


def test_an_operator_reclassifies_a_triaged_case_and_the_correction_is_kept(client: TestClient) -> None:
    vague = _report(client, "staff", VAGUE)
    operator = login(client, "operator")
    url = f"/api/cases/{vague['id']}/category"
    assert client.post(url, json={"category": "dispute"}, headers=login(client, "staff")).status_code == 403
    assert client.post(url, json={"category": "kite_flying"}, headers=operator).status_code == 422
    answer = client.post(url, json={"category": "dispute", "note": "邻里纠纷"}, headers=operator)
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert (done["category"], done["triage"], done["platform"]) == ("dispute", False, Platform.GOVERNANCE.value)
    assert done["event"]["action"] == "reclassify" and done["event"]["note"] == "邻里纠纷"
    assert done["event"]["data"]["from_category"] == vague["category"] and done["event"]["data"]["was_triage"]
    assert client.get("/api/cases?triage=true", headers=operator).json()["total"] == 0
    corrections = client.get("/api/classify/corrections", headers=operator).json()["items"]
    assert [(c["predicted"], c["corrected"], c["case_id"], c["channel"]) for c in corrections] == [
        (vague["category"], "dispute", vague["id"], "grid_staff")]
    assert done["correction_id"] == corrections[0]["id"]
    detail = client.get(f"/api/cases/{vague['id']}", headers=operator).json()
    assert [e["action"] for e in detail["events"]] == ["report", "reclassify"]


def test_reclassifying_reroutes_before_dispatch_only_and_a_given_category_records_no_correction(
        client: TestClient, store: Store) -> None:
    operator = login(client, "operator")
    case = _report(client, "operator", {**CLEAR, "category": "dispute"})
    moved = client.post(f"/api/cases/{case['id']}/category", json={"category": "food_safety"}, headers=operator)
    assert moved.json()["platform"] == "market" and moved.json()["correction_id"] is None
    with store.unit_of_work() as uow:
        stored = uow.cases.get(case["id"])
        assert stored is not None
        uow.cases.update(dataclasses.replace(stored, status=CaseStatus.DISPATCHED))
    kept = client.post(f"/api/cases/{case['id']}/category", json={"category": "dispute"}, headers=operator).json()
    assert (kept["category"], kept["platform"], kept["status"]) == ("dispute", "market", "dispatched")
    assert kept["event"]["data"]["platform"] == "market"
    assert client.get("/api/classify/corrections", headers=operator).json()["total"] == 0


def test_the_multipart_intake_stores_the_case_its_photo_and_its_audio_in_one_request(
        client: TestClient, tmp_path: Path) -> None:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    audio = tmp_path / "voice.webm"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=0.3", "-c:a", "libopus", str(audio)], check=True, timeout=60)
    staff = login(client, "staff")
    answer = client.post("/api/cases/intake", headers=staff, data={
        **{k: str(v) for k, v in CLEAR.items()}, "category": "auto", "reporter": "张三", "reporter_phone": "13812345678",
    }, files=[("files", ("photo.jpg", JPEG, "image/jpeg")),
              ("files", ("voice.webm", audio.read_bytes(), "audio/webm"))])
    assert answer.status_code == 201, answer.text
    case = answer.json()
    assert case["category"] == "garbage" and case["reporter_phone"] == "13812345678"
    attached = [e["data"] for e in case["events"] if e["action"] == "attach"]
    assert [(a["content_type"], a["ext"]) for a in attached] == [("image/jpeg", ".jpg"), ("video/webm", ".webm")]
    photo = client.get(f"/api/cases/{case['id']}/attachments/{attached[0]['sha256']}", headers=staff)
    assert photo.status_code == 200 and photo.content == JPEG
    viewer = client.get(f"/api/cases/{case['id']}", headers=login(client, "viewer")).json()
    assert viewer["reporter_phone"] != "13812345678" and viewer["reporter"] != "张三"


@pytest.mark.parametrize("bad", ["pdf", "too_large", "too_many"])
def test_one_bad_file_refuses_the_whole_intake_and_stores_nothing(bad: str, store: Store, tmp_path: Path) -> None:
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     upload_max_bytes=1024 * 1024)
    files = [("files", ("photo.jpg", JPEG, "image/jpeg"))]
    if bad == "pdf":
        files.append(("files", ("scan.jpg", REFUSED["report.pdf"][0], "image/jpeg")))
    elif bad == "too_large":
        files.append(("files", ("big.jpg", JPEG + b"\x00" * (1024 * 1024), "image/jpeg")))
    else:
        files *= 9
    with TestClient(app) as client:
        operator = login(client, "operator")
        answer = client.post("/api/cases/intake", headers=operator,
                             data={**{k: str(v) for k, v in CLEAR.items()}, "category": "garbage"}, files=files)
        assert answer.status_code == {"pdf": 415, "too_large": 413, "too_many": 413}[bad], answer.text
        assert client.get("/api/cases", headers=operator).json()["total"] == 0
    assert not (tmp_path / "attachments").exists() or not any((tmp_path / "attachments").rglob("*.*"))


def test_files_written_before_the_intake_transaction_fails_are_removed(client: TestClient, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import api.routes.cases as case_routes

    written = []

    def store_then_fail(*args, **kwargs):
        written.append(case_routes_store(*args, **kwargs))
        if len(written) == 2:
            raise RuntimeError("the store went away after the second file")
        return written[-1]

    case_routes_store = case_routes.store_attachment
    monkeypatch.setattr(case_routes, "store_attachment", store_then_fail)
    other = bytes(JPEG[:-2]) + b"\x00" + JPEG[-2:]
    with pytest.raises(RuntimeError, match="went away"):
        client.post("/api/cases/intake", headers=login(client, "staff"),
                    data={**{k: str(v) for k, v in CLEAR.items()}, "category": "garbage"},
                    files=[("files", ("a.jpg", JPEG, "image/jpeg")), ("files", ("b.jpg", other, "image/jpeg"))])
    assert len(written) == 2, "both files were written before the failure"
    assert client.get("/api/cases", headers=login(client, "operator")).json()["total"] == 0
    assert not any((tmp_path / "attachments").rglob("*.*")), "a file of a case that was never stored lingers"


def test_the_intake_form_is_validated_like_the_json_report(client: TestClient) -> None:
    operator = login(client, "operator")
    no_title = client.post("/api/cases/intake", headers=operator, data={"title": "", "lon": "120.0", "lat": "32.3"})
    assert no_title.status_code == 422 and ("body", "title") in {tuple(e["loc"]) for e in no_title.json()["detail"]}
    answer = client.post("/api/cases/intake", headers=operator,
                         data={"title": "x" * 201, "lon": "120.0", "lat": "32.3", "reporter_phone": "call me"})
    assert answer.status_code == 422
    fields = {tuple(e["loc"]) for e in answer.json()["detail"]}
    assert fields == {("body", "title"), ("body", "reporter_phone")}
    staff_as_hotline = client.post("/api/cases/intake", headers=login(client, "staff"),
                                   data={**{k: str(v) for k, v in CLEAR.items()}, "source": "hotline"})
    assert staff_as_hotline.status_code == 403
    nobody = client.post("/api/cases/intake", data={k: str(v) for k, v in CLEAR.items()})
    assert nobody.status_code == 401


def test_the_mobile_page_is_served(client: TestClient) -> None:
    page = client.get("/m/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert client.get("/static/m/mobile.js").status_code == 200


def test_mine_lists_the_cases_i_reported_within_my_reach(client: TestClient) -> None:
    staff = login(client, "staff")
    own = _report(client, "staff", {**CLEAR, "category": "garbage"})
    other = _report(client, "operator", {**CLEAR, "category": "garbage"})
    in_reach = client.get("/api/cases", headers=staff).json()
    assert {c["id"] for c in in_reach["items"]} == {own["id"], other["id"]}
    mine = client.get("/api/cases?mine=true", headers=staff).json()
    assert [c["id"] for c in mine["items"]] == [own["id"]] and mine["total"] == 1
