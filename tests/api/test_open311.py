"""Open311 GeoReport v2 at /open311/v2 on both stores: services from the taxonomy, requests as cases, every
refusal in the spec's shape, in JSON and in XML with the spec's element names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from access.models import Role
from access.ratelimit import RateLimiter
from access.service import create_api_key
from api.app import create_app
from api.open311 import service_requests
from cases.lifecycle import FINISHED
from cases.models import CaseSource, CaseStatus
from cases.taxonomy_service import active_taxonomy
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.factories import LAT, LON, T0, make_case

NOW = T0 + timedelta(days=10)
V2 = "/open311/v2"
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values"]
# What the spec calls closed: the town's work on the case is over.
CLOSED = {CaseStatus.CLOSED, CaseStatus.EVALUATED, CaseStatus.REJECTED, CaseStatus.ESCALATED, CaseStatus.MERGED}


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, clock=lambda: NOW,
                     rate_clock=ManualClock())
    with TestClient(app) as test_client:
        yield test_client


def make_key(store: Store, role: Role = Role.GRID_STAFF, name: str = "citizen-app") -> str:
    with store.unit_of_work() as uow:
        _, secret = create_api_key(keys=uow.api_keys, name=name, role=role, now=NOW)
    return secret


def xml_of(answer: Any, root: str) -> ET.Element:
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    assert answer.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = ET.fromstring(answer.content)
    assert tree.tag == root
    return tree


def assert_errors(answer: Any, status: int, fmt: str, says: str) -> None:
    assert answer.status_code == status, answer.text
    if fmt == "xml":
        errors = xml_of(answer, "errors")
        assert [e.tag for e in errors] == ["error"]
        assert [c.tag for c in errors[0]] == ["code", "description"]
        code, description = errors[0].findtext("code"), errors[0].findtext("description")
        assert code == str(status) and says in (description or ""), answer.text
    else:
        body = answer.json()
        assert len(body) == 1 and body[0]["code"] == status and says in body[0]["description"], body


def posted(client: TestClient, key: str, fmt: str = "json", **fields: Any) -> Any:
    form = {"api_key": key, "service_code": "streetlight", "lat": str(LAT), "long": str(LON),
            "description": "路灯不亮 three lamps out by the bridge", **fields}
    return client.post(f"{V2}/requests.{fmt}", data={k: v for k, v in form.items() if v is not None})


def seed(store: Store, *cases: Any) -> list[int]:
    with store.unit_of_work() as uow:
        return [uow.cases.add(case).id for case in cases]  # type: ignore[misc]


# --- services -------------------------------------------------------------------------------------------------

def test_services_list_every_sub_category_of_the_active_taxonomy(client: TestClient, store: Store) -> None:
    with store.read_only() as uow:
        taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
    services = client.get(f"{V2}/services.json").json()
    assert [s["service_code"] for s in services] == list(taxonomy.subcategories)
    by_code = {s["service_code"]: s for s in services}
    lamp = by_code["streetlight"]
    assert list(lamp) == SERVICE_FIELDS
    assert lamp["service_name"] == "路灯故障" and "Street light out" in lamp["description"]
    assert lamp["type"] == "realtime" and lamp["group"] == "公用设施 Public utilities" and "路灯" in lamp["keywords"]
    # Advice has nothing to pin down on the map: no attributes, so no metadata.
    assert by_code["consulting"]["metadata"] is False and by_code["manhole_cover"]["metadata"] is True


def test_services_follow_a_taxonomy_edited_through_the_api(client: TestClient) -> None:
    admin = login(client, "admin")
    doc = client.get("/api/taxonomy", headers=admin).json()["taxonomy"]
    doc["categories"][0]["sub"].append({"code": "bus_shelter", "zh": "公交候车亭损坏", "en": "Damaged bus shelter",
                                        "platform": "service", "department": "镇交通办", "priority": "low",
                                        "keywords": ["候车亭"], "phrases": ["候车亭坏了"]})
    assert client.put("/api/taxonomy", json={"taxonomy": doc, "note": "shelters"}, headers=admin).status_code == 200
    codes = [s["service_code"] for s in client.get(f"{V2}/services.json").json()]
    assert "bus_shelter" in codes
    assert client.get(f"{V2}/services/bus_shelter.json").json()["service_code"] == "bus_shelter"


def test_services_in_xml_have_the_spec_elements(client: TestClient) -> None:
    tree = xml_of(client.get(f"{V2}/services.xml"), "services")
    assert {child.tag for child in tree} == {"service"}
    assert [c.tag for c in tree[0]] == SERVICE_FIELDS
    lamp = next(s for s in tree if s.findtext("service_code") == "streetlight")
    assert lamp.findtext("service_name") == "路灯故障" and lamp.findtext("metadata") == "true"


def test_a_service_definition_lists_its_attributes_in_both_formats(client: TestClient) -> None:
    definition = client.get(f"{V2}/services/manhole_cover.json").json()
    assert list(definition) == ["service_code", "attributes"]
    codes = [a["code"] for a in definition["attributes"]]
    assert codes == ["location_detail", "danger_now"]
    danger = definition["attributes"][1]
    assert list(danger) == ATTRIBUTE_FIELDS
    assert danger["datatype"] == "singlevaluelist" and danger["required"] is True and danger["order"] == 2
    assert [v["key"] for v in danger["values"]] == ["yes", "no"]
    assert client.get(f"{V2}/services/consulting.json").json() == {"service_code": "consulting", "attributes": []}
    tree = xml_of(client.get(f"{V2}/services/manhole_cover.xml"), "service_definition")
    assert [c.tag for c in tree] == ["service_code", "attributes"]
    attributes = tree.find("attributes")
    assert attributes is not None and [a.tag for a in attributes] == ["attribute", "attribute"]
    assert [c.tag for c in attributes[1]] == ATTRIBUTE_FIELDS
    assert [(v.findtext("key"), v.tag) for v in attributes[1].iter("value")] == [("yes", "value"), ("no", "value")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404(client: TestClient, fmt: str) -> None:
    assert_errors(client.get(f"{V2}/services/no_such_thing.{fmt}"), 404, fmt, "no such service")


def test_an_unknown_format_is_a_404_in_json(client: TestClient) -> None:
    for path in ("services.yaml", "services/streetlight.html", "requests.csv", "requests/1.txt", "tokens/1.x"):
        assert_errors(client.get(f"{V2}/{path}"), 404, "json", "use .json or .xml")


def test_discovery_names_the_endpoint_and_its_formats(client: TestClient) -> None:
    body = client.get(f"{V2}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["formats"] == ["text/xml", "application/json"]
    tree = xml_of(client.get(f"{V2}/discovery.xml"), "discovery")
    assert [f.text for f in tree.iter("format")] == ["text/xml", "application/json"]
    assert tree.find("endpoints/endpoint/specification") is not None


# --- POST requests ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_opens_a_citizen_case_through_the_intake(client: TestClient, store: Store, fmt: str) -> None:
    key = make_key(store)
    answer = posted(client, key, fmt, first_name="Wang", last_name="Fang", phone="13911112222",
                    email="wf@example.cn", address_string="新桥路 12 号", media_url="https://img.example.cn/1.jpg",
                    **{"attribute[location_detail]": "桥东头"})
    assert answer.status_code == 201, answer.text
    if fmt == "xml":
        tree = xml_of(answer, "service_requests")
        assert [c.tag for c in tree[0]] == ["service_request_id", "token", "service_notice", "account_id"]
        case_id = int(tree[0].findtext("service_request_id") or 0)
    else:
        body = answer.json()
        assert body[0]["token"] == str(body[0]["service_request_id"])
        assert "reply within 5wd" in body[0]["service_notice"]
        case_id = body[0]["service_request_id"]
    with store.read_only() as uow:
        case = uow.cases.get(case_id)
        events = uow.cases.events(case_id)
        feed = uow.feed.since(0, limit=10)
    assert case is not None and case.source is CaseSource.CITIZEN and case.category == "streetlight"
    assert case.status is CaseStatus.REPORTED and case.platform is not None
    assert case.reporter == "Wang Fang" and case.reporter_phone == "13911112222"
    assert (case.lon, case.lat) == (LON, LAT)
    assert "attribute[location_detail]: 桥东头" in case.description and "新桥路 12 号" in case.description
    assert events[0].actor == "apikey:citizen-app" and events[0].role == "grid_staff"
    assert any(entry.kind == "case.opened" for entry in feed)
    audit = client.get("/api/audit", headers=login(client, "admin")).json()["items"]
    assert any(e["actor"] == "apikey:citizen-app" and e["action"] == "POST /open311/v2/requests.{fmt}" for e in audit)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_without_a_valid_key_is_a_403(client: TestClient, store: Store, fmt: str) -> None:
    assert_errors(posted(client, "", fmt), 403, fmt, "api_key: required")
    assert_errors(posted(client, "gwk_nothing.wrong", fmt), 403, fmt, "unknown or revoked")
    viewer = make_key(store, Role.VIEWER, name="viewer-app")
    assert_errors(posted(client, viewer, fmt), 403, fmt, "may not report cases")
    with store.read_only() as uow:
        assert uow.cases.count() == 0


BAD_POSTS: list[tuple[dict[str, Any], str]] = [
    ({"service_code": ""}, "service_code: required"),
    ({"service_code": "no_such_thing"}, "no such service"),
    ({"lat": None, "long": None}, "give lat and long"),
    ({"lat": None, "long": None, "address_string": "新桥路 12 号"}, "cannot geocode"),
    ({"long": None}, "give both"),
    ({"lat": "north"}, "lat: 'north' is not a number"),
    ({"lat": "nan"}, "not a finite number"),
    ({"lat": "95"}, "lat/long"),
    ({"crs": "EPSG:9999"}, "crs"),
    ({"service_code": "manhole_cover"}, "attribute[danger_now]: required"),
    ({"service_code": "manhole_cover", "attribute[danger_now]": "maybe"}, "is not one of no, yes"),
    ({"attribute[colour]": "red"}, "attribute[colour]: the service has no such attribute"),
    ({"attribute": "x"}, "attribute[code]=value"),
    ({"media_url": "javascript:alert(1)"}, "media_url: give an http or https URL"),
    ({"description": "长" * 4001}, "description: longer than 4000"),
    ({"description": "a\x00b"}, "description: contains a NUL character"),
]


@pytest.mark.parametrize("fields,says", BAD_POSTS, ids=[s for _, s in BAD_POSTS])
def test_a_post_missing_or_with_an_invalid_field_is_a_400(client: TestClient, store: Store, fields: dict[str, Any],
                                                          says: str) -> None:
    key = make_key(store)
    for fmt in ("json", "xml"):
        assert_errors(posted(client, key, fmt, **fields), 400, fmt, says)
    with store.read_only() as uow:
        assert uow.cases.count() == 0


def test_a_post_in_another_crs_is_stored_in_wgs84(client: TestClient, store: Store) -> None:
    key = make_key(store)
    answer = posted(client, key, lat="32.298", long="120.004", crs="gcj02")
    assert answer.status_code == 201, answer.text
    with store.read_only() as uow:
        case = uow.cases.get(answer.json()[0]["service_request_id"])
    assert case is not None and abs(case.lon - 120.004) > 1e-4 and abs(case.lon - 120.004) < 0.01


def test_an_answered_required_attribute_is_accepted(client: TestClient, store: Store) -> None:
    answer = posted(client, make_key(store), service_code="manhole_cover", **{"attribute[danger_now]": "yes"})
    assert answer.status_code == 201, answer.text


def test_posts_are_held_to_the_intake_rate_limit(client: TestClient, store: Store) -> None:
    app: Any = client.app
    app.state.intake_limiter = RateLimiter(name="case intake", rate_per_s=1.0, burst=1, clock=ManualClock())
    key = make_key(store)
    assert posted(client, key).status_code == 201
    answer = posted(client, key, "xml")
    assert_errors(answer, 429, "xml", "too many requests")
    assert answer.headers["Retry-After"] == "1"


# --- GET requests ----------------------------------------------------------------------------------------------

def test_a_request_reads_back_without_personal_data(client: TestClient, store: Store) -> None:
    key = make_key(store)
    case_id = posted(client, key, first_name="Wang", last_name="Fang", phone="13911112222", email="wf@example.cn",
                     device_id="DEV-7", account_id="acct-9", address_string="新桥路 12 号",
                     media_url="https://img.example.cn/1.jpg").json()[0]["service_request_id"]
    answer = client.get(f"{V2}/requests/{case_id}.json")
    body = answer.json()
    assert len(body) == 1 and list(body[0]) == REQUEST_FIELDS
    request = body[0]
    assert request["status"] == "open" and request["service_code"] == "streetlight"
    assert request["service_name"] == "路灯故障" and request["agency_responsible"] == "镇城建办 (service platform)"
    assert request["description"] == "路灯不亮 three lamps out by the bridge"
    assert request["address"] == "新桥路 12 号" and request["media_url"] == "https://img.example.cn/1.jpg"
    assert (request["long"], request["lat"]) == (LON, LAT)
    assert request["requested_datetime"] == "2024-05-11T08:00:00Z"
    for personal in ("Wang", "Fang", "13911112222", "wf@example.cn", "DEV-7", "acct-9"):
        assert personal not in answer.text
        assert personal not in client.get(f"{V2}/requests/{case_id}.xml").text
        assert personal not in client.get(f"{V2}/requests.json").text


def test_a_staff_case_shows_only_its_title(client: TestClient, store: Store) -> None:
    [case_id] = seed(store, make_case(created_at=NOW, updated_at=NOW, description="李雷 13800000000 说的"))
    request = client.get(f"{V2}/requests/{case_id}.json").json()[0]
    assert request["description"] == "Smoke behind the market"


def test_a_matter_about_a_person_shows_no_text_and_only_a_coarse_place(client: TestClient, store: Store) -> None:
    [case_id] = seed(store, make_case(created_at=NOW, updated_at=NOW, category="elderly_emergency",
                                      source=CaseSource.CITIZEN, lon=120.01234, lat=32.30567,
                                      title="张大爷独居 3 号楼 201", description="张大爷 3 号楼 201 摔倒"))
    request = client.get(f"{V2}/requests/{case_id}.json").json()[0]
    assert request["description"] == "" and request["service_code"] == "elderly_emergency"
    assert (request["long"], request["lat"]) == (120.01, 32.31)
    assert "张大爷" not in client.get(f"{V2}/requests.xml").text


def test_a_request_in_xml_has_the_spec_elements_and_escapes_text(client: TestClient, store: Store) -> None:
    key = make_key(store)
    text = '<b>"井盖" & 路灯</b> ]]> \u2028 bell\x07'
    case_id = posted(client, key, "xml", description=text)
    tree = xml_of(case_id, "service_requests")
    case_id = int(tree.findtext("request/service_request_id") or 0)
    tree = xml_of(client.get(f"{V2}/requests/{case_id}.xml"), "service_requests")
    assert [r.tag for r in tree] == ["request"]
    assert [c.tag for c in tree[0]] == REQUEST_FIELDS
    # A character XML cannot carry becomes U+FFFD; the rest comes back as it was sent.
    assert tree[0].findtext("description") == text.replace("\x07", "\ufffd")
    # expected_datetime: the deadline of the step the case waits on, which the case clock set at intake.
    assert tree[0].findtext("status") == "open" and (tree[0].findtext("expected_datetime") or "").endswith("Z")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_or_token_is_a_404(client: TestClient, fmt: str) -> None:
    assert_errors(client.get(f"{V2}/requests/999.{fmt}"), 404, fmt, "no such request")
    assert_errors(client.get(f"{V2}/requests/abc.{fmt}"), 404, fmt, "no such request")
    assert_errors(client.get(f"{V2}/requests/².{fmt}"), 404, fmt, "no such request")
    assert_errors(client.get(f"{V2}/tokens/999.{fmt}"), 404, fmt, "no such token")


def test_a_token_names_its_request(client: TestClient, store: Store) -> None:
    token = posted(client, make_key(store)).json()[0]["token"]
    assert client.get(f"{V2}/tokens/{token}.json").json() == [{"service_request_id": int(token), "token": token}]
    tree = xml_of(client.get(f"{V2}/tokens/{token}.xml"), "service_requests")
    assert [c.tag for c in tree[0]] == ["service_request_id", "token"]


@pytest.mark.parametrize("status", list(CaseStatus))
def test_finished_statuses_are_closed_and_the_rest_open(status: CaseStatus) -> None:
    assert service_requests.open311_status(status) == ("closed" if status in CLOSED else "open")
    assert (status in FINISHED) == (status in CLOSED)


def test_requests_filter_by_status_code_and_window(client: TestClient, store: Store) -> None:
    due = NOW + timedelta(days=2)
    ids = seed(store,
               make_case(created_at=NOW - timedelta(days=1), updated_at=NOW, due_at=due),
               make_case(created_at=NOW - timedelta(days=2), updated_at=NOW, status=CaseStatus.CLOSED),
               make_case(created_at=NOW - timedelta(days=3), updated_at=NOW, category="streetlight",
                         status=CaseStatus.ESCALATED),
               make_case(created_at=NOW - timedelta(days=100), updated_at=NOW))
    newest, closed, escalated, old = ids

    def listed(**query: str) -> list[int]:
        answer = client.get(f"{V2}/requests.json", params=query)
        assert answer.status_code == 200, answer.text
        return [r["service_request_id"] for r in answer.json()]

    # The last 90 days by default, newest first.
    assert listed() == [newest, closed, escalated]
    assert listed(status="open") == [newest]
    assert listed(status="closed") == [closed, escalated]
    assert listed(status="open,closed") == [newest, closed, escalated]
    assert listed(service_code="streetlight") == [escalated]
    assert listed(service_code="streetlight,safety_hazard", status="closed") == [closed, escalated]
    assert listed(start_date="2024-05-08T00:00:00Z", end_date="2024-05-09T17:00:00+08:00") == [closed, escalated]
    assert listed(start_date="2024-05-08T00:00:00Z", end_date="2024-05-09T15:00:00+08:00") == [escalated]
    assert listed(start_date="2024-01-01T00:00:00Z") == [old]
    # Ids override every other filter.
    assert listed(service_request_id=f"{old},{newest}", status="closed") == [newest, old]
    first = client.get(f"{V2}/requests.json").json()[0]
    assert first["expected_datetime"] == "2024-05-13T08:00:00Z"
    tree = xml_of(client.get(f"{V2}/requests.xml", params={"status": "closed"}), "service_requests")
    assert [r.findtext("status") for r in tree] == ["closed", "closed"]
    assert tree[1].findtext("status_notes") == "Escalated 上报上级"


def test_requests_answer_at_most_the_limit(client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_requests, "MAX_REQUESTS", 2)
    seed(store, *(replace(make_case(), created_at=NOW - timedelta(hours=h), updated_at=NOW) for h in range(4)))
    assert len(client.get(f"{V2}/requests.json").json()) == 2


BAD_FILTERS: list[tuple[dict[str, str], str]] = [
    ({"start_date": "yesterday"}, "start_date: 'yesterday' is not a W3C date-time"),
    ({"end_date": "2024-05-01T00:00:00"}, "end_date: '2024-05-01T00:00:00' has no time zone"),
    ({"start_date": "2024-05-02T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"}, "earlier than start_date"),
    ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"}, "more than 90 days"),
    ({"status": "pending"}, "status: 'pending' is not open or closed"),
    ({"service_request_id": "1,x"}, "numeric ids"),
    ({"service_code": ",".join(f"c{i}" for i in range(21))}, "at most 20 codes"),
]


@pytest.mark.parametrize("query,says", BAD_FILTERS, ids=[s for _, s in BAD_FILTERS])
def test_a_bad_filter_is_a_400(client: TestClient, query: dict[str, str], says: str) -> None:
    for fmt in ("json", "xml"):
        assert_errors(client.get(f"{V2}/requests.{fmt}", params=query), 400, fmt, says)


def test_public_reads_are_rate_limited_per_address(client: TestClient) -> None:
    app: Any = client.app
    app.state.open311_read_limiter = RateLimiter(name="open311 reads", rate_per_s=1.0, burst=2, clock=ManualClock())
    assert client.get(f"{V2}/services.json").status_code == 200
    assert client.get(f"{V2}/requests.json").status_code == 200
    assert_errors(client.get(f"{V2}/services.xml"), 429, "xml", "too many requests")
