"""Through the ingest pipeline: a reading in a Gauss-Krüger zone lands in its grid; one outside every grid is kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cases.locator import Locator
from gis.crs import from_wgs84, parse_crs
from gridwatch.pipeline import Pipeline
from iot.models import Device, SensorKind
from iot.mqtt import InboundMessage
from storage import Store
from tests.factories import handle_as_worker, make_box_town

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000) - 600_000


def _loud(device_id: str, ms: int, lon: float, lat: float, crs: str) -> InboundMessage:
    payload = json.dumps({"ts": TS_MS + ms, "values": {"db": 95.0}, "lon": lon, "lat": lat, "crs": crs}).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device_id}/readings", payload=payload, received_at=NOW)


def test_alerts_from_projected_and_outside_positions_are_located_or_flagged_never_dropped(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.replace_all(make_box_town())
        uow.devices.upsert_many([Device("N-IN", SensorKind.NOISE, "inside", 120.0, 32.0, mobile=True),
                                 Device("N-OUT", SensorKind.NOISE, "outside", 120.0, 32.0, mobile=True)])
    x, y = from_wgs84(120.15, 32.07, parse_crs("EPSG:4528"))
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    handle_as_worker(pipeline, [_loud("N-IN", 0, x, y, "EPSG:4528"), _loud("N-OUT", 0, 120.5, 32.5, "wgs84")])
    with store.read_only() as uow:
        alerts = {a.device_id: a for a in uow.alerts.list(limit=10)}
        cases = {c.alert_id: c for c in uow.cases.list(limit=10)}
    assert alerts["N-IN"].grid_path == ("T", "T1", "T1a")
    assert abs(alerts["N-IN"].lon - 120.15) < 1e-8 and abs(alerts["N-IN"].lat - 32.07) < 1e-8
    assert alerts["N-OUT"].grid_path == ()
    assert cases[alerts["N-OUT"].id].grid_path == () and cases[alerts["N-IN"].id].grid_path == ("T", "T1", "T1a")
