"""Loading towns writes grid sets and staff: the first town is set 1, another town with --replace a new set."""

from __future__ import annotations

from pathlib import Path

import pytest

from gis.models import StaffRole
from gridwatch.towns import load_town_dir
from storage import open_store
from town.files import write_town
from town.generate import generate_town


@pytest.fixture(scope="module")
def towns(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Write the synthetic towns of seeds 7 and 3 once."""
    root = tmp_path_factory.mktemp("towns")
    return {seed: write_town(generate_town(seed), root / f"seed{seed}")[0].parent for seed in (7, 3)}


def test_a_town_loads_as_set_one_with_its_staff_and_another_replaces_it_as_set_two(store_url: str,
                                                                                   towns: dict[int, Path]) -> None:
    store = open_store(store_url)
    try:
        store.migrate()
        load_town_dir(store, towns[7])
        load_town_dir(store, towns[7])  # the same town again updates set 1 in place
        with store.read_only() as uow:
            (first,) = uow.grids.sets()
            villages = uow.grids.list(level=2, limit=1000)
            first_count = uow.grids.count()
        assert (first.id, first.active, first.grid_count) == (1, True, first_count)
        assert all([p.role for p in v.staff] == [StaffRole.HEAD, StaffRole.MEMBER, StaffRole.MEMBER,
                                                 StaffRole.INSPECTOR] for v in villages)
        load_town_dir(store, towns[3], replace=True)
        with store.read_only() as uow:
            second, kept = uow.grids.sets()
            assert (second.active, kept.id, kept.active, kept.grid_count) == (True, 1, False, first_count)
            assert second.grid_count == uow.grids.count() != first_count
            assert len(uow.grids.set_grids(kept.id)) == first_count
    finally:
        store.close()
