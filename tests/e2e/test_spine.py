"""The spine, end to end on real components: an MQTT alarm becomes a located, routed, dispatched case."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import paho.mqtt.client as paho
import pytest

from gis.crs import Crs, from_wgs84
from gis.geometry import haversine_m, offset_lon_lat
from iot.topics import sensor_topic, team_topic
from town.models import Town

pytestmark = pytest.mark.timeout(120)


def wait_for(predicate: Callable[[], Any], *, timeout_s: float = 20.0, what: str = "condition") -> Any:
    """Poll until predicate returns something truthy, or fail saying what never happened."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}")


class SseRecorder:
    """Reads the live event stream in a thread and keeps every event."""

    def __init__(self, base_url: str, http: httpx.Client) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._stop = threading.Event()
        # The stream authenticates with a short-lived ticket: EventSource in a browser cannot send headers.
        ticket = http.post("/api/auth/stream-ticket").json()["ticket"]
        self._thread = threading.Thread(target=self._run, args=(base_url, ticket), daemon=True)
        self._thread.start()

    def _run(self, base_url: str, ticket: str) -> None:
        kind = ""
        with httpx.stream("GET", f"{base_url}/api/events/stream", params={"since": 0, "ticket": ticket},
                          timeout=None) as response:
            for line in response.iter_lines():
                if self._stop.is_set():
                    return
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    self.events.append((kind, json.loads(line.split(":", 1)[1])))

    def kinds_for_case(self, case_id: int) -> set[str]:
        found = set()
        for kind, data in self.events:
            case = data.get("case") or {}
            if case.get("id") == case_id or data.get("case_id") == case_id:
                found.add(kind)
        return found

    def close(self) -> None:
        self._stop.set()


def publisher(mqtt_url: str) -> paho.Client:
    """Return a connected paho client, a plain real MQTT client independent of the app's adapter."""
    host, port = mqtt_url.rsplit("//", 1)[1].rsplit(":", 1)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"gw-e2e-pub-{uuid.uuid4().hex[:8]}")
    client.connect(host, int(port))
    client.loop_start()
    return client


def publish(client: paho.Client, topic: str, body: dict[str, Any] | bytes) -> None:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    client.publish(topic, payload, qos=1).wait_for_publish(timeout=10)


def test_sensor_alarm_becomes_a_located_routed_dispatched_case(running_system, mosquitto_url: str, town: Town) -> None:
    http, root = running_system.http, running_system.topic_root
    device = next(d for d in town.devices if d.kind == "air_quality")
    enforcement = [t for t in town.teams if t.platform == "enforcement"]
    near_team, far_teams = enforcement[0], enforcement[1:]
    recorder = SseRecorder(running_system.base_url, http)
    client = publisher(mosquitto_url)
    now_ms = int(time.time() * 1000)
    try:
        # Put one enforcement team 300 m from the sensor and the others 3 km away, reporting from GCJ-02 phones.
        spots = {near_team.id: offset_lon_lat(device.lon, device.lat, 45, 300)}
        spots.update({t.id: offset_lon_lat(device.lon, device.lat, 90 * i, 3000) for i, t in enumerate(far_teams)})
        for team_id, (lon, lat) in spots.items():
            g_lon, g_lat = from_wgs84(lon, lat, Crs.GCJ02)
            publish(client, team_topic(team_id, root=root), {"ts": now_ms, "lon": g_lon, "lat": g_lat, "crs": "gcj02"})
        wait_for(lambda: abs(http.get(f"/api/teams/{near_team.id}").json()["lon"] - spots[near_team.id][0]) < 1e-6,
                 what="the near team's position to be stored")

        # A bad message before and after the alarm: both dead-lettered, the good ones around them all stored.
        # The repeat is milder than the first alarm: the alert keeps the worst value beside the latest.
        readings = sensor_topic(device.id, root=root)
        publish(client, readings, b"{not json")
        publish(client, readings, {"ts": now_ms, "values": {"pm25": 40}})
        publish(client, readings, {"ts": now_ms + 1, "values": {"pm25": 270}})
        publish(client, sensor_topic("NO-SUCH-DEVICE", root=root), {"ts": now_ms, "values": {"pm25": 999}})
        publish(client, readings, {"ts": now_ms + 2, "values": {"pm25": float("nan")}})
        publish(client, readings, {"ts": now_ms + 3, "values": {"pm25": 260}})

        cases = wait_for(lambda: http.get("/api/cases").json()["items"], what="the alarm to become a case")
        wait_for(lambda: http.get("/healthz").json()["ingest"]["readings"] >= 3, what="three good readings")
        health = http.get("/healthz").json()
        assert health["ingest"]["readings"] == 3
        assert health["last_reading_at"] is not None
        assert health["counts"]["dead_letters"] == 3
        letters = http.get("/api/dead-letters").json()["items"]
        reasons = " | ".join(letter["reason"] for letter in letters)
        assert "not JSON" in reasons and "unknown device 'NO-SUCH-DEVICE'" in reasons
        assert any(letter["payload_text"] == "{not json" for letter in letters)

        assert len(cases) == 1, "a repeated alarm must fold into the open alert, not open a second case"
        case = wait_for(lambda: (c := http.get(f"/api/cases/{cases[0]['id']}").json())["status"] == "dispatched" and c,
                        what="the case to be dispatched")
        located = http.get("/api/grids/locate", params={"lon": device.lon, "lat": device.lat}).json()
        assert len(located["grid_path"]) == 3
        assert case["grid_path"] == located["grid_path"]
        assert case["platform"] == "enforcement"
        assert case["category"] == "air_pollution"
        assert case["team"]["id"] == near_team.id
        assert [(a["team_id"], a["role"], a["released_at"]) for a in case["assignments"]] == [(near_team.id, "lead", None)]
        assert [e["action"] for e in case["events"]] == ["report", "accept", "dispatch"]
        assert all(e["actor"] == "system:auto" and e["at"] for e in case["events"])
        dispatch = case["events"][-1]
        assert dispatch["data"]["distance_m"] == pytest.approx(haversine_m(device.lon, device.lat, *spots[near_team.id]), abs=2)
        alert = http.get(f"/api/alerts/{case['alert_id']}").json()
        assert alert["occurrences"] == 2 and alert["worst_value"] == 270 and alert["severity"] == "critical"
        assert alert["value"] == 260 and alert["status"] == "raised" and alert["rule_id"] == "air-quality-pm25-high"
        assert alert["grid_path"] == located["grid_path"]

        wait_for(lambda: {"case.opened", "team.assigned"} <= recorder.kinds_for_case(case["id"]),
                 what="the SSE stream to announce the case and the assignment")
        assert any(kind == "alert.raised" for kind, _ in recorder.events)
    finally:
        recorder.close()
        client.loop_stop()
        client.disconnect()

    _walk_the_loop(http, case["id"], near_team.id)


def _walk_the_loop(http: httpx.Client, case_id: int, team_id: str) -> None:
    refused = http.post(f"/api/cases/{case_id}/actions/close", json={})
    assert refused.status_code == 409
    assert refused.json()["detail"] == f"case {case_id} is 'dispatched'; 'close' needs 'verified'"
    bad = http.post(f"/api/cases/{case_id}/actions/start", json={"priority": "high"})
    assert bad.status_code == 422 and "priority" in bad.text
    for action, body in [("start", {}), ("feedback", {"note": "工厂已停产整改"}), ("verify", {"passed": True}),
                         ("close", {}), ("evaluate", {"satisfaction": 5})]:
        answer = http.post(f"/api/cases/{case_id}/actions/{action}", json=body)
        assert answer.status_code == 200, answer.text
    case = http.get(f"/api/cases/{case_id}").json()
    assert case["status"] == "evaluated" and case["satisfaction"] == 5
    steps = case["events"][-5:]
    assert [e["action"] for e in steps] == ["start", "feedback", "verify", "close", "evaluate"]
    assert {e["actor"] for e in steps} == {"duty-operator"}, "the actor comes from the token, not the body"
    assert http.get(f"/api/teams/{team_id}").json()["status"] == "available"
    assert http.get(f"/api/alerts/{case['alert_id']}").json()["status"] == "cleared"
