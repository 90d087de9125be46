"""Whatever a caller sends, its audit entry is written, readable and on a sound chain, in every store."""

from __future__ import annotations

from datetime import UTC, datetime

from audit.service import MAX_TEXT, record, verify
from storage import Store


def test_unstorable_characters_are_escaped_and_long_text_cut_in_every_field(store: Store) -> None:
    at = datetime(2026, 11, 23, 8, tzinfo=UTC)
    with store.unit_of_work() as uow:
        record(repo=uow.audit, at=at, actor="adm\x00in", role="", source_ip="127.0.0.1", action="POST /api/auth/token",
               target="case_id=\ud800", outcome="invalid", detail={"user\x00name": ["a\x00", {"b": "\udfff"}], "n": 1})
        record(repo=uow.audit, at=at, actor="x" * (MAX_TEXT + 5), role="", source_ip="", action="POST /x")
    with store.unit_of_work() as uow:
        first, second = uow.audit.entries()
        report = verify(repo=uow.audit)
    assert (first.actor, first.target) == ("adm\\x00in", "case_id=\\ud800")
    assert first.detail == {"user\\x00name": ["a\\x00", {"b": "\\udfff"}], "n": 1}
    assert second.actor == "x" * MAX_TEXT + "…(+5 characters)"
    assert report.ok and report.checked == 2
