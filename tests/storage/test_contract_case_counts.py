"""Contract of CaseRepository.count_open_by_grid: open cases per grid, rolled up the hierarchy; every backend."""

from __future__ import annotations

from cases.models import CaseStatus, Platform
from storage import Store
from tests.factories import make_case


def test_open_cases_count_in_every_grid_of_their_path_and_closed_ones_do_not(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cases.add(make_case(grid_path=("T01", "V01", "N01")))
        uow.cases.add(make_case(grid_path=("T01", "V01", "N01"), status=CaseStatus.HANDLING))
        uow.cases.add(make_case(grid_path=("T01", "V02"), platform=Platform.MARKET))
        uow.cases.add(make_case(grid_path=("T01", "V02"), status=CaseStatus.CLOSED))
        uow.cases.add(make_case(grid_path=()))  # outside every grid: counted nowhere, but not lost
    with store.read_only() as uow:
        assert uow.cases.count_open_by_grid() == {"T01": 3, "V01": 2, "N01": 2, "V02": 1}
        assert uow.cases.count_open_by_grid(platform=Platform.MARKET) == {"T01": 1, "V02": 1}
        assert uow.cases.count_open_by_grid(any_grid=("V01",)) == {"T01": 2, "V01": 2, "N01": 2}
        assert uow.cases.count_open_by_grid(any_grid=()) == {}
