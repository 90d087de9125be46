"""Contract of CaseRepository and its append-only event log, run against every backend."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from cases.models import CaseSource, CaseStatus, Platform
from storage import Store, StorageError
from tests.factories import at, make_alert, make_case, make_event, make_team


def test_case_add_returns_id_and_get_round_trips_every_field(store: Store) -> None:
    with store.unit_of_work() as uow:
        alert = uow.alerts.add(make_alert())
        uow.teams.upsert_many([make_team("gov-1")])
        case = make_case(source=CaseSource.SENSOR, status=CaseStatus.DISPATCHED, alert_id=alert.id,
                         satisfaction=5, updated_at=at(5))
        stored = uow.cases.add(case)
    with store.unit_of_work() as uow:
        got = uow.cases.get(stored.id)  # type: ignore[arg-type]
        locked = uow.cases.get(stored.id, for_update=True)  # type: ignore[arg-type]
        assert uow.cases.get(999_999) is None
    assert stored.id is not None and stored == dataclasses.replace(case, id=stored.id)
    assert got == stored and locked == stored and got is not None
    assert got.grid_path == ("T01", "V01", "N01") and isinstance(got.grid_path, tuple)
    assert (got.source, got.status, got.platform) == (CaseSource.SENSOR, CaseStatus.DISPATCHED, Platform.GOVERNANCE)
    assert got.updated_at == at(5) and got.updated_at.tzinfo is timezone.utc


def test_case_without_platform_round_trips_none(store: Store) -> None:
    with store.unit_of_work() as uow:
        stored = uow.cases.add(make_case(platform=None, grid_path=()))
    with store.unit_of_work() as uow:
        got = uow.cases.get(stored.id)  # type: ignore[arg-type]
    assert got == stored and got is not None and got.platform is None and got.grid_path == ()


def test_case_update_overwrites_bumps_the_version_and_refuses_a_stale_one_or_an_unknown_id(store: Store) -> None:
    with store.unit_of_work() as uow:
        stored = uow.cases.add(make_case())
    assert stored.version == 1
    changed = dataclasses.replace(stored, status=CaseStatus.CLOSED, satisfaction=4, updated_at=at(60),
                                  platform=Platform.MARKET, merged_into=None)
    with store.unit_of_work() as uow:
        written = uow.cases.update(changed)
    assert written == dataclasses.replace(changed, version=2)
    with store.unit_of_work() as uow:
        assert uow.cases.get(stored.id) == written  # type: ignore[arg-type]
    # Written from version 1 again: someone else's change (version 2) would be lost, so nothing is written.
    with pytest.raises(StorageError, match=f"case {stored.id}: version 1 is stale \\(stored: 2\\)"):
        with store.unit_of_work() as uow:
            uow.cases.update(dataclasses.replace(changed, title="lost update"))
    with store.unit_of_work() as uow:
        assert uow.cases.get(stored.id) == written  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="case 4242: not found"):
        with store.unit_of_work() as uow:
            uow.cases.update(dataclasses.replace(changed, id=4242))


def test_case_list_filters_count_and_pages_newest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        a = uow.cases.add(make_case("a", created_at=at(1)))
        b = uow.cases.add(make_case("b", created_at=at(3), platform=Platform.MARKET, grid_path=("T01", "V02", "N07")))
        c = uow.cases.add(make_case("c", created_at=at(3), status=CaseStatus.CLOSED))
        d = uow.cases.add(make_case("d", created_at=at(2), lon=121.0, grid_path=("T02",)))
    with store.unit_of_work() as uow:
        assert uow.cases.list() == [c, b, d, a]
        assert uow.cases.list(limit=2, offset=1) == [b, d]
        assert uow.cases.list(status=CaseStatus.REPORTED) == [b, d, a]
        assert uow.cases.list(platform=Platform.MARKET) == [b]
        assert uow.cases.list(bbox=(119.9, 32.2, 120.1, 32.4)) == [c, b, a]
        assert uow.cases.list(status=CaseStatus.REPORTED, platform=Platform.GOVERNANCE, bbox=(119.9, 32.2, 120.1, 32.4)) == [a]
        assert uow.cases.count() == 4
        assert uow.cases.count(status=CaseStatus.REPORTED, grid_code="T01") == 2
        assert uow.cases.count(platform=Platform.SERVICE) == 0


def test_case_grid_code_filter_matches_any_level_of_the_path(store: Store) -> None:
    with store.unit_of_work() as uow:
        a = uow.cases.add(make_case("a", created_at=at(1), grid_path=("T01", "V01", "N01")))
        b = uow.cases.add(make_case("b", created_at=at(2), grid_path=("T01", "V02", "N07")))
        uow.cases.add(make_case("c", created_at=at(3), grid_path=("T02", "V21")))
    with store.unit_of_work() as uow:
        assert uow.cases.list(grid_code="T01") == [b, a]
        assert uow.cases.list(grid_code="V01") == [a]
        assert uow.cases.list(grid_code="N07") == [b]
        assert uow.cases.list(grid_code="V0") == []
        assert uow.cases.count(grid_code="T02") == 1


def test_case_events_are_appended_and_returned_oldest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case())
        other = uow.cases.add(make_case("other"))
        late = uow.cases.append_event(make_event(case.id, action="dispatch", at=at(10), from_status=CaseStatus.ACCEPTED,
                                                 to_status=CaseStatus.DISPATCHED, data={"team": "gov-1", "eta_min": 7}))
        first = uow.cases.append_event(make_event(case.id, action="report", at=at(0), from_status=None,
                                                  to_status=CaseStatus.REPORTED, data={}))
        uow.cases.append_event(make_event(other.id))
    with store.unit_of_work() as uow:
        events = uow.cases.events(case.id)  # type: ignore[arg-type]
        assert uow.cases.events(999_999) == []
    assert late.id is not None and first.id is not None
    assert events == [first, late]
    assert events[0].from_status is None and events[1].to_status is CaseStatus.DISPATCHED
    assert events[1].data == {"team": "gov-1", "eta_min": 7}
    assert events[1].at.tzinfo is timezone.utc


# The feed refuses rewrites only: retention deletes its oldest entries (tests/storage/test_contract_retention.py).
@pytest.mark.parametrize("statement", ["UPDATE case_events SET note = 'rewritten'", "DELETE FROM case_events",
                                       "UPDATE feed SET kind = 'rewritten'"])
def test_case_events_and_feed_refuse_update_and_delete_even_through_the_raw_connection(store: Store,
                                                                                       statement: str) -> None:
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case())
        event = uow.cases.append_event(make_event(case.id, note="original"))
        entry = uow.feed.append("case.opened", {"case_id": case.id}, at=at(0))
    with pytest.raises(StorageError, match="append-only"):
        with store.unit_of_work() as uow:
            uow._conn.execute(statement)  # type: ignore[attr-defined]  # backend internals, on purpose
    with store.unit_of_work() as uow:
        assert uow.cases.events(case.id) == [event]  # type: ignore[arg-type]
        assert uow.feed.since(0) == [entry]


def test_get_for_update_makes_a_second_reader_wait_for_the_first_writer(store: Store) -> None:
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case())
    locked = threading.Event()
    seen: list[CaseStatus] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with store.unit_of_work() as uow:
                current = uow.cases.get(case.id, for_update=True)  # type: ignore[arg-type]
                locked.set()
                time.sleep(0.1)
                uow.cases.update(dataclasses.replace(current, status=CaseStatus.ACCEPTED))  # type: ignore[type-var]
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    def second() -> None:
        try:
            locked.wait(timeout=5)
            with store.unit_of_work() as uow:
                current = uow.cases.get(case.id, for_update=True)  # type: ignore[arg-type]
                seen.append(current.status)  # type: ignore[union-attr]
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert not errors
    assert seen == [CaseStatus.ACCEPTED]


def test_open_near_finds_open_cases_of_the_category_in_the_box_created_since(store: Store) -> None:
    box = (119.99, 32.29, 120.01, 32.31)
    with store.unit_of_work() as uow:
        wanted = uow.cases.add(make_case(category="noise_nuisance", created_at=at(10)))
        older = uow.cases.add(make_case(category="noise_nuisance", created_at=at(5), status=CaseStatus.DISPATCHED))
        uow.cases.add(make_case(category="noise_nuisance", created_at=at(12), status=CaseStatus.CLOSED))
        uow.cases.add(make_case(category="air_pollution", created_at=at(12)))
        uow.cases.add(make_case(category="noise_nuisance", created_at=at(12), lon=120.02))
        uow.cases.add(make_case(category="noise_nuisance", created_at=at(-1)))
    with store.read_only() as uow:
        assert uow.cases.open_near(category="noise_nuisance", bbox=box, created_since=at(0)) == [wanted, older]
        assert uow.cases.open_near(category="noise_nuisance", bbox=box, created_since=at(6)) == [wanted]
        assert uow.cases.open_near(category="noise_nuisance", bbox=box, created_since=at(0), limit=1) == [wanted]


def test_case_list_and_count_filter_by_category_and_created_at_both_ends_inclusive(store: Store) -> None:
    with store.unit_of_work() as uow:
        a = uow.cases.add(make_case("a", created_at=at(0)))
        b = uow.cases.add(make_case("b", created_at=at(10), category="noise"))
        c = uow.cases.add(make_case("c", created_at=at(20)))
        uow.cases.add(make_case("d", created_at=at(21)))
    beijing = at(20).astimezone(ZoneInfo("Asia/Shanghai"))
    with store.read_only() as uow:
        assert uow.cases.list(created_since=at(0), created_until=beijing) == [c, b, a]
        assert uow.cases.list(created_since=at(10)) == uow.cases.list(limit=3)
        assert uow.cases.list(created_until=at(10), category="safety_hazard") == [a]
        assert uow.cases.count(category="noise") == 1
        assert uow.cases.count(created_since=at(1), created_until=at(20)) == 2
        assert uow.cases.list(category="noise", created_since=at(11)) == []
