"""A third-party Open311 client from PyPI (georeport 0.3.1) against the app served over real HTTP, on both stores.

georeport reads (services, a definition, requests by id and by filter, in JSON and XML) but has no call to post
a request; the post is sent with requests, the HTTP library georeport itself uses, form-encoded as the spec says.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from access.models import Role
from access.service import create_api_key
from api.app import create_app
from storage import Store
from tests.api.conftest import POLICY
from tests.factories import LAT, LON
from tests.serving import serve_app

try:
    import requests
    from georeport import GeoReport
except ImportError as exc:  # pragma: no cover - the dev extras install it
    if os.environ.get("CI") == "true":
        raise
    pytest.skip(f"georeport (dev extras) is not installed: {exc}", allow_module_level=True)


@pytest.fixture
def endpoint(store: Store, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Serve the app over HTTP; yield the Open311 root URL and an app's API key."""
    with store.unit_of_work() as uow:
        _, key = create_api_key(keys=uow.api_keys, name="georeport-app", role=Role.GRID_STAFF, now=datetime.now(UTC))
    with serve_app(create_app(store=store, token_policy=POLICY, data_dir=tmp_path)) as base_url:
        yield f"{base_url}/open311/v2", key


def test_georeport_lists_posts_reads_and_filters(endpoint: tuple[str, str]) -> None:
    root, key = endpoint
    client = GeoReport(root, api_key=key)
    services = client.get_service_list()
    assert "streetlight" in {s["service_code"] for s in services}
    definition = client.get_service_definition("manhole_cover")
    assert [a["code"] for a in definition["attributes"]] == ["location_detail", "danger_now"]

    answer = requests.post(f"{root}/requests.json", timeout=10, data={
        "api_key": client.api_key, "service_code": "manhole_cover", "lat": LAT, "long": LON,
        "description": "井盖丢了 <manhole> & gone", "attribute[danger_now]": "yes", "first_name": "Zhao"})
    assert answer.status_code == 201, answer.text
    request_id = str(answer.json()[0]["service_request_id"])

    one = client.get_service_request(request_id)
    assert one["service_code"] == "manhole_cover" and one["status"] == "open"
    assert one["description"] == "井盖丢了 <manhole> & gone" and "Zhao" not in str(one)
    found = client.get_service_requests(service_code="manhole_cover", status="open")
    assert [str(r["service_request_id"]) for r in found] == [request_id]
    assert client.get_service_requests(status="closed") == []
    assert [str(r["service_request_id"]) for r in client.get_service_requests(service_request_id=request_id)] == \
        [request_id]

    xml_client = GeoReport(root, api_key=key, output_format="xml")
    assert {s["service_code"] for s in xml_client.get_service_list()} == {s["service_code"] for s in services}
    xml_definition = xml_client.get_service_definition("manhole_cover")
    assert [a["code"] for a in xml_definition["attributes"]["attribute"]] == ["location_detail", "danger_now"]
    xml_one = xml_client.get_service_request(request_id)
    assert xml_one["service_request_id"] == request_id and xml_one["description"] == one["description"]
    # xmltodict gives one <request> as a dict (and georeport cannot read an empty list: it subscripts None).
    xml_found = xml_client.get_service_requests(service_code="manhole_cover", status="open")
    assert xml_found["service_request_id"] == request_id and xml_found["lat"] == str(LAT)


def test_georeport_sees_the_spec_errors(endpoint: tuple[str, str]) -> None:
    root, _ = endpoint
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        with pytest.raises(requests.HTTPError) as raised:
            client.get_service_definition("no_such_service")
        assert raised.value.response.status_code == 404
        assert "no such service" in raised.value.response.text
        with pytest.raises(requests.HTTPError) as raised:
            client.get_service_requests(status="pending")
        assert raised.value.response.status_code == 400
    refused = requests.post(f"{root}/requests.xml", data={"api_key": "gwk_bad.key", "service_code": "streetlight",
                                                           "lat": LAT, "long": LON}, timeout=10)
    assert refused.status_code == 403 and "<errors><error><code>403</code>" in refused.text
