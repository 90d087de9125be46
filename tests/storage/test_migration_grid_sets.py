"""Migration 0014 keeps a store's grids as set 1 ("initial") and turns the old staff text into one head."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import box

from gis.models import GridStaff, StaffRole
from storage import open_store
from tests.storage.migrating import BACKENDS, migrated_before

OLD_GRIDS = [("T01", "杨胜镇", 1, None, "张伟 "), ("V01", "丰乐村", 2, "T01", ""), ("V02", "和平村", 2, "T01", "李娜")]


def _insert_old_grids(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    for number, (code, name, level, parent, staff) in enumerate(OLD_GRIDS):
        shape = box(120.0 + number * 0.01, 32.3, 120.01 + number * 0.01, 32.31)
        if p == "?":
            execute("INSERT INTO grids (code, name, level, parent_code, staff, geometry, min_lon, min_lat, max_lon,"
                    " max_lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (code, name, level, parent, staff, shape.wkb,
                                                                         *shape.bounds))
        else:
            execute("INSERT INTO grids (code, name, level, parent_code, staff, geom)"
                    " VALUES (%s, %s, %s, %s, %s, ST_GeomFromWKB(%s, 4326))", (code, name, level, parent, staff, shape.wkb))


def _nothing(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    """Seed no grids."""


@pytest.fixture(params=BACKENDS)
def before_0014_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to 0013 holding three grids, two with staff as text."""
    with migrated_before(request, request.param, "0014", _insert_old_grids, tmp_path, monkeypatch) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def empty_before_0014_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                          ) -> Iterator[str]:
    """Yield a store URL migrated up to 0013 without grids."""
    with migrated_before(request, request.param, "0014", _nothing, tmp_path, monkeypatch) as url:
        yield url


def test_stored_grids_become_the_active_initial_set_and_staff_text_becomes_a_head(before_0014_url: str) -> None:
    store = open_store(before_0014_url)
    try:
        assert "0014_grid_sets" in store.migrate()
        with store.read_only() as uow:
            (initial,) = uow.grids.sets()
            grids = {g.code: g for g in uow.grids.all()}
            members = uow.grids.set_grids(initial.id)
        assert (initial.id, initial.source, initial.grid_count, initial.active) == (1, "initial", 3, True)
        assert initial.created_at.tzinfo is not None
        assert grids["T01"].staff == (GridStaff(StaffRole.HEAD, "张伟"),)
        assert grids["V01"].staff == ()
        assert grids["V02"].staff == (GridStaff(StaffRole.HEAD, "李娜"),)
        assert [g.code for g in members] == ["T01", "V01", "V02"]
        assert grids["V02"].geometry.equals(box(120.02, 32.3, 120.03, 32.31))
        # The migrated set is replaced like any other, and kept.
        with store.unit_of_work() as uow:
            made = uow.grids.replace_set(list(grids.values())[:1], source="next", created_at=initial.created_at)
        with store.read_only() as uow:
            assert [s.id for s in uow.grids.sets()] == [made.id, 1]
            assert len(uow.grids.set_grids(1)) == 3
    finally:
        store.close()


def test_a_store_without_grids_gets_no_set(empty_before_0014_url: str) -> None:
    store = open_store(empty_before_0014_url)
    try:
        store.migrate()
        with store.read_only() as uow:
            assert uow.grids.sets() == [] and uow.grids.all() == []
    finally:
        store.close()
