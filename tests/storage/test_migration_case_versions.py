"""Migration 0017 gives every case a version and moves evaluated cases to 'evaluated' by an appended event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cases.models import CaseStatus
from storage import open_store
from tests.storage.migrating import BACKENDS, migrated_before

OLD_CASES = [  # id, status, satisfaction: only a closed case with a satisfaction was evaluated
    (1, "closed", 4), (2, "closed", None), (3, "handling", None), (4, "accepted", None),
]


def _insert_old_rows(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    for case_id, status, satisfaction in OLD_CASES:
        execute("INSERT INTO cases (id, title, category, source, status, platform, lon, lat, created_at, updated_at,"
                f" description, reporter, reporter_phone, satisfaction) VALUES ({p}, 'old', 'dispute', 'citizen', {p},"
                f" 'governance', 120.0, 32.3, {p}, {p}, '', '', '', {p})",
                (case_id, status, "2024-05-01T08:00:00.000000Z", f"2024-05-01T09:0{case_id}:00.000000Z", satisfaction))
        execute("INSERT INTO case_events (case_id, action, actor, at, from_status, to_status, note, data)"
                f" VALUES ({p}, 'evaluate', 'old', {p}, 'closed', {p}, '', '{{}}')",
                (case_id, f"2024-05-01T09:0{case_id}:00.000000Z", status))


@pytest.fixture(params=BACKENDS)
def before_0017_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to (not including) 0017 and holding cases of the old loop."""
    with migrated_before(request, request.param, "0017", _insert_old_rows, tmp_path, monkeypatch) as url:
        yield url


def test_old_cases_get_version_1_and_an_evaluated_one_moves_to_evaluated_by_a_new_event(before_0017_url: str) -> None:
    store = open_store(before_0017_url)
    try:
        store.migrate()
        with store.read_only() as uow:
            cases = {cid: uow.cases.get(cid) for cid, _s, _sat in OLD_CASES}
            events = {cid: uow.cases.events(cid) for cid in cases}
    finally:
        store.close()
    assert {cid: (c.status, c.version, c.merged_into) for cid, c in cases.items()} == {  # type: ignore[union-attr]
        1: (CaseStatus.EVALUATED, 2, None), 2: (CaseStatus.CLOSED, 1, None),
        3: (CaseStatus.IN_PROGRESS, 1, None), 4: (CaseStatus.REGISTERED, 1, None)}
    # The old event stays as it was; the move is a new event, so the chain still ends at the case's status.
    assert [(e.action, e.from_status, e.to_status, e.actor, e.role) for e in events[1]] == [
        ("evaluate", CaseStatus.CLOSED, CaseStatus.CLOSED, "old", ""),
        ("migrate", CaseStatus.CLOSED, CaseStatus.EVALUATED, "system:migration", "system")]
    assert [len(events[cid]) for cid in (2, 3, 4)] == [1, 1, 1]
    assert all(e.attachments == () for evs in events.values() for e in evs)
