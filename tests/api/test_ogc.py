"""OGC API - Features over HTTP: the documents, paging, bbox, datetime, queryables, refusals, reach and masking."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from access.models import Role
from access.service import create_api_key
from api.ogc.query import MAX_LIMIT, parse_limit
from api.responses.ogc import AnyItem, OgcFeatureCollection
from cases.models import Platform
from storage import Store
from tests.api.conftest import login
from tests.factories import at, make_alert, make_box_town, make_camera, make_case, make_team
from video.models import Credentials

ITEMS = "/ogc/collections/{}/items"
OgcItem: TypeAdapter[Any] = TypeAdapter(AnyItem)


def _seed(store: Store) -> dict[str, list[int]]:
    """Load the box town, cases in two villages and platforms, alerts over two and a half hours, teams, a camera."""
    grids = make_box_town()
    ids: dict[str, list[int]] = {"v01": [], "v02": [], "market": [], "alerts": []}
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(grids)
        for i in range(12):
            case = uow.cases.add(make_case(f"v01-{i}", created_at=at(i), lon=120.01 + i * 0.001))
            ids["v01"].append(case.id)  # type: ignore[arg-type]
        for i in range(5):
            case = uow.cases.add(make_case(f"v02-{i}", created_at=at(100 + i), grid_path=("T01", "V02", "N07"),
                                           lon=120.15, category="noise_nuisance"))
            ids["v02"].append(case.id)  # type: ignore[arg-type]
        for i in range(3):
            case = uow.cases.add(make_case(f"market-{i}", created_at=at(200 + i), platform=Platform.MARKET,
                                           grid_path=("T01", "V02", "N07"), lon=120.15))
            ids["market"].append(case.id)  # type: ignore[arg-type]
        for i in range(6):
            alert = uow.alerts.add(make_alert(f"aq-{i}", raised_at=at(i * 30), last_seen_at=at(i * 30)))
            ids["alerts"].append(alert.id)  # type: ignore[arg-type]
        uow.teams.upsert_many([make_team(f"gov-{i}", lon=120.0 + i * 0.05, lat=32.05) for i in range(4)]
                              + [make_team("mkt-1", platform=Platform.MARKET, lon=None, lat=None)])
        uow.cameras.upsert_many([make_camera("cam-1", stream_url="rtsp://10.0.0.5/stream")])
        uow.cameras.set_credentials("cam-1", Credentials("admin", "S3cret-Pass"))
    return ids


@pytest.fixture
def seeded(store: Store, app_client: TestClient) -> tuple[TestClient, dict[str, list[int]]]:
    return app_client, _seed(store)


def _login(client: TestClient, who: str) -> dict[str, str]:
    """Return an account's Authorization header, logging it in once per client (logins are rate limited)."""
    logins = client.__dict__.setdefault("ogc_logins", {})
    if who not in logins:
        logins[who] = login(client, who)
    return logins[who]


def _get(client: TestClient, who: str, url: str, **kwargs: Any) -> Any:
    """GET as an account."""
    return client.get(url, headers={**_login(client, who), **kwargs.pop("headers", {})}, **kwargs)


def _all_pages(client: TestClient, headers: dict[str, str], url: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """Follow next links from url; return every feature id and every page."""
    ids, pages = [], []
    while url:
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/geo+json")
        page = answer.json()
        pages.append(page)
        ids += [f["id"] for f in page["features"]]
        url = next((l["href"] for l in page["links"] if l["rel"] == "next"), "")
    return ids, pages


def test_landing_page_links_the_api_definition_conformance_and_collections(seeded: Any) -> None:
    client, _ = seeded
    doc = _get(client, "viewer", "/ogc/").json()
    rels = {l["rel"]: l for l in doc["links"]}
    assert {"self", "alternate", "service-desc", "conformance", "data"} <= set(rels)
    assert rels["data"]["href"].endswith("/ogc/collections") and rels["conformance"]["href"].endswith("/conformance")
    definition = _get(client, "viewer", rels["service-desc"]["href"]).json()
    assert definition["servers"] == [{"url": "http://testserver/ogc"}]
    assert {"/", "/conformance", "/collections", "/collections/{collectionId}/items"} <= set(definition["paths"])
    assert not any(path.startswith("/api") for path in definition["paths"])
    limit = next(p for p in definition["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 10_000
    assert _get(client, "viewer", "/ogc").json() == doc


def test_conformance_declares_core_geojson_html_and_the_queryables_of_part_3(seeded: Any) -> None:
    client, _ = seeded
    classes = _get(client, "viewer", "/ogc/conformance").json()["conformsTo"]
    part1 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
    part3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
    assert set(classes) == {part1 + "core", part1 + "geojson", part1 + "html", part3 + "queryables",
                            part3 + "queryables-query-parameters"}


def test_collections_are_one_per_grid_level_held_then_cases_alerts_cameras_teams(seeded: Any) -> None:
    client, _ = seeded
    doc = _get(client, "viewer", "/ogc/collections").json()
    by_id = {c["id"]: c for c in doc["collections"]}
    assert list(by_id) == ["grids-level-1", "grids-level-2", "grids-level-3", "cases", "alerts", "cameras", "teams"]
    assert by_id["grids-level-3"]["extent"]["spatial"]["bbox"] == [[120.0, 32.0, 120.2, 32.1]]
    assert by_id["grids-level-1"]["extent"]["spatial"]["bbox"] == [[120.0, 32.0, 120.2, 32.1]]
    assert by_id["cases"]["extent"]["temporal"]["interval"] == [[at(0).isoformat(), at(202).isoformat()]]
    assert by_id["alerts"]["extent"]["temporal"]["interval"] == [[at(0).isoformat(), at(150).isoformat()]]
    assert "temporal" not in by_id["cameras"]["extent"]
    for collection in by_id.values():
        assert collection["itemType"] == "feature"
        assert {l["rel"] for l in collection["links"]} >= {"self", "items"}
        one = _get(client, "viewer", f"/ogc/collections/{collection['id']}").json()
        assert one["id"] == collection["id"] and one["extent"] == collection["extent"]


def test_grid_collections_follow_the_levels_the_store_holds(store: Store, app_client: TestClient) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([g for g in make_box_town() if g.level < 3])
    ids = [c["id"] for c in _get(app_client, "viewer", "/ogc/collections").json()["collections"]]
    assert ids == ["grids-level-1", "grids-level-2", "cases", "alerts", "cameras", "teams"]
    assert _get(app_client, "viewer", "/ogc/collections/grids-level-3").status_code == 404
    assert _get(app_client, "viewer", "/ogc/collections/cases").json()["extent"]["spatial"]["bbox"] == [
        [120.0, 32.0, 120.2, 32.1]]


def test_next_links_page_every_feature_once_carrying_every_parameter(seeded: Any) -> None:
    client, ids = seeded
    headers = _login(client, "operator")
    url = ITEMS.format("cases") + "?limit=5&bbox=119.9,32.2,120.3,32.4&status=reported&datetime=../2030-01-01T00:00:00Z"
    got, pages = _all_pages(client, headers, url)
    assert sorted(got) == sorted(ids["v01"] + ids["v02"] + ids["market"]) and len(pages) == 4
    assert [p["numberReturned"] for p in pages] == [5, 5, 5, 5] and {p["numberMatched"] for p in pages} == {20}
    for page in pages[:-1]:
        nxt = next(l["href"] for l in page["links"] if l["rel"] == "next")
        for kept in ("limit=5", "bbox=119.9%2C32.2%2C120.3%2C32.4", "status=reported", "datetime=..%2F2030"):
            assert kept in nxt, (kept, nxt)
    prev = next(l["href"] for l in pages[1]["links"] if l["rel"] == "prev")
    assert client.get(prev, headers=headers).json()["features"] == pages[0]["features"]
    assert "prev" not in {l["rel"] for l in pages[0]["links"]}
    assert pages[0]["timeStamp"] and pages[0]["type"] == "FeatureCollection"


@pytest.mark.parametrize("collection", ["grids-level-3", "alerts", "cameras", "teams"])
def test_every_collection_pages_to_its_full_count(seeded: Any, store: Store, collection: str) -> None:
    client, _ = seeded
    got, pages = _all_pages(client, _login(client, "operator"), ITEMS.format(collection) + "?limit=2")
    assert len(got) == len(set(got)) == pages[0]["numberMatched"] > 0
    with store.read_only() as uow:
        expected = {"grids-level-3": uow.grids.count(level=3), "alerts": uow.alerts.count(),  # type: ignore[arg-type]
                    "cameras": uow.cameras.count(), "teams": len(uow.teams.all())}[collection]
    assert len(got) == expected
    for page_body in pages:  # each page is the shape /openapi.json documents (the fuzzer found grids that were not)
        OgcFeatureCollection.model_validate(page_body)
        OgcItem.validate_python(page_body["features"][0] | {"links": []})


def test_limit_defaults_to_ten_and_above_the_maximum_the_maximum_is_used(seeded: Any) -> None:
    client, _ = seeded
    assert _get(client, "operator", ITEMS.format("cases")).json()["numberReturned"] == 10
    page = _get(client, "operator", ITEMS.format("cases") + "?limit=50000").json()
    assert page["numberReturned"] == 20 and "next" not in {l["rel"] for l in page["links"]}
    assert parse_limit("50000") == MAX_LIMIT == 10_000 and parse_limit(None) == 10


@pytest.mark.parametrize(("query", "says"), [
    ("limit=0", "'limit' '0': must be from 1"),
    ("limit=ten", "'limit' 'ten': a whole number"),
    ("offset=-1", "'offset' '-1'"),
    ("bbox=120,32,121", "four numbers expected, not 3"),
    ("bbox=120,32,121,33,0,10", "not 6"),
    ("bbox=a,b,c,d", "'bbox' 'a,b,c,d': four numbers"),
    ("bbox=120,33,121,32", "min_lat <= max_lat"),
    ("bbox=179,32,-179,33", "antimeridian"),
    ("bbox=120,32,200,33", "lon in -180..180"),
    ("datetime=yesterday", "'datetime' 'yesterday': not an RFC 3339"),
    ("datetime=2024-05-01T08:00:00", "needs a date, a time and an offset"),
    ("datetime=2024-05-02T00:00:00Z/2024-05-01T00:00:00Z", "ends before it starts"),
    ("datetime=a/b/c", "one interval"),
    ("sortby=title", "'sortby': unknown here"),
    ("limit=1&limit=2", "'limit': given more than once"),
    ("status=lost", "'status' 'lost': use one of reported"),
    ("parent_code=T", "'parent_code': unknown here"),
    ("f=xml", "'f' 'xml': use json or html"),
])
def test_a_bad_query_parameter_is_a_400_exception_naming_it(seeded: Any, query: str, says: str) -> None:
    client, _ = seeded
    answer = _get(client, "operator", ITEMS.format("cases") + "?" + query)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["code"] == "InvalidParameterValue" and says in body["description"], body


def test_datetime_takes_instants_closed_and_open_intervals_and_dates(seeded: Any) -> None:
    client, ids = seeded

    def matched(collection: str, value: str) -> int:
        answer = _get(client, "operator", ITEMS.format(collection), params={"datetime": value})
        assert answer.status_code == 200, answer.text
        return answer.json()["numberMatched"]

    assert matched("cases", at(3).isoformat()) == 1
    assert matched("cases", at(3).strftime("%Y-%m-%dT%H:%M:%SZ")) == 1
    assert matched("cases", f"{at(0).isoformat()}/{at(11).isoformat()}") == 12
    assert matched("cases", f"../{at(11).isoformat()}") == 12
    assert matched("cases", f"{at(100).isoformat()}/..") == 8
    assert matched("cases", f"{at(100).isoformat()}/") == 8
    assert matched("cases", at(0).date().isoformat()) == 20
    assert matched("cases", "2020-01-01") == 0
    assert matched("alerts", f"{at(30).isoformat()}/{at(90).isoformat()}") == 3
    assert matched("alerts", f"{at(120).isoformat()}/..") == 2
    # Collections without a time ignore datetime (Part 1, /req/core/fc-time-response).
    assert matched("cameras", "2020-01-01") == 1


def test_queryables_filter_by_equality_and_are_described_per_collection(seeded: Any) -> None:
    client, ids = seeded

    def matched(collection: str, **params: str) -> int:
        answer = _get(client, "operator", ITEMS.format(collection), params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()["numberMatched"]

    assert matched("cases", platform="market") == 3
    assert matched("cases", category="noise_nuisance") == 5
    assert matched("cases", grid_code="V01") == 12
    assert matched("cases", grid_code="N07", platform="governance") == 5
    assert matched("teams", platform="market") == 1
    assert matched("teams", bbox="120.04,32.0,120.2,32.1") == 3
    assert matched("grids-level-3", parent_code="T0") == 2
    doc = _get(client, "operator", "/ogc/collections/cases/queryables")
    assert doc.headers["content-type"].startswith("application/schema+json")
    schema = doc.json()
    assert set(schema["properties"]) == {"status", "platform", "category", "grid_code"}
    assert "market" in schema["properties"]["platform"]["enum"] and schema["additionalProperties"] is False
    assert _get(client, "operator", "/ogc/collections/cameras/queryables").json()["properties"] == {}


def test_unknown_collections_and_features_are_404_exceptions(seeded: Any) -> None:
    client, ids = seeded
    for url in ("/ogc/collections/roads", "/ogc/collections/grids-level-9/items", "/ogc/collections/grids-level-0",
                "/ogc/collections/cases/items/999999", "/ogc/collections/cases/items/abc",
                # '²' and '٣' pass str.isdigit(); the first breaks int() (a 500 the fuzzer found on PostGIS).
                "/ogc/collections/cases/items/²", "/ogc/collections/cases/items/٣",
                "/ogc/collections/cases/items/99999999999999999999", "/ogc/collections/cameras/items/nope",
                "/ogc/collections/grids-level-2/items/T0a", "/ogc/collections/teams/items/x"):
        answer = _get(client, "operator", url)
        assert answer.status_code == 404, (url, answer.text)
        assert answer.json()["code"] == "NotFound" and answer.json()["description"], url
    feature = _get(client, "operator", f"/ogc/collections/grids-level-3/items/T0a").json()
    assert feature["id"] == "T0a" and feature["geometry"]["type"] == "Polygon"
    assert {l["rel"] for l in feature["links"]} == {"self", "alternate", "collection"}


def test_every_route_needs_credentials(seeded: Any) -> None:
    client, _ = seeded
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/cases",
                ITEMS.format("grids-level-1"),
                "/ogc/collections/alerts/items/1", "/ogc/api"):
        assert client.get(url).status_code == 401, url


def test_grid_staff_see_only_cases_of_their_grids_and_members_their_platform(seeded: Any, store: Store) -> None:
    client, ids = seeded
    got, _ = _all_pages(client, _login(client, "staff"), ITEMS.format("cases") + "?limit=4")
    assert sorted(got) == sorted(ids["v01"])
    assert _get(client, "staff", ITEMS.format("cases") + f"/{ids['v02'][0]}").status_code == 404
    assert _get(client, "staff", ITEMS.format("cases") + f"/{ids['v01'][0]}").status_code == 200
    got, _ = _all_pages(client, _login(client, "member"), ITEMS.format("cases"))
    assert sorted(got) == sorted(ids["market"])
    assert _get(client, "member", ITEMS.format("cases") + "?platform=governance").json()["numberMatched"] == 0
    # An API key bound to a grid has the same reach, and its reporters are masked by its role.
    with store.unit_of_work() as uow:
        _, secret = create_api_key(keys=uow.api_keys, name="qgis-v02", role=Role.VIEWER, grid_codes=("V02",),
                                   now=datetime.now(UTC))
    page = client.get(ITEMS.format("cases") + "?limit=100", headers={"X-API-Key": secret}).json()
    assert page["numberMatched"] == 20  # a viewer's reach is the town; its view of people is masked
    assert {f["properties"]["reporter_phone"] for f in page["features"]} == {"138****0000"}


def test_reporters_are_masked_for_roles_without_personal_read_everywhere(seeded: Any) -> None:
    client, ids = seeded
    case_url = ITEMS.format("cases") + f"/{ids['v01'][0]}"
    for who, phone in (("viewer", "138****0000"), ("operator", "13800000000")):
        page = _get(client, who, ITEMS.format("cases") + "?limit=100").json()
        assert {f["properties"]["reporter_phone"] for f in page["features"]} == {phone}
        assert _get(client, who, case_url).json()["properties"]["reporter_phone"] == phone
        html = _get(client, who, case_url + "?f=html").text + _get(client, who, ITEMS.format("cases") + "?f=html").text
        assert (phone in html) and (who == "operator" or "13800000000" not in html)


def test_camera_credentials_never_appear(seeded: Any) -> None:
    client, _ = seeded
    for url in (ITEMS.format("cameras"), ITEMS.format("cameras") + "/cam-1", ITEMS.format("cameras") + "?f=html"):
        text = _get(client, "admin", url).text
        assert "S3cret-Pass" not in text and "admin:" not in text, url
    props = _get(client, "admin", ITEMS.format("cameras") + "/cam-1").json()["properties"]
    assert props["stream_url"] == "rtsp://10.0.0.5/stream" and props["has_credentials"] is True


def test_html_by_f_or_accept_escapes_every_value(seeded: Any, store: Store) -> None:
    client, _ = seeded
    with store.unit_of_work() as uow:
        uow.cases.add(make_case("<script>alert('x')</script>", created_at=at(500)))
    for url, headers in ((ITEMS.format("cases") + "?f=html", {}),
                         (ITEMS.format("cases"), {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})):
        answer = _get(client, "operator", url, headers=headers)
        assert answer.headers["content-type"].startswith("text/html"), url
        assert "<script>" not in answer.text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in answer.text
        assert re.search(r'href="[^"]*/ogc/collections/cases/items/\d+\?f=html"', answer.text)
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/teams"):
        answer = _get(client, "viewer", url, headers={"Accept": "text/html"})
        assert answer.status_code == 200 and answer.text.startswith("<!doctype html>"), url
        assert "<script" not in answer.text and 'src="' not in answer.text, url
    geojson = _get(client, "operator", ITEMS.format("cases"), headers={"Accept": "application/geo+json"})
    assert geojson.headers["content-type"].startswith("application/geo+json")


def test_reads_of_cases_with_people_unmasked_are_audited(seeded: Any, store: Store) -> None:
    client, ids = seeded
    headers = _login(client, "operator")
    with store.read_only() as uow:
        before = uow.audit.count()
    client.get(ITEMS.format("cases"), headers=headers)
    client.get(ITEMS.format("cases") + f"/{ids['v01'][0]}", headers=headers)
    client.get(ITEMS.format("teams"), headers=headers)
    with store.read_only() as uow:
        assert uow.audit.count() == before + 2


def test_team_without_position_has_null_geometry(seeded: Any) -> None:
    client, _ = seeded
    feature = _get(client, "viewer", ITEMS.format("teams") + "/mkt-1").json()
    assert feature["geometry"] is None and feature["properties"]["platform"] == "market"
