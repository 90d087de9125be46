"""Migration 0003 carries each case's old team_id into an assignment, on both backends, without a double hold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cases.models import ReleaseReason
from storage import open_store
from tests.storage.migrating import BACKENDS, migrated_before

OLD_CASES = [  # id, status, team_id: gov-1 is held by two cases in the field, as the old dispatch bug left it
    (1, "handling", "gov-1"), (2, "dispatched", "gov-1"), (3, "closed", "mkt-1"), (4, "accepted", None),
]


def _insert_old_rows(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    for team in ("gov-1", "mkt-1"):
        execute(f"INSERT INTO teams (id, name, platform, status, members, phone) VALUES ({p}, {p}, 'governance',"
                f" 'busy', 3, '')", (team, team))
    for case_id, status, team in OLD_CASES:
        execute("INSERT INTO cases (id, title, category, source, status, platform, lon, lat, created_at, updated_at,"
                f" description, reporter, reporter_phone, team_id) VALUES ({p}, 'old', 'dispute', 'citizen', {p},"
                f" 'governance', 120.0, 32.3, {p}, {p}, '', '', '', {p})",
                (case_id, status, "2024-05-01T08:00:00.000000Z", f"2024-05-01T08:0{case_id}:00.000000Z", team))


@pytest.fixture(params=BACKENDS)
def half_migrated_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to 0002 and holding cases with the old team_id column."""
    with migrated_before(request, request.param, "0003", _insert_old_rows, tmp_path, monkeypatch) as url:
        yield url


def test_old_team_ids_become_assignments_and_a_doubly_held_team_stays_with_the_newest_case(half_migrated_url: str) -> None:
    store = open_store(half_migrated_url)
    try:
        assert "0003_assignments" in store.migrate()
        with store.unit_of_work() as uow:
            held = {case_id: uow.assignments.for_case(case_id) for case_id, _, _ in OLD_CASES}
            active = uow.assignments.active()
    finally:
        store.close()
    assert [(a.case_id, a.team_id) for a in active] == [(2, "gov-1")]
    assert [(a.team_id, a.release_reason) for a in held[1]] == [("gov-1", ReleaseReason.WITHDRAWN)]
    assert [(a.team_id, a.release_reason) for a in held[3]] == [("mkt-1", ReleaseReason.FED_BACK)]
    assert held[4] == []
