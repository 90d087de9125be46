"""Both backends keep taxonomy versions (latest wins) and classifier corrections alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cases.taxonomy import shipped_taxonomy
from cases.taxonomy_store import Correction
from storage import Store

T0 = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)


def test_taxonomy_versions_are_kept_whole_and_the_latest_wins(store: Store) -> None:
    doc = shipped_taxonomy().doc
    with store.read_only() as uow:
        assert uow.taxonomy_versions.latest() is None and uow.taxonomy_versions.count() == 0
    with store.unit_of_work() as uow:
        first = uow.taxonomy_versions.add(doc=doc, created_by="admin", note="初版", at=T0)
        edited = {**doc, "version": 2}
        second = uow.taxonomy_versions.add(doc=edited, created_by="admin", note="", at=T0 + timedelta(hours=1))
    with store.read_only() as uow:
        latest = uow.taxonomy_versions.latest()
        listed = uow.taxonomy_versions.list(limit=10)
        assert uow.taxonomy_versions.count() == 2
        assert [v.id for v in uow.taxonomy_versions.list(limit=1, offset=1)] == [first.id]
    assert latest == second and latest.doc == edited and latest.created_at == T0 + timedelta(hours=1)
    assert [v.id for v in listed] == [second.id, first.id] and listed[1].note == "初版"
    assert listed[1].doc == doc


def test_corrections_are_kept_in_order_and_filtered_by_time(store: Store) -> None:
    with store.unit_of_work() as uow:
        one = uow.classification_corrections.add(Correction(
            text="河里有死鱼，水发黑", predicted="air_pollution", corrected="environment", confidence=0.41,
            corrected_by="operator", corrected_at=T0, channel="hotline", case_id=17))
        two = uow.classification_corrections.add(Correction(
            text="楼道充电", predicted="other", corrected="fire_hazard", confidence=0.2, corrected_by="operator",
            corrected_at=T0 + timedelta(days=1)))
    with store.read_only() as uow:
        assert uow.classification_corrections.list() == [one, two]
        assert uow.classification_corrections.list(since=T0 + timedelta(hours=1)) == [two]
        assert uow.classification_corrections.count() == 2
        assert uow.classification_corrections.count(since=T0 + timedelta(hours=1)) == 1
    assert one.id is not None and one.case_id == 17 and one.confidence == 0.41 and two.case_id is None
    assert two.channel == "unknown"
