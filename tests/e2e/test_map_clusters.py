"""The map in a real browser: thousands of open cases show as clusters, a click zooms in to markers, search jumps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseSource, CaseStatus, Platform
from gis.models import GridLevel
from tests.e2e.conftest import log_in
from town.models import Town

pytestmark = pytest.mark.timeout(180)

CASES = 3000


def _seed_cases(running_system, town: Town) -> None:
    """Put CASES open cases on the town's natural villages (each point inside its village's outline)."""
    rng = np.random.default_rng(12)
    villages = town.grids_at(GridLevel.NATURAL_VILLAGE)
    platforms = list(Platform)
    now = datetime.now(UTC)
    with running_system.core.store.unit_of_work() as uow:
        for i in range(CASES):
            grid = villages[i % len(villages)]
            point = grid.geometry.representative_point()
            lon, lat = point.x + rng.normal(0, 0.0004), point.y + rng.normal(0, 0.0004)
            uow.cases.add(Case(title=f"巡查发现 {i}", category="litter", source=CaseSource.GRID_STAFF,
                               status=CaseStatus.ACCEPTED, platform=platforms[i % len(platforms)], lon=lon, lat=lat,
                               grid_path=(town.town_grid.code, grid.parent_code or "", grid.code),
                               created_at=now, updated_at=now))


def _bbox_of(url: str) -> list[float]:
    return [float(v) for v in parse_qs(urlsplit(url).query)["bbox"][0].split(",")]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_clusters_zoom_in_to_markers_and_search_jumps_to_a_grid(running_system, browser_page, town: Town,
                                                                 tmp_path: Path) -> None:
    _seed_cases(running_system, town)
    page = browser_page
    log_in(page, running_system.base_url, ready="body[data-map-ready=true]", timeout=30_000)
    expect(page.locator("#map[data-cases-mode=clusters]")).to_have_count(1, timeout=10_000)
    # The side list holds the newest cases only, and says where the others are.
    expect(page.get_by_test_id("list-newest-only")).to_be_visible(timeout=10_000)
    assert page.locator("#case-list [data-case-id]").count() == 100
    clusters = page.locator("#map .case-cluster")
    assert clusters.count() >= 3, "thousands of cases at town zoom are clusters"
    shown = sum(int(c.get_attribute("data-cluster-count")) for c in clusters.all())
    assert shown >= CASES * 0.9, f"the clusters in view hold {shown} of {CASES} cases"
    assert page.locator("#map [data-marker-case-id]").count() == 0
    page.screenshot(path=str(tmp_path / "map-clusters.png"))

    # The choropleth follows its level selector; the heatmap draws when switched on.
    page.select_option("#choropleth-level", "2")
    expect(page.locator("#map path.grid-choropleth")).to_have_count(len(town.grids_at(GridLevel.VILLAGE)), timeout=10_000)
    page.check("#layer-heat")
    expect(page.locator("#map canvas.leaflet-heatmap-layer")).to_have_count(1, timeout=10_000)
    page.screenshot(path=str(tmp_path / "map-heat-villages.png"))
    page.uncheck("#layer-heat")

    # Click the biggest cluster until the server answers with markers (each click zooms into its cases' extent).
    for _ in range(8):
        if page.locator("#map[data-cases-mode=points]").count():
            break
        counts = [int(c.get_attribute("data-cluster-count")) for c in clusters.all()]
        with page.expect_response(lambda r: "/api/map/cases" in r.url, timeout=10_000):
            clusters.nth(counts.index(max(counts))).click()
        page.wait_for_function("() => !document.querySelector('#map').classList.contains('leaflet-zoom-anim')")
    expect(page.locator("#map [data-marker-case-id]").first).to_be_attached(timeout=10_000)
    page.screenshot(path=str(tmp_path / "map-case-markers.png"))

    # Search for a village by name: the map fits it, and the next view asked for lies around it.
    village = town.grids_at(GridLevel.VILLAGE)[-1]
    page.fill("#map-search", village.name)
    hit = page.locator(f".search-results li[data-kind=grid][data-code='{village.code}']")
    hit.wait_for(timeout=10_000)
    with page.expect_response(lambda r: "/api/map/cases" in r.url, timeout=10_000) as answer:
        hit.click()
    w, s, e, n = _bbox_of(answer.value.url)
    centre = village.geometry.representative_point()
    assert w <= centre.x <= e and s <= centre.y <= n, "the map went to the village"
    gx0, gy0, gx1, gy1 = village.geometry.bounds
    assert (e - w) < 4 * (gx1 - gx0) + 0.01, "and fitted it rather than showing the whole town"
    page.screenshot(path=str(tmp_path / "map-search-grid.png"))
