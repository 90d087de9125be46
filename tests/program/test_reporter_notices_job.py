"""The reporter-notices job: wired with the deployment's jobs, it sends what the loop recorded at the time given."""

from __future__ import annotations

from pathlib import Path

import json

from cases.lifecycle import Action
from gridwatch.jobs_wiring import REPORTER_NOTICES, reporter_notices_job
from gridwatch.notifiers import FileNotifier, notifier_for, LoggingNotifier
from gridwatch.settings import load_settings
from storage import Store
from tests.cases.test_reporters_loop import Collecting, _report, _step
from tests.factories import at


def test_the_job_sends_pending_notices_with_links_on_the_configured_address(store: Store) -> None:
    case_id = _report(store)
    _step(store, case_id, Action.ESCALATE, 1, note="事权不在本级")
    notifier = Collecting()
    settings = load_settings(http_bind="10.0.0.5:8000")
    job = reporter_notices_job(store, settings, notifier=notifier)
    assert job.name == REPORTER_NOTICES and job.interval.total_seconds() == 60
    assert job.run(at(5)) == "1 reporter notices sent, 0 failed"
    with store.read_only() as uow:
        [reporter] = uow.reporters.for_case(case_id)
    assert (reporter.last_notice, reporter.last_notice_at) == ("escalated", at(5))
    assert [n.kind for n in notifier.sent] == ["escalated"] and "上报上级" in notifier.sent[0].text


def test_the_file_notifier_appends_json_lines_and_the_default_only_logs(tmp_path: Path) -> None:
    from cases.notifier import OutgoingNotice

    path = tmp_path / "out" / "notices.jsonl"
    notifier = notifier_for(path)
    assert isinstance(notifier, FileNotifier) and isinstance(notifier_for(None), LoggingNotifier)
    for i in (1, 2):
        notifier.send(OutgoingNotice(notice_id=i, case_id=7, reporter_id=3, name="王芳", phone="13800000001",
                                     kind="closed", text="已办结"))
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(x["notice_id"], x["phone"], x["text"]) for x in lines] == [(1, "13800000001", "已办结"),
                                                                        (2, "13800000001", "已办结")]
