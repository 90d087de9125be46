"""Offers on both stores: dispatch offers the nearest available team; accept, decline and lapse; the next nearest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases import feed as payloads
from cases.dispatch_policy import DispatchPolicy
from cases.errors import IllegalTransition
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import CaseSource, CaseStatus, Platform, ReleaseReason, TaskState, TeamStatus
from cases.offer_use_cases import answer_offer_and_announce
from cases.offers import Answer
from cases.service import CaseCreate, StepInput
from cases.use_cases import report_case_and_announce, take_step_and_announce
from gis.roads import RoadNetwork
from gridwatch.dispatch_offers import expire_offers
from storage import Store
from tests.factories import LAT, LON, at, make_team
from tests.gis.test_roads import NORTH, RIVER_TOWN

TIMEOUT = timedelta(seconds=180)
# Three governance teams east of the case, 100 m, 200 m and 300 m away, and a market team nearest of all.
TEAMS = [make_team("G1", lon=LON + 0.00106), make_team("G2", lon=LON + 0.00212), make_team("G3", lon=LON + 0.00318),
         make_team("M1", platform=Platform.MARKET, lon=LON + 0.0001)]


def _locator() -> Locator:
    locator = Locator()
    locator.dispatch = DispatchPolicy(offer_timeout=TIMEOUT)
    return locator


def _dispatched(store: Store, locator: Locator) -> tuple[int, int]:
    """Report a governance case at (LON, LAT), accept and dispatch it at minute 1; return case and assignment ids."""
    with store.unit_of_work() as uow:
        uow.teams.upsert_many(TEAMS)
        case = report_case_and_announce(uow, case_in=CaseCreate(
            title="fight", category="safety_hazard", lon=LON, lat=LAT, source=CaseSource.CITIZEN),
            grid_path=("T01",), actor="op", at=at(0)).case
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        case_id: int = case.id  # type: ignore[assignment]
        take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(Action.ACCEPT), actor="op",
                               at=at(0))
        step = take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(Action.DISPATCH),
                                      actor="op", at=at(1))
    assert step.assignment is not None and step.assignment.id is not None
    return case_id, step.assignment.id


def _answer(store: Store, locator: Locator, case_id: int, assignment_id: int, answer: Answer, minute: float = 2):
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        return answer_offer_and_announce(uow, locator=locator, case_id=case_id, assignment_id=assignment_id,
                                         answer=answer, actor="member", at=at(minute))


def _state(store: Store, case_id: int):
    with store.read_only() as uow:
        case = uow.cases.get(case_id)
        assignments = uow.assignments.for_case(case_id)
        teams = {t.id: t.status for t in uow.teams.all()}
        kinds = [e.kind for e in uow.feed.since(0, limit=1000)]
    return case, assignments, teams, kinds


def test_dispatch_offers_the_nearest_available_team_with_distance_eta_and_expiry(store: Store) -> None:
    case_id, _ = _dispatched(store, _locator())
    case, assignments, teams, kinds = _state(store, case_id)
    offer, = assignments
    assert case.status is CaseStatus.DISPATCHED
    assert (offer.team_id, offer.state, offer.offer_expires_at) == ("G1", TaskState.OFFERED, at(1) + TIMEOUT)
    assert offer.distance_m == pytest.approx(100, abs=1) and offer.eta_s == pytest.approx(100 * 1.3 / (30 / 3.6), abs=1)
    assert teams["G1"] is TeamStatus.BUSY  # an open offer holds its team: it is not offered two cases at once
    assert kinds[-1] == payloads.TEAM_ASSIGNED


def test_accepting_an_offer_keeps_the_team_and_a_second_answer_is_refused(store: Store) -> None:
    locator = _locator()
    case_id, offer_id = _dispatched(store, locator)
    answered = _answer(store, locator, case_id, offer_id, Answer.ACCEPT)
    assert answered.outcome.answered.state is TaskState.ACCEPTED and answered.outcome.offered is None
    case, (offer,), teams, kinds = _state(store, case_id)
    assert offer.state is TaskState.ACCEPTED and offer.active and teams["G1"] is TeamStatus.BUSY
    assert case.status is CaseStatus.DISPATCHED and kinds[-2:] == [payloads.CASE_UPDATED, payloads.TEAM_ACCEPTED]
    for again in (Answer.ACCEPT, Answer.DECLINE):
        with pytest.raises(IllegalTransition, match="only an open offer"):
            _answer(store, locator, case_id, offer_id, again)


def test_a_decline_frees_the_team_and_offers_the_next_nearest_never_the_one_that_declined(store: Store) -> None:
    locator = _locator()
    case_id, first = _dispatched(store, locator)
    second = _answer(store, locator, case_id, first, Answer.DECLINE).outcome
    assert second.answered.release_reason is ReleaseReason.DECLINED
    assert second.team is not None and second.offered is not None and second.team.id == "G2"
    _, _, teams, kinds = _state(store, case_id)
    assert teams["G1"] is TeamStatus.AVAILABLE and teams["G2"] is TeamStatus.BUSY
    assert kinds[-3:] == [payloads.CASE_UPDATED, payloads.TEAM_RELEASED, payloads.TEAM_ASSIGNED]
    # G1 is nearer and available again, yet it declined this case: G3 is next.
    next_offer: int = second.offered.id  # type: ignore[assignment]
    third = _answer(store, locator, case_id, next_offer, Answer.DECLINE, minute=3).outcome
    assert third.team is not None and third.team.id == "G3"


def test_when_every_team_declined_the_case_goes_back_to_routed_and_the_feed_says_so(store: Store) -> None:
    locator = _locator()
    case_id, offer_id = _dispatched(store, locator)
    for minute in (2, 3, 4):
        answered = _answer(store, locator, case_id, offer_id, Answer.DECLINE, minute=minute)
        if answered.outcome.offered is not None:
            offer_id = answered.outcome.offered.id  # type: ignore[assignment]
    assert answered.withdrawn is not None and answered.withdrawn.case.status is CaseStatus.ROUTED
    case, assignments, teams, kinds = _state(store, case_id)
    assert case.status is CaseStatus.ROUTED and not [a for a in assignments if a.active]
    assert all(teams[t] is TeamStatus.AVAILABLE for t in ("G1", "G2", "G3"))
    assert kinds[-1] == payloads.DISPATCH_NO_TEAM
    with store.read_only() as uow:
        events = uow.cases.events(case_id)
        feed = uow.feed.since(0, limit=1000)
    assert [e.action for e in events[-2:]] == ["offer_declined", "withdraw"]
    assert case.version == len(events)
    assert feed[-1].payload["refused_by"] == ["G1", "G2", "G3"]
    # The command room can dispatch it again: a fresh round offers the nearest again.
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        again = take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(Action.DISPATCH),
                                       actor="op", at=at(5))
    assert again.team.id == "G1"  # type: ignore[union-attr]


def test_the_job_expires_lapsed_offers_like_declines_and_leaves_standing_ones(store: Store) -> None:
    locator = _locator()
    case_id, first = _dispatched(store, locator)
    assert expire_offers(store, locator, now=at(1) + TIMEOUT - timedelta(seconds=1)).startswith("0 offers lapsed")
    said = expire_offers(store, locator, now=at(1) + TIMEOUT)
    assert said == "1 offers lapsed: 1 offered to the next team, 0 cases without a team"
    _, assignments, teams, _ = _state(store, case_id)
    assert [(a.team_id, a.release_reason) for a in assignments] == [("G1", ReleaseReason.TIMED_OUT), ("G2", None)]
    assert teams["G1"] is TeamStatus.AVAILABLE
    # The new offer has a timeout of its own, counted from the lapse.
    assert assignments[1].offer_expires_at == at(1) + 2 * TIMEOUT
    with pytest.raises(IllegalTransition, match="ended"):
        _answer(store, locator, case_id, first, Answer.ACCEPT, minute=4)


def test_a_lapse_racing_an_accept_loses(store: Store) -> None:
    locator = _locator()
    case_id, offer_id = _dispatched(store, locator)
    _answer(store, locator, case_id, offer_id, Answer.ACCEPT, minute=2)
    assert expire_offers(store, locator, now=at(60)).startswith("0 offers lapsed")
    with pytest.raises(IllegalTransition):
        _answer(store, locator, case_id, offer_id, Answer.TIME_OUT, minute=60)


def test_an_offer_cannot_be_timed_out_before_it_lapses(store: Store) -> None:
    locator = _locator()
    case_id, offer_id = _dispatched(store, locator)
    with pytest.raises(IllegalTransition, match="stands until"):
        _answer(store, locator, case_id, offer_id, Answer.TIME_OUT, minute=2)


def test_a_team_that_shows_up_has_accepted(store: Store) -> None:
    locator = _locator()
    case_id, _ = _dispatched(store, locator)
    with store.unit_of_work() as uow:
        take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(Action.START), actor="member",
                               at=at(2))
    _, (offer,), _, _ = _state(store, case_id)
    assert offer.state is TaskState.ACCEPTED and offer.arrived_at == at(2)
    assert expire_offers(store, locator, now=at(600)).startswith("0 offers lapsed")


def test_with_a_road_network_the_team_soonest_there_is_offered_with_its_road_eta(store: Store) -> None:
    locator = Locator()
    locator.dispatch = DispatchPolicy(roads=RoadNetwork.from_geojson(RIVER_TOWN), offer_timeout=TIMEOUT)
    with store.unit_of_work() as uow:
        # Across the river, 300 m as the crow flies; down the road, 600 m.
        uow.teams.upsert_many([make_team("ACROSS", lat=NORTH), make_team("ALONG", lon=LON + 0.0064)])
        case = report_case_and_announce(uow, case_in=CaseCreate(
            title="fight", category="safety_hazard", lon=LON, lat=LAT, source=CaseSource.CITIZEN),
            grid_path=("T01",), actor="op", at=at(0)).case
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        case_id: int = case.id  # type: ignore[assignment]
        for action in (Action.ACCEPT, Action.DISPATCH):
            step = take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(action),
                                          actor="op", at=at(1))
        feed = uow.feed.since(0, limit=100)
    offer = step.assignment
    assert step.team is not None and offer is not None and step.team.id == "ALONG"
    assert offer.eta_s == pytest.approx(81, abs=2) and offer.distance_m == pytest.approx(602, abs=2)
    assert feed[-1].kind == payloads.TEAM_ASSIGNED and feed[-1].payload["eta_s"] == offer.eta_s


def test_a_silent_team_is_offered_only_after_every_reporting_one(store: Store) -> None:
    locator = _locator()
    with store.unit_of_work() as uow:
        uow.teams.upsert_many(TEAMS)
        for team, minute in (("G1", 1), ("G2", 10), ("G3", 10)):
            lon: float = next(t.lon for t in TEAMS if t.id == team)  # type: ignore[assignment]
            uow.teams.update_position(team, lon=lon, lat=LAT, at=at(minute))
        assert [t.id for t in uow.teams.mark_silent(reported_before=at(5), at=at(11))] == ["G1"]
        case = report_case_and_announce(uow, case_in=CaseCreate(
            title="fight", category="safety_hazard", lon=LON, lat=LAT, source=CaseSource.CITIZEN),
            grid_path=("T01",), actor="op", at=at(12)).case
        case_id: int = case.id  # type: ignore[assignment]
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        for action in (Action.ACCEPT, Action.DISPATCH):
            step = take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(action),
                                          actor="op", at=at(12))
    # G1 is nearest, but its phone fell silent: its position may be stale.
    assert step.team is not None and step.team.id == "G2"
