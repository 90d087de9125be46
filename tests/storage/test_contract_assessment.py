"""Assessment figures per group on both backends, equal to figures worked out by hand (cases.assessment)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from cases.assessment import AssessBy, AssessmentRow, percentile_cont
from cases.models import AssignmentRole, CaseStatus, Platform, ReleaseReason
from storage import Store
from tests.factories import T0, make_assignment, make_case, make_team

S = CaseStatus
GOV, MKT = Platform.GOVERNANCE, Platform.MARKET
SINCE, UNTIL = T0, T0 + timedelta(days=1)
# name: (platform, department, path, status, handling_wh, on_time, satisfaction, minutes after T0)
CASES = {
    "c1": (GOV, "urban", ("T01", "V01", "N01"), S.CLOSED, 2.0, True, None, 0),
    "c2": (GOV, "urban", ("T01", "V01", "N02"), S.EVALUATED, 4.0, False, 5, 10),
    "c3": (GOV, "urban", ("T01", "V02", "N03"), S.HANDLING, None, None, None, 20),
    "c4": (GOV, "", ("T01", "V02", "N03"), S.REJECTED, None, None, None, 30),
    "c5": (MKT, "market_reg", ("T01", "V01", "N01"), S.CLOSED, 10.0, True, 3, 40),
    "c6": (MKT, "market_reg", ("T01", "V02", "N03"), S.ESCALATED, None, None, None, 50),
    # A merged duplicate counts in the case it joined, never on its own: its figures would change every answer.
    "c7": (MKT, "market_reg", ("T01", "V01", "N01"), S.MERGED, 100.0, True, 1, 60),
    "c8": (None, "", (), S.REPORTED, None, None, None, 70),
    "c10": (GOV, "urban", ("T01", "V01", "N01"), S.CLOSED, 6.0, True, 4, 80),
    # Outside the period, which is half open: one a minute before, one at its very end.
    "before": (GOV, "urban", ("T01", "V01", "N01"), S.CLOSED, 50.0, False, 1, -1),
    "at_end": (GOV, "urban", ("T01", "V01", "N01"), S.CLOSED, 50.0, False, 1, 24 * 60),
}


def _seed(store: Store) -> dict[str, int]:
    ids: dict[str, int] = {}
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(t) for t in ("gov-1", "gov-2", "gov-3")] + [make_team("mkt-1", platform=MKT)])
        for name, (platform, department, path, status, wh, on_time, rating, minutes) in CASES.items():
            at = T0 + timedelta(minutes=minutes)
            ids[name] = uow.cases.add(make_case(name, platform=platform, department=department, grid_path=path,
                                                status=status, handling_wh=wh, on_time=on_time, satisfaction=rating,
                                                created_at=at, updated_at=at)).id
        done = T0 + timedelta(hours=2)

        def lead(case: str, team: str, reason: ReleaseReason, role: AssignmentRole = AssignmentRole.LEAD) -> None:
            platform = MKT if team.startswith("mkt") else GOV
            uow.assignments.add(make_assignment(ids[case], team, platform=platform, role=role, released_at=done,
                                                release_reason=reason))

        lead("c1", "gov-1", ReleaseReason.CASE_CLOSED)
        lead("c1", "gov-2", ReleaseReason.CASE_CLOSED, AssignmentRole.ASSISTING)  # assisting: not the case's team
        lead("c2", "gov-3", ReleaseReason.DECLINED)  # declined: the offer never held the case
        lead("c2", "gov-1", ReleaseReason.CASE_CLOSED)
        lead("c10", "gov-2", ReleaseReason.WITHDRAWN)
        lead("c10", "gov-3", ReleaseReason.CASE_CLOSED)  # the newest lead is the case's team
        lead("c5", "mkt-1", ReleaseReason.CASE_CLOSED)
        lead("c5", "gov-2", ReleaseReason.TIMED_OUT)  # newest, but a lapsed offer
    return ids


def _row(group: str, received: int, closed: int, handed_off: int, closure: float | None, timed: int,
         on_time: float | None, measured: int, avg: float | None, p90: float | None, rated: int,
         satisfaction: float | None) -> AssessmentRow:
    return AssessmentRow(group, received, closed, handed_off, closure, timed, on_time, measured, avg, p90, rated,
                         satisfaction)


def _summarise(store: Store, by: AssessBy, **kwargs) -> list[AssessmentRow]:  # type: ignore[no-untyped-def]
    with store.read_only() as uow:
        return uow.assessment.summarise(since=kwargs.pop("since", SINCE), until=kwargs.pop("until", UNTIL), by=by,
                                        **kwargs)


def _approx(rows: list[AssessmentRow]) -> list[tuple]:
    return [tuple(pytest.approx(v) if isinstance(v, float) else v for v in (
        r.group, r.received, r.closed, r.handed_off, r.closure_rate, r.timed, r.on_time_rate, r.measured,
        r.avg_handling_wh, r.p90_handling_wh, r.rated, r.satisfaction_avg)) for r in rows]


def _plain(rows: list[AssessmentRow]) -> list[tuple]:
    return [(r.group, r.received, r.closed, r.handed_off, r.closure_rate, r.timed, r.on_time_rate, r.measured,
             r.avg_handling_wh, r.p90_handling_wh, r.rated, r.satisfaction_avg) for r in rows]


def test_total_counts_received_closed_and_rates_as_defined(store: Store) -> None:
    _seed(store)
    # received: all but the merged c7 and the two outside; closed c1 c2 c5 c10; handed off c4 c6 (due: 6).
    # timed c1 c2 c5 c10 (3 on time); measured 2 4 6 10: p90 at rank 0.9 * 3 = 2.7, 6 + 0.7 * (10 - 6) = 8.8.
    assert _plain(_summarise(store, AssessBy.TOTAL)) == _approx(
        [_row("total", 8, 4, 2, 4 / 6, 4, 0.75, 4, 5.5, 8.8, 3, 4.0)])


def test_by_platform_gives_each_platform_and_an_empty_label_for_unrouted_cases(store: Store) -> None:
    _seed(store)
    assert _plain(_summarise(store, AssessBy.PLATFORM)) == _approx([
        _row("", 1, 0, 0, 0.0, 0, None, 0, None, None, 0, None),
        # measured 2 4 6: rank 0.9 * 2 = 1.8, 4 + 0.8 * 2 = 5.6.
        _row("governance", 5, 3, 1, 0.75, 3, 2 / 3, 3, 4.0, 5.6, 2, 4.5),
        # due: 2 received - 1 escalated = 1, and it is closed.
        _row("market", 2, 1, 1, 1.0, 1, 1.0, 1, 10.0, 10.0, 1, 3.0),
    ])


def test_by_department(store: Store) -> None:
    _seed(store)
    assert _plain(_summarise(store, AssessBy.DEPARTMENT)) == _approx([
        _row("", 2, 0, 1, 0.0, 0, None, 0, None, None, 0, None),
        _row("market_reg", 2, 1, 1, 1.0, 1, 1.0, 1, 10.0, 10.0, 1, 3.0),
        _row("urban", 4, 3, 0, 0.75, 3, 2 / 3, 3, 4.0, 5.6, 2, 4.5),
    ])


def test_by_team_reads_the_newest_lead_assignment_a_team_took(store: Store) -> None:
    _seed(store)
    assert _plain(_summarise(store, AssessBy.TEAM)) == _approx([
        _row("", 4, 0, 2, 0.0, 0, None, 0, None, None, 0, None),
        # c1 and c2 (gov-3 declined c2): measured 2 4, rank 0.9, 2 + 0.9 * 2 = 3.8.
        _row("gov-1", 2, 2, 0, 1.0, 2, 0.5, 2, 3.0, 3.8, 1, 5.0),
        _row("gov-3", 1, 1, 0, 1.0, 1, 1.0, 1, 6.0, 6.0, 1, 4.0),
        _row("mkt-1", 1, 1, 0, 1.0, 1, 1.0, 1, 10.0, 10.0, 1, 3.0),
    ])


def test_by_grid_counts_a_case_in_each_grid_of_its_path_at_the_level(store: Store) -> None:
    _seed(store)
    assert _plain(_summarise(store, AssessBy.GRID, grid_level=2)) == _approx([
        _row("V01", 4, 4, 0, 1.0, 4, 0.75, 4, 5.5, 8.8, 3, 4.0),
        _row("V02", 3, 0, 2, 0.0, 0, None, 0, None, None, 0, None),
    ])
    assert [(r.group, r.received, r.closed) for r in _summarise(store, AssessBy.GRID, grid_level=1)] == [("T01", 7, 4)]
    assert _summarise(store, AssessBy.GRID, grid_level=4) == []
    every = _summarise(store, AssessBy.GRID)
    assert [(r.group, r.received) for r in every] == [
        ("N01", 3), ("N02", 1), ("N03", 3), ("T01", 7), ("V01", 4), ("V02", 3)]


def test_reach_bounds_what_is_counted(store: Store) -> None:
    _seed(store)
    assert [(r.group, r.received) for r in _summarise(store, AssessBy.TOTAL, platform="governance")] == [("total", 5)]
    assert [(r.group, r.received, r.handed_off) for r in _summarise(store, AssessBy.PLATFORM, any_grid=("V02",))] == [
        ("governance", 2, 1), ("market", 1, 1)]
    assert [(r.group, r.received) for r in _summarise(store, AssessBy.GRID, grid_level=2, any_grid=("N01", "N02"),
                                                      platform="governance")] == [("V01", 3)]
    nothing = _summarise(store, AssessBy.TOTAL, any_grid=())
    assert _plain(nothing) == [("total", 0, 0, 0, None, 0, None, 0, None, None, 0, None)]


def test_an_empty_period_gives_a_zero_total_and_no_groups(store: Store) -> None:
    _seed(store)
    later = {"since": T0 + timedelta(days=5), "until": T0 + timedelta(days=6)}
    assert _plain(_summarise(store, AssessBy.TOTAL, **later)) == [
        ("total", 0, 0, 0, None, 0, None, 0, None, None, 0, None)]
    for by in (AssessBy.PLATFORM, AssessBy.DEPARTMENT, AssessBy.TEAM, AssessBy.GRID):
        assert _summarise(store, by, **later) == []


@pytest.mark.parametrize("n", [1, 2, 10, 11, 37])
def test_p90_is_percentile_cont_to_the_last_bit(store: Store, n: int) -> None:
    values = [float(v) for v in np.random.default_rng(n).uniform(0, 80, n).round(3)]
    with store.unit_of_work() as uow:
        for i, wh in enumerate(values):
            uow.cases.add(make_case(f"p{i}", handling_wh=wh, created_at=T0 + timedelta(seconds=i)))
        uow.cases.add(make_case("unmeasured", handling_wh=None, created_at=T0))
    (row,) = _summarise(store, AssessBy.TOTAL)
    assert (row.received, row.measured) == (n + 1, n)
    # numpy's default (linear) method is the same definition, computed independently of ours.
    assert row.p90_handling_wh == pytest.approx(float(np.percentile(values, 90)), abs=1e-9)
    assert row.p90_handling_wh == percentile_cont(values, 0.9)
    assert row.avg_handling_wh == pytest.approx(sum(values) / n)


def test_percentile_cont_matches_numpy_and_is_none_when_empty() -> None:
    assert percentile_cont([], 0.9) is None
    assert percentile_cont([3.0], 0.9) == 3.0
    for values in ([1.0, 2.0], [5.0, 1.0, 4.0, 2.0, 3.0], list(map(float, range(100)))):
        assert percentile_cont(values, 0.9) == pytest.approx(float(np.percentile(values, 90)))


def test_the_lead_team_is_found_through_the_partial_index(store: Store) -> None:
    from storage.sql.assessment import _LEAD_TEAM  # the repository's own subquery, as the shared SQL writes it

    _seed(store)
    with store.read_only() as uow:
        db = uow.assessment._db
        sql = f"SELECT {_LEAD_TEAM} AS team FROM cases c"
        if store.name == "postgis":
            db.execute("SET LOCAL enable_seqscan = off")  # a handful of rows would otherwise be read whole
            plan = "\n".join(r["QUERY PLAN"] for r in db.execute(f"EXPLAIN {sql}"))
        else:
            plan = "\n".join(str(tuple(r)) for r in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "assignments_lead_idx" in plan, plan
