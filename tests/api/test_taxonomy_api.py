"""The taxonomy and the classifier over HTTP: read, replace as a version, refusals by path, corrections to CSV."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from cases.classify import read_labelled_csv
from cases.models import Case, CaseSource, CaseStatus, Platform
from storage import Store
from tests.api.conftest import login

T0 = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)


def _taxonomy(client: TestClient, who: dict[str, str]) -> dict:
    answer = client.get("/api/taxonomy", headers=who)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_shipped_taxonomy_is_active_until_an_admin_stores_a_version(app_client: TestClient) -> None:
    viewer, admin = login(app_client, "viewer"), login(app_client, "admin")
    shipped = _taxonomy(app_client, viewer)
    assert shipped["source"] == "shipped" and shipped["version"] is None
    components = shipped["categories"][0]
    assert components["class"] == "component" and components["sub"][0]["time_limits"]["handle"]
    doc = copy.deepcopy(shipped["taxonomy"])
    assert doc["categories"][0]["sub"][0]["time_limits"] is None  # the priority's limits; PUT back as given
    doc["categories"][0]["sub"][0]["priority"] = "urgent"
    put = app_client.put("/api/taxonomy", json={"taxonomy": doc, "note": "井盖改为紧急"}, headers=admin)
    assert put.status_code == 200, put.text
    stored = _taxonomy(app_client, viewer)
    assert stored["source"] == "stored" and stored["version"] == put.json()["version"]
    assert stored["created_by"] == "admin" and stored["note"] == "井盖改为紧急"
    assert stored["categories"][0]["sub"][0]["time_limits"]["accept"] == "1ch"
    versions = app_client.get("/api/taxonomy/versions", headers=viewer).json()
    assert versions["total"] == 1 and versions["items"][0]["subcategories"] == len(
        [s for g in stored["categories"] for s in g["sub"]])


def test_only_a_taxonomy_admin_may_replace_it(app_client: TestClient) -> None:
    doc = _taxonomy(app_client, login(app_client, "viewer"))["taxonomy"]
    for role in ("operator", "viewer", "staff"):
        assert app_client.put("/api/taxonomy", json={"taxonomy": doc}, headers=login(app_client, role)).status_code == 403


def test_a_bad_document_is_refused_with_422_naming_the_path(app_client: TestClient) -> None:
    admin = login(app_client, "admin")
    doc = _taxonomy(app_client, admin)["taxonomy"]
    doc["categories"][3]["sub"][0]["platform"] = "police"
    answer = app_client.put("/api/taxonomy", json={"taxonomy": doc}, headers=admin)
    assert answer.status_code == 422 and answer.json()["detail"].startswith("categories[3].sub[0].platform"), answer.text
    extra = app_client.put("/api/taxonomy", json={"taxonomy": doc, "colour": 1}, headers=admin)
    assert extra.status_code == 422
    assert app_client.get("/api/taxonomy/versions", headers=admin).json()["total"] == 0


def test_a_sub_category_cases_are_filed_under_cannot_be_removed(store: Store, app_client: TestClient) -> None:
    admin = login(app_client, "admin")
    doc = _taxonomy(app_client, admin)["taxonomy"]
    doc["categories"][0]["sub"].append({"code": "bus_shelter", "zh": "公交候车亭", "en": "Bus shelter",
                                        "platform": "service", "priority": "low"})
    assert app_client.put("/api/taxonomy", json={"taxonomy": doc}, headers=admin).status_code == 200
    with store.unit_of_work() as uow:
        uow.cases.add(Case(title="候车亭玻璃碎了", category="bus_shelter", source=CaseSource.CITIZEN,
                           status=CaseStatus.REPORTED, platform=Platform.SERVICE, lon=120.0, lat=30.0, grid_path=(),
                           created_at=T0, updated_at=T0))
    doc["categories"][0]["sub"].pop()
    answer = app_client.put("/api/taxonomy", json={"taxonomy": doc}, headers=admin)
    assert answer.status_code == 422 and "bus_shelter" in answer.json()["detail"], answer.text


def test_classify_answers_a_sub_category_and_triage(app_client: TestClient) -> None:
    viewer = login(app_client, "viewer")
    sure = app_client.post("/api/classify", json={"text": "菜市场后面垃圾三天没人清运，臭气熏天"}, headers=viewer)
    assert sure.status_code == 200, sure.text
    body = sure.json()
    assert body["code"] == "garbage" and body["platform"] == "enforcement" and not body["triage"]
    assert len(body["alternatives"]) == 3 and body["min_confidence"] == 0.6
    unsure = app_client.post("/api/classify", json={"text": "你好"}, headers=viewer).json()
    assert unsure["triage"]
    assert app_client.post("/api/classify", json={"text": ""}, headers=viewer).status_code == 422


def test_corrections_round_trip_to_the_training_csv(app_client: TestClient) -> None:
    operator = login(app_client, "operator")
    correction = {"text": "河里有死鱼, 水是黑的", "predicted": "air_pollution", "corrected": "environment",
                  "confidence": 0.42, "channel": "hotline", "case_id": 3}
    posted = app_client.post("/api/classify/corrections", json=correction, headers=operator)
    assert posted.status_code == 201, posted.text
    assert posted.json()["corrected_by"] == "operator"
    bad = app_client.post("/api/classify/corrections", json={**correction, "corrected": "aliens"}, headers=operator)
    assert bad.status_code == 422 and bad.json()["detail"].startswith("corrected:"), bad.text
    assert app_client.post("/api/classify/corrections", json=correction,
                           headers=login(app_client, "viewer")).status_code == 403
    exported = app_client.get("/api/classify/corrections.csv", headers=operator)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = read_labelled_csv(exported.text)
    assert [(r.text, r.category, r.channel) for r in rows] == [("河里有死鱼, 水是黑的", "environment", "hotline")]
    listed = app_client.get("/api/classify/corrections", headers=operator).json()
    assert listed["total"] == 1 and listed["items"][0]["predicted"] == "air_pollution"
