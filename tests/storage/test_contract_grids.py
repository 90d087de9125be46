"""Contract of GridRepository, run against every backend."""

from __future__ import annotations

from shapely.geometry import MultiPolygon, Polygon, box

from gis.models import GridLevel, GridStaff, StaffRole
from storage import Store
from tests.factories import make_grid

# An L-shaped grid whose bounding box covers (120.015, 32.315) but whose outline does not.
L_SHAPE = Polygon([(120.0, 32.3), (120.02, 32.3), (120.02, 32.305), (120.005, 32.305), (120.005, 32.32),
                   (120.0, 32.32)])


def _town_with_villages() -> list:
    return [
        make_grid("T01", size=0.1),
        make_grid("V02", level=GridLevel.VILLAGE, parent_code="T01", lon=120.02),
        make_grid("V01", level=GridLevel.VILLAGE, parent_code="T01", lon=119.98),
        make_grid("N01", level=GridLevel.NATURAL_VILLAGE, parent_code="V01", lon=119.98, size=0.005),
    ]


def test_grid_round_trip_keeps_every_field_and_the_shape(store: Store) -> None:
    grid = make_grid("T01", staff=(GridStaff(StaffRole.HEAD, "Zhang Wei", "13900000000", "zhangwei"),
                                   GridStaff(StaffRole.MEMBER, "Li Na")))
    multi = make_grid("V09", level=GridLevel.VILLAGE, parent_code="T01",
                      geometry=MultiPolygon([box(120.0, 32.3, 120.01, 32.31), box(120.02, 32.3, 120.03, 32.31)]))
    with store.unit_of_work() as uow:
        assert uow.grids.upsert_many([grid, multi]) == 2
    with store.unit_of_work() as uow:
        got, got_multi = uow.grids.get("T01"), uow.grids.get("V09")
        missing = uow.grids.get("nope")
    assert got == grid and got is not None
    assert got.level == 1 and type(got.level) is int
    assert got.staff == grid.staff
    assert got.geometry.equals(grid.geometry)
    assert got_multi == multi and got_multi is not None
    assert got_multi.geometry.geom_type == "MultiPolygon" and got_multi.geometry.equals(multi.geometry)
    assert missing is None


def test_grid_upsert_twice_keeps_one_row_with_the_new_fields(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", name="Old name")])
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", name="New name", lon=121.0)])
        uow.grids.upsert_many([make_grid("T01", name="New name", lon=121.0)])
    with store.unit_of_work() as uow:
        assert uow.grids.count() == 1
        grid = uow.grids.get("T01")
    assert grid is not None and grid.name == "New name"
    assert grid.geometry.centroid.x == 121.0


def test_grid_list_orders_by_code_and_filters_by_level_and_parent(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_town_with_villages())
    with store.unit_of_work() as uow:
        assert [g.code for g in uow.grids.all()] == ["N01", "T01", "V01", "V02"]
        assert [g.code for g in uow.grids.list(level=GridLevel.VILLAGE)] == ["V01", "V02"]
        assert [g.code for g in uow.grids.list(parent_code="T01")] == ["V01", "V02"]
        assert [g.code for g in uow.grids.list(limit=2, offset=1)] == ["T01", "V01"]
        assert uow.grids.count(level=GridLevel.VILLAGE) == 2
        assert uow.grids.count(parent_code="V01") == 1
        assert uow.grids.count() == 4


def test_grid_bbox_filter_matches_the_outline_not_only_its_envelope(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("L01", geometry=L_SHAPE), make_grid("FAR", lon=121.0)])
    inside_envelope_only = (120.012, 32.31, 120.018, 32.318)
    touching_arm = (120.015, 32.301, 120.03, 32.302)
    with store.unit_of_work() as uow:
        assert uow.grids.list(bbox=inside_envelope_only) == []
        assert uow.grids.count(bbox=inside_envelope_only) == 0
        assert [g.code for g in uow.grids.list(bbox=touching_arm)] == ["L01"]
        assert uow.grids.count(bbox=(119.0, 32.0, 122.0, 33.0)) == 2


def test_grid_revision_changes_after_upsert_and_only_when_committed(store: Store) -> None:
    with store.unit_of_work() as uow:
        before = uow.grids.revision()
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01")])
        inside = uow.grids.revision()
    with store.unit_of_work() as uow:
        after = uow.grids.revision()
        uow.grids.upsert_many([])
    with store.unit_of_work() as uow:
        assert uow.grids.revision() == after
    assert inside != before
    assert after == inside
