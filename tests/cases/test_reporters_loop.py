"""Reporters through the loop, on both stores: recorded at intake, told of the outcome, moved by a merge, rate once."""

from __future__ import annotations

from datetime import datetime

import pytest

from cases.errors import AlreadyRated
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import CaseSource, CaseStatus
from cases.notifier import NotifierError, OutgoingNotice
from cases.ratings import mean_satisfaction, rate_outcome, reporter_for_token
from cases.reporters import NoticeKind
from cases.service import CaseCreate, StepInput, StepResult
from cases.use_cases import report_case_and_announce, take_step_and_announce
from gridwatch.reporter_notices import NoticeDelivery, deliver_reporter_notices
from storage import Store
from tests.factories import LAT, LON, at, make_team

DELIVERY = NoticeDelivery(link_base="https://gw.example.cn/")
MAIN_LINE = (Action.ACCEPT, Action.DISPATCH, Action.START, Action.FEEDBACK, Action.VERIFY, Action.CLOSE)


class Collecting:
    """A notifier that keeps what it was given; fails while `down` is set."""

    def __init__(self) -> None:
        self.sent: list[OutgoingNotice] = []
        self.down = False

    def send(self, notice: OutgoingNotice) -> None:
        if self.down:
            raise NotifierError("gateway: 503")
        self.sent.append(notice)


def _report(store: Store, *, reporter: str = "王芳", phone: str = "13800000001", minute: float = 0,
            source: CaseSource = CaseSource.HOTLINE) -> int:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1"), make_team("gov-2")])
        opened = report_case_and_announce(uow, case_in=CaseCreate(
            title="井盖缺失", category="safety_hazard", lon=LON, lat=LAT, source=source, reporter=reporter,
            reporter_phone=phone), grid_path=("T01",), actor="operator-1", at=at(minute))
    return opened.case.id  # type: ignore[return-value]


def _step(store: Store, case_id: int, action: Action, minute: float, **fields: object) -> StepResult:
    locator = Locator()
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        step_in = StepInput(action, **fields)  # type: ignore[arg-type]
        return take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=step_in, actor="operator-1",
                                      at=at(minute))


def _close(store: Store, case_id: int, start: float = 1) -> None:
    for i, action in enumerate(MAIN_LINE):
        _step(store, case_id, action, start + i)


def _notices(store: Store, case_id: int) -> list[tuple[int, str]]:
    with store.read_only() as uow:
        return [(n.reporter_id, str(n.kind)) for n in uow.reporter_notices.for_case(case_id)]


def test_a_report_records_its_reporter_and_a_sensor_case_names_nobody(store: Store) -> None:
    case_id = _report(store)
    silent = _report(store, reporter="", phone="", source=CaseSource.SENSOR)
    with store.read_only() as uow:
        [reporter] = uow.reporters.for_case(case_id)
        assert uow.reporters.for_case(silent) == []
    assert (reporter.name, reporter.phone, reporter.channel, reporter.reported_at) == (
        "王芳", "13800000001", "hotline", at(0))


def test_handled_and_closed_are_told_and_the_job_delivers_with_a_rating_link_once(store: Store) -> None:
    case_id = _report(store)
    _close(store, case_id)
    with store.read_only() as uow:
        [reporter] = uow.reporters.for_case(case_id)
        notices = uow.reporter_notices.for_case(case_id)
    assert [(n.kind, n.wants_rating, n.created_at) for n in notices] == [
        (NoticeKind.HANDLED, False, at(4)), (NoticeKind.CLOSED, True, at(6))]
    assert "王芳您好" in notices[1].text and f"（{case_id}号）已办结" in notices[1].text
    assert "gw.example.cn" not in notices[1].text  # the link is minted when sent, never stored
    notifier = Collecting()
    sent_at = datetime(2024, 5, 2, 9, 0, tzinfo=at(0).tzinfo)
    assert deliver_reporter_notices(store, notifier, DELIVERY, now=sent_at).startswith("2 reporter notices sent")
    assert [n.kind for n in notifier.sent] == ["handled", "closed"]
    link = notifier.sent[1].text.rsplit("评价链接：", 1)[1]
    assert link.startswith("https://gw.example.cn/rate/") and "评价链接" not in notifier.sent[0].text
    token = link.rsplit("/", 1)[1]
    with store.read_only() as uow:
        rated = uow.reporters.get(reporter.id)  # type: ignore[arg-type]
        assert reporter_for_token(uow.reporters, token).id == reporter.id
    assert rated is not None and (rated.notified_at, rated.last_notice) == (sent_at, "closed")
    assert rated.rating_token_hash is not None and token not in rated.rating_token_hash
    # Sent notices are not sent again.
    assert deliver_reporter_notices(store, notifier, DELIVERY, now=sent_at).startswith("0 reporter notices sent")
    assert len(notifier.sent) == 2


def test_a_refused_notice_is_retried_and_given_up_after_its_attempts(store: Store) -> None:
    case_id = _report(store)
    _step(store, case_id, Action.REJECT, 1, note="属于县级事权")
    notifier = Collecting()
    notifier.down = True
    delivery = NoticeDelivery(link_base="http://x", max_attempts=2)
    assert deliver_reporter_notices(store, notifier, delivery, now=at(2)) == "0 reporter notices sent, 1 failed"
    notifier.down = False
    assert deliver_reporter_notices(store, notifier, delivery, now=at(3)) == "1 reporter notices sent, 0 failed"
    assert "原因：属于县级事权" in notifier.sent[0].text and notifier.sent[0].kind == "rejected"
    with store.read_only() as uow:
        [reporter] = uow.reporters.for_case(case_id)
        [notice] = uow.reporter_notices.for_case(case_id)
    # A rejection is no feedback on the matter: notified_at waits for handled or closed.
    assert (reporter.notified_at, reporter.last_notice, notice.attempts) == (None, "rejected", 2)


def test_escalation_tells_the_reporter(store: Store) -> None:
    case_id = _report(store)
    _step(store, case_id, Action.ESCALATE, 1, note="事权不在本级")
    assert [kind for _, kind in _notices(store, case_id)] == ["escalated"]


def test_a_merge_moves_the_reporters_tells_them_and_the_target_outcome_reaches_everyone(store: Store) -> None:
    target = _report(store, reporter="王芳")
    merged = _report(store, reporter="李雷", phone="13900000002", minute=1)
    result = _step(store, merged, Action.MERGE, 2, target_case_id=target)
    assert result.case.status is CaseStatus.MERGED
    with store.read_only() as uow:
        first, second = uow.reporters.for_case(target)
        assert uow.reporters.for_case(merged) == []
        [merge_notice] = uow.reporter_notices.for_case(merged)
    assert (second.name, second.merged_from) == ("李雷", merged)
    assert merge_notice.kind is NoticeKind.MERGED and f"已并入" in merge_notice.text and f"{target}号" in merge_notice.text
    _close(store, target, 3)
    assert sorted(_notices(store, target)) == sorted([
        (second.id, "merged"), (first.id, "handled"), (second.id, "handled"), (first.id, "closed"),
        (second.id, "closed")])


def test_the_first_rating_evaluates_the_closed_case_and_later_ones_move_the_mean(store: Store) -> None:
    target = _report(store, reporter="王芳")
    merged = _report(store, reporter="李雷", phone="13900000002", minute=1)
    _step(store, merged, Action.MERGE, 2, target_case_id=target)
    _close(store, target, 3)
    locator = Locator()
    with store.unit_of_work() as uow:
        first, second = uow.reporters.for_case(target)
        outcome = rate_outcome(uow, locator=locator, reporter=first, satisfaction=5, comment="很快", actor="reporter:1",
                               at=at(20), role="reporter")
    assert outcome.evaluated and (outcome.case.status, outcome.case.satisfaction) == (CaseStatus.EVALUATED, 5)
    assert (outcome.event.action, outcome.event.actor) == ("evaluate", "reporter:1")
    with store.unit_of_work() as uow:
        later = rate_outcome(uow, locator=locator, reporter=second, satisfaction=2, comment="", actor="operator-1",
                             at=at(21), channel="hotline")
    assert not later.evaluated and (later.case.status, later.case.satisfaction) == (CaseStatus.EVALUATED, 4)
    assert later.event.action == "reporter_rated" and later.event.data["channel"] == "hotline"
    with pytest.raises(AlreadyRated), store.unit_of_work() as uow:
        rate_outcome(uow, locator=locator, reporter=first, satisfaction=1, comment="", actor="reporter:1", at=at(22))
    with store.read_only() as uow:
        case = uow.cases.get(target)
        events = [e.action for e in uow.cases.events(target)]
    assert case is not None and (case.satisfaction, case.status) == (4, CaseStatus.EVALUATED)
    assert events[-2:] == ["evaluate", "reporter_rated"]


def test_a_rating_of_a_case_not_closed_is_kept_and_noted_without_evaluating(store: Store) -> None:
    case_id = _report(store)
    with store.unit_of_work() as uow:
        [reporter] = uow.reporters.for_case(case_id)
        outcome = rate_outcome(uow, locator=Locator(), reporter=reporter, satisfaction=3, comment="", actor="x",
                               at=at(1))
    assert not outcome.evaluated and (outcome.case.status, outcome.case.satisfaction) == (CaseStatus.REPORTED, None)


@pytest.mark.parametrize(("ratings", "mean"), [([5], 5), ([4, 5], 5), ([1, 2], 2), ([1, 2, 2], 2), ([3, 4, 4], 4)])
def test_the_case_satisfaction_is_the_mean_rounded_half_up(ratings: list[int], mean: int) -> None:
    assert mean_satisfaction(ratings) == mean
