"""Contract of grid sets and staff (issue 10): versioned replacement, history, staff kept by code; every backend."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from gis.errors import GisError, GridNotFound
from gis.models import GridStaff, StaffRole
from storage import Store
from tests.factories import at, make_grid

HEAD, MEMBER, INSPECTOR = StaffRole.HEAD, StaffRole.MEMBER, StaffRole.INSPECTOR


def _old_town() -> list:
    return [make_grid("T01", size=0.1), make_grid("V01", level=2, parent_code="T01", lon=119.98),
            make_grid("V02", level=2, parent_code="T01", lon=120.02)]


def _new_town() -> list:
    # V02 is gone, V01 is redrawn, V03 is new and split one level deeper than before.
    return [make_grid("T01", size=0.1, staff=()), make_grid("V01", level=2, parent_code="T01", lon=119.97, staff=()),
            make_grid("V03", level=2, parent_code="T01", lon=120.03, staff=()),
            make_grid("N31", level=3, parent_code="V03", lon=120.03, size=0.004, staff=()),
            make_grid("S311", level=4, parent_code="N31", lon=120.03, size=0.002, staff=())]


def test_grids_written_into_an_empty_store_start_set_one(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.grids.sets() == []
        uow.grids.upsert_many(_old_town())
    with store.read_only() as uow:
        (first,) = uow.grids.sets()
        assert (first.id, first.active, first.grid_count) == (1, True, 3)
        assert [g.code for g in uow.grids.set_grids(first.id)] == ["T01", "V01", "V02"]


def test_replace_set_keeps_the_old_set_and_makes_the_new_one_active(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_old_town())
        before = uow.grids.revision()
    with store.unit_of_work() as uow:
        made = uow.grids.replace_set(_new_town(), source="survey-2026.gpkg", note="spring survey", created_at=at(5))
    assert (made.source, made.note, made.grid_count, made.active, made.created_at) == (
        "survey-2026.gpkg", "spring survey", 5, True, at(5))
    with store.read_only() as uow:
        new, old = uow.grids.sets()
        assert new == made and (old.id, old.active, old.grid_count) == (1, False, 3) and new.id > old.id
        assert [g.code for g in uow.grids.all()] == ["N31", "S311", "T01", "V01", "V03"]
        assert uow.grids.count() == 5 and uow.grids.get("V02") is None
        assert [g.code for g in uow.grids.list(level=4)] == ["S311"]
        kept = {g.code: g for g in uow.grids.set_grids(old.id)}
        assert sorted(kept) == ["T01", "V01", "V02"]
        assert kept["V01"].geometry.equals(_old_town()[1].geometry) and kept["V01"].level == 2
        assert kept["V01"].parent_code == "T01" and kept["V01"].staff == ()
        assert [g.code for g in uow.grids.set_grids(new.id)] == ["N31", "S311", "T01", "V01", "V03"]
        assert uow.grids.set_grids(999) == []
        assert uow.grids.revision() != before


def test_a_third_set_keeps_both_earlier_ones(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.replace_set(_old_town(), source="a", created_at=at(1))
        uow.grids.replace_set(_new_town(), source="b", created_at=at(2))
    with store.unit_of_work() as uow:
        uow.grids.replace_set(_old_town(), source="c", created_at=at(3))
    with store.read_only() as uow:
        sets = uow.grids.sets()
        assert [(s.source, s.active) for s in sets] == [("c", True), ("b", False), ("a", False)]
        assert [len(uow.grids.set_grids(s.id)) for s in sets] == [3, 5, 3]


def test_replace_set_is_undone_with_its_unit_of_work(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_old_town())
    with pytest.raises(RuntimeError, match="planted"):
        with store.unit_of_work() as uow:
            uow.grids.replace_set(_new_town(), source="x", created_at=at(1))
            raise RuntimeError("planted failure after the replacement")
    with store.read_only() as uow:
        assert [s.id for s in uow.grids.sets()] == [1]
        assert [g.code for g in uow.grids.all()] == ["T01", "V01", "V02"]


@pytest.mark.parametrize(("grids", "message"), [
    ([make_grid("T01", level=0)], "level 0 is below 1"),
    ([make_grid("T01"), make_grid("N01", level=3, parent_code="T01")], "parent T01 is level 1; a level-3"),
    ([make_grid("V01", level=2, parent_code="NOPE")], "parent_code 'NOPE' is not the code of any grid"),
    ([make_grid("V01", level=2)], "level-2 grid needs a parent_code"),
    ([make_grid("T01", parent_code="T00")], "parent_code 'T00' is not the code"),
    ([make_grid("T01"), make_grid("T01")], "code is given twice"),
    ([], "a grid set needs at least one grid"),
])
def test_replace_set_refuses_a_broken_hierarchy_and_writes_nothing(store: Store, grids: list, message: str) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_old_town())
    with pytest.raises(GisError, match=message):
        with store.unit_of_work() as uow:
            uow.grids.replace_set(grids, source="bad", created_at=at(1))
    with store.read_only() as uow:
        assert len(uow.grids.sets()) == 1 and uow.grids.count() == 3


def test_upsert_checks_parents_among_stored_grids(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_old_town())
    with store.unit_of_work() as uow:
        assert uow.grids.upsert_many([make_grid("N11", level=3, parent_code="V01", size=0.002)]) == 1
    with pytest.raises(GisError, match="parent T01 is level 1"):
        with store.unit_of_work() as uow:
            uow.grids.upsert_many([make_grid("N12", level=3, parent_code="T01")])
    with pytest.raises(GisError, match="would leave its child N11"):
        with store.unit_of_work() as uow:
            uow.grids.upsert_many([make_grid("V01", level=1)])
    with store.read_only() as uow:
        assert uow.grids.sets()[0].grid_count == 4


def test_staff_keep_their_order_and_survive_a_new_set_that_keeps_the_code(store: Store) -> None:
    people = [GridStaff(HEAD, "张伟", "13800000001", "zhangwei"), GridStaff(MEMBER, "李娜", "13800000002"),
              GridStaff(MEMBER, "王芳"), GridStaff(INSPECTOR, "赵强", "13800000004")]
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_old_town())
        before = uow.grids.revision()
    with store.unit_of_work() as uow:
        uow.grids.set_staff("V01", people)
        uow.grids.set_staff("V02", [GridStaff(HEAD, "钱多")])
    with store.read_only() as uow:
        assert uow.grids.get("V01").staff == tuple(people)  # type: ignore[union-attr]
        assert {g.code: g.staff for g in uow.grids.list(parent_code="T01")}["V01"] == tuple(people)
        assert uow.grids.revision() != before
    with store.unit_of_work() as uow:
        # A grid given with staff gets them; one given without keeps its code's.
        new = _new_town()
        new[0] = make_grid("T01", size=0.1, staff=(GridStaff(HEAD, "新镇长"),))
        uow.grids.replace_set(new, source="survey", created_at=at(1))
    with store.unit_of_work() as uow:
        grids = {g.code: g for g in uow.grids.all()}
        assert grids["V01"].staff == tuple(people)
        assert grids["T01"].staff == (GridStaff(HEAD, "新镇长"),)
        assert grids["V03"].staff == ()
        # V02 left the set, and its people with it: a later set bringing V02 back starts without staff.
        uow.grids.replace_set(_old_town()[:2] + [make_grid("V02", level=2, parent_code="T01", staff=())],
                              source="back", created_at=at(2))
        assert uow.grids.get("V02").staff == ()  # type: ignore[union-attr]
        uow.grids.set_staff("V01", [])
        assert uow.grids.get("V01").staff == ()  # type: ignore[union-attr]


@pytest.mark.parametrize(("staff", "message"), [
    ([GridStaff(HEAD, "甲"), GridStaff(HEAD, "乙")], "2 heads"),
    ([GridStaff(MEMBER, "  ")], "staff 1: name is empty"),
    ([GridStaff("mayor", "丙")], "role 'mayor' is not one of"),  # type: ignore[arg-type]
])
def test_set_staff_refuses_bad_lists(store: Store, staff: list, message: str) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_old_town())
    with pytest.raises(GisError, match=message):
        with store.unit_of_work() as uow:
            uow.grids.set_staff("V01", staff)
    with store.read_only() as uow:
        assert uow.grids.get("V01").staff == _old_town()[1].staff  # type: ignore[union-attr]


def test_set_staff_of_an_unknown_grid_is_not_found(store: Store) -> None:
    with pytest.raises(GridNotFound, match="'NOPE': no such grid"):
        with store.unit_of_work() as uow:
            uow.grids.set_staff("NOPE", [GridStaff(HEAD, "甲")])


def test_replace_all_keeps_the_other_town_as_an_earlier_set(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(_old_town())
    with store.unit_of_work() as uow:
        assert uow.grids.replace_all([make_grid("X01", geometry=box(121.0, 31.0, 121.1, 31.1))]) == 1
    with store.read_only() as uow:
        assert [(s.grid_count, s.active) for s in uow.grids.sets()] == [(1, True), (3, False)]
