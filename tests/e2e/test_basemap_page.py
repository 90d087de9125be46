"""The page puts the operator's local basemap under the map when one is configured, and looks whole without it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from access.models import Role
from access.service import create_user
from api.app import create_app
from gridwatch.basemap import open_basemap
from gridwatch.runtime import open_migrated_store
from tests.api.test_basemap import png
from tests.e2e.conftest import OPERATOR, PASSWORD, log_in
from tests.serving import serve_app

pytestmark = pytest.mark.timeout(120)

# The page opens at (120.5 E, 30.0 N), zoom 12, before it knows the town: tiles around there.
ZOOM, LON, LAT = 12, 120.5, 30.0


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def _serve(tmp_path: Path, basemap: Path | None) -> Iterator[str]:
    store = open_migrated_store(f"sqlite:///{tmp_path / 'gridwatch.db'}")
    with store.unit_of_work() as uow:
        create_user(users=uow.users, username=OPERATOR, password=PASSWORD, role=Role.OPERATOR,
                    display_name="值班员", now=datetime.now(UTC))
    app = create_app(store=store, data_dir=tmp_path)
    app.state.basemap = open_basemap(basemap)
    with serve_app(app) as base_url:
        yield base_url
    store.close()



def test_a_configured_basemap_shows_its_tiles_under_the_map(browser_page, tmp_path: Path  # type: ignore[no-untyped-def]
                                                             ) -> None:
    cx, cy = _tile_of(LON, LAT, ZOOM)
    for x in range(cx - 4, cx + 5):
        for y in range(cy - 3, cy + 4):
            (tmp_path / "tiles" / str(ZOOM) / str(x)).mkdir(parents=True, exist_ok=True)
            (tmp_path / "tiles" / str(ZOOM) / str(x) / f"{y}.png").write_bytes(png("green", side=256))
    for base_url in _serve(tmp_path, tmp_path / "tiles"):
        log_in(browser_page, base_url)
        tile = browser_page.locator(".leaflet-tile-pane img.leaflet-tile-loaded[src*='/basemap/']").first
        tile.wait_for(state="attached", timeout=15_000)
        browser_page.screenshot(path=str(tmp_path / "basemap.png"))


def test_without_a_basemap_no_tile_is_asked_for(browser_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    browser_page.on("request", lambda request: asked.append(request.url))
    for base_url in _serve(tmp_path, None):
        log_in(browser_page, base_url)
        with browser_page.expect_response(lambda r: r.url.endswith("/api/basemap"), timeout=15_000) as info:
            browser_page.reload()
        assert info.value.json()["configured"] is False
        browser_page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    assert not [url for url in asked if "/basemap/" in url]
