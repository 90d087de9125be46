"""Contract of ReporterRepository and NoticeRepository, run against every backend."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cases.reporters import CaseReporter, NoticeKind, ReporterNotice
from storage import Store
from tests.factories import T0, at, make_case


def _cases(store: Store, n: int = 2) -> list[int]:
    with store.unit_of_work() as uow:
        return [uow.cases.add(make_case(f"case {i}")).id for i in range(n)]  # type: ignore[misc]


def _reporter(case_id: int, name: str = "王芳", **fields: object) -> CaseReporter:
    base: dict[str, object] = dict(case_id=case_id, name=name, phone="13800000001", channel="hotline", reported_at=T0)
    return CaseReporter(**{**base, **fields})  # type: ignore[arg-type]


def test_a_reporter_reads_back_whole_and_by_case_in_report_order(store: Store) -> None:
    first, second = _cases(store)
    with store.unit_of_work() as uow:
        late = uow.reporters.add(_reporter(first, "李四", reported_at=at(5)))
        early = uow.reporters.add(_reporter(first, "张三"))
        other = uow.reporters.add(_reporter(second))
    with store.read_only() as uow:
        assert uow.reporters.get(early.id) == early  # type: ignore[arg-type]
        assert [r.id for r in uow.reporters.for_case(first)] == [early.id, late.id]
        assert uow.reporters.for_case(second) == [other]
        assert uow.reporters.get(999) is None


def test_a_merge_moves_the_reporters_and_names_the_case_they_left(store: Store) -> None:
    merged, target = _cases(store)
    with store.unit_of_work() as uow:
        kept = uow.reporters.add(_reporter(target, "原报告人"))
        moving = uow.reporters.add(_reporter(merged, "后报告人", reported_at=at(3)))
        moved = uow.reporters.move_to_case(from_case_id=merged, to_case_id=target)
    assert [(r.id, r.case_id, r.merged_from) for r in moved] == [(moving.id, target, merged)]
    with store.read_only() as uow:
        assert uow.reporters.for_case(merged) == []
        assert [(r.id, r.merged_from) for r in uow.reporters.for_case(target)] == [(kept.id, None), (moving.id, merged)]


def test_a_rating_is_recorded_once_and_a_token_hash_finds_its_reporter(store: Store) -> None:
    (case_id,) = _cases(store, 1)
    with store.unit_of_work() as uow:
        reporter = uow.reporters.add(_reporter(case_id))
        uow.reporters.set_token_hash(reporter.id, "a" * 64)  # type: ignore[arg-type]
        rid: int = reporter.id  # type: ignore[assignment]
        assert uow.reporters.record_rating(rid, satisfaction=4, comment="及时", at=at(9))
        assert not uow.reporters.record_rating(rid, satisfaction=1, comment="again", at=at(10))
    with store.read_only() as uow:
        found = uow.reporters.by_token_hash("a" * 64)
        assert uow.reporters.by_token_hash("b" * 64) is None
    assert found is not None and (found.id, found.satisfaction, found.comment, found.rated_at) == (
        reporter.id, 4, "及时", at(9))


def test_a_new_token_replaces_the_old_and_a_hash_belongs_to_one_reporter(store: Store) -> None:
    (case_id,) = _cases(store, 1)
    with store.unit_of_work() as uow:
        one = uow.reporters.add(_reporter(case_id))
        two = uow.reporters.add(_reporter(case_id, "赵六"))
        uow.reporters.set_token_hash(one.id, "a" * 64)  # type: ignore[arg-type]
        uow.reporters.set_token_hash(one.id, "c" * 64)  # type: ignore[arg-type]
    with store.read_only() as uow:
        assert uow.reporters.by_token_hash("a" * 64) is None
        assert uow.reporters.by_token_hash("c" * 64).id == one.id  # type: ignore[union-attr]
    with pytest.raises(Exception), store.unit_of_work() as uow:  # the unique index
        uow.reporters.set_token_hash(two.id, "c" * 64)  # type: ignore[arg-type]


def test_the_store_refuses_a_satisfaction_outside_1_to_5(store: Store) -> None:
    (case_id,) = _cases(store, 1)
    with store.unit_of_work() as uow:
        reporter = uow.reporters.add(_reporter(case_id))
    with pytest.raises(Exception), store.unit_of_work() as uow:
        uow.reporters.record_rating(reporter.id, satisfaction=6, comment="", at=at(1))  # type: ignore[arg-type]
    with store.read_only() as uow:
        assert uow.reporters.get(reporter.id).rated_at is None  # type: ignore[arg-type,union-attr]


def test_notified_at_is_the_first_feedback_and_the_last_notice_follows_every_delivery(store: Store) -> None:
    (case_id,) = _cases(store, 1)
    with store.unit_of_work() as uow:
        reporter = uow.reporters.add(_reporter(case_id))
        rid: int = reporter.id  # type: ignore[assignment]
        uow.reporters.mark_notified(rid, kind=NoticeKind.MERGED, at=at(1))
        assert uow.reporters.get(rid).notified_at is None  # type: ignore[union-attr]
        uow.reporters.mark_notified(rid, kind=NoticeKind.HANDLED, at=at(2))
        uow.reporters.mark_notified(rid, kind=NoticeKind.CLOSED, at=at(3))
    with store.read_only() as uow:
        got = uow.reporters.get(rid)
    assert got is not None and (got.notified_at, got.last_notice, got.last_notice_at) == (at(2), "closed", at(3))


def test_notices_wait_until_sent_and_stop_after_too_many_failures(store: Store) -> None:
    merged, target = _cases(store)
    with store.unit_of_work() as uow:
        reporter = uow.reporters.add(_reporter(merged))
        rid: int = reporter.id  # type: ignore[assignment]
        notice = ReporterNotice(case_id=merged, reporter_id=rid, kind=NoticeKind.MERGED, text="您好", created_at=T0)
        first = uow.reporter_notices.add(notice)
        second = uow.reporter_notices.add(replace(notice, kind=NoticeKind.CLOSED, wants_rating=True, case_id=target))
        uow.reporters.move_to_case(from_case_id=merged, to_case_id=target)
    with store.unit_of_work() as uow:
        assert uow.reporter_notices.pending(max_attempts=3) == [first, second]
        assert uow.reporter_notices.mark_sent(first.id, at=at(1))  # type: ignore[arg-type]
        assert not uow.reporter_notices.mark_sent(first.id, at=at(2))  # type: ignore[arg-type]
        uow.reporter_notices.mark_failed(second.id, error="gateway down " + "x" * 900)  # type: ignore[arg-type]
    with store.read_only() as uow:
        [left] = uow.reporter_notices.pending(max_attempts=3)
        assert uow.reporter_notices.pending(max_attempts=1) == []
        # The target's notices include those of the reporters it took over from the merged case.
        assert [n.id for n in uow.reporter_notices.for_case(target)] == [first.id, second.id]
        assert uow.reporter_notices.for_case(merged)[0].sent_at == at(1)
    assert (left.id, left.attempts, left.wants_rating, len(left.last_error)) == (second.id, 1, True, 500)
