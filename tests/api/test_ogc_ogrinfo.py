"""GDAL's own OGC API client (ogrinfo, OAPIF driver) lists every collection and pages every feature through, with an
API key, on the synthetic town; restricted keys see only their reach and masked people, as in the rest of the API."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from access.models import Role
from access.service import create_api_key
from api.app import create_app
from cases.models import Platform
from gridwatch.towns import load_town
from storage import Store
from tests.factories import make_alert, make_case
from tests.serving import serve_app
from town.generate import generate_town

pytestmark = pytest.mark.timeout(300)
OGRINFO = os.environ.get("GRIDWATCH_TEST_OGRINFO", "/usr/bin/ogrinfo")
T0 = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def ogrinfo() -> str:
    """Return the path of ogrinfo; without it, skip on a laptop and fail in CI."""
    found = OGRINFO if Path(OGRINFO).exists() else shutil.which("ogrinfo")
    if found is None:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"ogrinfo not found at {OGRINFO} (CI=true: install gdal-bin; a missing client is a failure)")
        pytest.skip(f"ogrinfo not found at {OGRINFO} (install gdal-bin)")
    return found


def _seed(store: Store) -> dict[str, str]:
    """Load town 7, cases in every village (some by the market platform), alerts, and API keys of three reaches."""
    town = generate_town(7)
    load_town(store, town)
    villages = [g for g in town.grids if g.level == 2]
    with store.unit_of_work() as uow:
        for i in range(23):
            village = villages[i % len(villages)]
            centre = village.geometry.representative_point()
            uow.cases.add(make_case(f"case {i}", lon=centre.x, lat=centre.y,
                                    grid_path=(village.parent_code, village.code),
                                    created_at=T0 + timedelta(hours=i), updated_at=T0 + timedelta(hours=i),
                                    platform=Platform.MARKET if i % 4 == 0 else Platform.GOVERNANCE))
        for i in range(9):
            uow.alerts.add(make_alert(f"aq-{i}", raised_at=T0 + timedelta(minutes=i), last_seen_at=T0))
        keys = {name: create_api_key(keys=uow.api_keys, name=name, role=role, grid_codes=grids, platform=platform,
                                     now=datetime.now(UTC))[1]
                for name, role, grids, platform in (
                    ("operator", Role.OPERATOR, (), None),
                    ("viewer", Role.VIEWER, (), None),
                    ("staff", Role.GRID_STAFF, (villages[0].code,), None))}
    keys["village"] = villages[0].code
    return keys


@pytest.fixture
def served(store: Store, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Serve the app over real HTTP on the seeded store; yield the OGC root and the keys."""
    keys = _seed(store)
    with serve_app(create_app(store=store, data_dir=tmp_path)) as base_url:
        yield f"OAPIF:{base_url}/ogc", keys


def _run(ogrinfo: str, key: str, *args: str) -> str:
    """Run ogrinfo with the API key header; return its output, failing on any error it reports."""
    return _ogrinfo(ogrinfo, key, *args).stdout


def _ogrinfo(ogrinfo: str, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([ogrinfo, "-ro", *args, "--config", "GDAL_HTTP_HEADERS", f"X-API-Key: {key}",
                           "--config", "GDAL_HTTP_TIMEOUT", "30"], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr
    return done


def _fetched(done: subprocess.CompletedProcess[str]) -> list[str]:
    """Return the URLs GDAL fetched (its HTTP debug lines)."""
    return re.findall(r"HTTP: Fetch\((\S+)\)", done.stderr)


def _features(output: str, layer: str) -> list[str]:
    return re.findall(rf"^OGRFeature\({re.escape(layer)}\):(\d+)$", output, flags=re.M)


def _expected(store: Store) -> dict[str, int]:
    with store.read_only() as uow:
        levels = sorted({g.level for g in uow.grids.all()})
        counts = {f"grids-level-{n}": uow.grids.count(level=n) for n in levels}  # type: ignore[arg-type]
        counts |= {"cases": uow.cases.count(), "alerts": uow.alerts.count(), "cameras": uow.cameras.count(),
                   "teams": len(uow.teams.all())}
    return counts


def test_ogrinfo_lists_every_collection_and_pages_every_feature(ogrinfo: str, served: Any, store: Store) -> None:
    root, keys = served
    expected = _expected(store)
    listing = _run(ogrinfo, keys["operator"], "-so", root)
    layers = re.findall(r"^\d+: (\S+) \(title: [^)]*\) \((\w+)\)", listing, flags=re.M)
    assert [name for name, _ in layers] == list(expected)
    assert {name: kind for name, kind in layers if name.startswith("grids")} == {
        name: "Polygon" for name in expected if name.startswith("grids")}
    for layer, count in expected.items():
        assert count > 0, layer
        # A page size well under the count makes GDAL follow several next links.
        page_size = max(1, count // 4)
        output = _run(ogrinfo, keys["operator"], "-oo", f"PAGE_SIZE={page_size}", root, layer)
        ids = _features(output, layer)
        assert len(ids) == len(set(ids)) == count, (layer, len(ids), count)
        assert f"Feature Count: {count}" in output, layer


def test_ogrinfo_sees_only_the_keys_reach_and_people_masked_for_a_viewer(ogrinfo: str, served: Any,
                                                                          store: Store) -> None:
    root, keys = served
    with store.read_only() as uow:
        in_village = uow.cases.count(grid_code=keys["village"])
    staff = _run(ogrinfo, keys["staff"], "-oo", "PAGE_SIZE=2", root, "cases")
    assert 0 < len(_features(staff, "cases")) == in_village < _expected(store)["cases"]
    assert set(re.findall(r"grid_path \(StringList\) = \(\d+:[^)]*\)", staff)) and all(
        keys["village"] in line for line in re.findall(r"grid_path \(StringList\) = .*", staff))
    viewer = _run(ogrinfo, keys["viewer"], "-oo", "PAGE_SIZE=5", root, "cases")
    assert "13800000000" not in viewer and viewer.count("reporter_phone (String) = 138****0000") == 23
    operator = _run(ogrinfo, keys["operator"], "-oo", "PAGE_SIZE=50", root, "cases")
    assert operator.count("reporter_phone (String) = 13800000000") == 23


def test_ogrinfo_sends_a_queryable_and_a_bbox_for_the_server_to_apply(ogrinfo: str, served: Any,
                                                                      store: Store) -> None:
    root, keys = served
    with store.read_only() as uow:
        market = uow.cases.count(platform=Platform.MARKET)
        grid = uow.grids.list(level=2, limit=1)[0]  # type: ignore[arg-type]
        min_lon, min_lat, max_lon, max_lat = grid.geometry.bounds
        cameras_in = uow.cameras.count(bbox=(min_lon, min_lat, max_lon, max_lat))
    done = _ogrinfo(ogrinfo, keys["operator"], "-oo", "PAGE_SIZE=3", "-where", "platform = 'market'", root, "cases",
                    "--config", "CPL_DEBUG", "ON")
    assert len(_features(done.stdout, "cases")) == market > 0
    # GDAL found the queryable among the items path's parameters in /ogc/api and let the server filter.
    # (Its first request, which learns the layer's fields, comes before the filter is set.)
    filtered = [url for url in _fetched(done) if "/collections/cases/items" in url and "platform=market" in url]
    assert len(filtered) >= market / 3, _fetched(done)
    assert all("platform=market" in url for url in _fetched(done) if "offset=" in url), _fetched(done)
    done = _ogrinfo(ogrinfo, keys["operator"], "-spat", str(min_lon), str(min_lat), str(max_lon), str(max_lat),
                    root, "cameras", "--config", "CPL_DEBUG", "ON")
    assert len(_features(done.stdout, "cameras")) == cameras_in > 0
    assert any("/collections/cameras/items" in url and "bbox=" in url for url in _fetched(done)), _fetched(done)
