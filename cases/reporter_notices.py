"""Keep reporters informed: their row at intake, a notice when their case reaches a status they must hear of."""

from __future__ import annotations

from datetime import datetime

from cases.lifecycle import Action
from cases.models import Case, CaseEvent, CaseStatus
from cases.reporters import CaseReporter, NoticeKind, NoticeRepository, ReporterNotice, ReporterRepository

# The statuses a reporter hears of; a merge is told apart by its action.
NOTICE_FOR_STATUS: dict[CaseStatus, NoticeKind] = {
    CaseStatus.HANDLED: NoticeKind.HANDLED,
    CaseStatus.CLOSED: NoticeKind.CLOSED,
    CaseStatus.REJECTED: NoticeKind.REJECTED,
    CaseStatus.ESCALATED: NoticeKind.ESCALATED,
}
SIGNATURE = "【镇综治中心】"


def add_original_reporter(reporters: ReporterRepository, case: Case) -> CaseReporter | None:
    """Record the person who reported the case; a case from a sensor or a camera names nobody and gets no row."""
    if not (case.reporter.strip() or case.reporter_phone.strip()):
        return None
    return reporters.add(CaseReporter(case_id=case.id, name=case.reporter.strip(),  # type: ignore[arg-type]
                                      phone=case.reporter_phone.strip(), channel=str(case.source),
                                      reported_at=case.created_at))


def notice_text(kind: NoticeKind, *, name: str, title: str, case_id: int, note: str = "",
                target_id: int | None = None) -> str:
    """Return the Chinese text of a notice about the case the person reported (a rating link is added when sent)."""
    greeting = f"{name}您好，" if name else "您好，"
    about = f"您反映的“{title}”（{case_id}号）"
    body = {
        NoticeKind.HANDLED: f"{about}已处置完毕，正在核查，办结后将再告知您。",
        NoticeKind.CLOSED: f"{about}已办结，感谢您的支持。请为办理结果评分（1至5星）。",
        NoticeKind.REJECTED: f"{about}不属于本镇受理范围，已退回。原因：{note or '见回访说明'}。",
        NoticeKind.ESCALATED: f"{about}已按规定上报上级部门办理，办理结果将另行告知。",
        NoticeKind.MERGED: f"{about}与{target_id}号案件为同一事项，已并入一并办理，办理结果将另行告知。",
    }[kind]
    return f"{SIGNATURE}{greeting}{body}"


def inform_reporters(*, reporters: ReporterRepository, notices: NoticeRepository, case: Case, event: CaseEvent,
                     at: datetime) -> list[ReporterNotice]:
    """Record the notices a step owes the case's reporters; a merge first moves its reporters to the target.

    A merged case's reporters go with the matter: they are told which case took theirs and hear its outcome.
    """
    case_id: int = case.id  # type: ignore[assignment]
    if event.action == Action.MERGE and case.merged_into is not None:
        moved = reporters.move_to_case(from_case_id=case_id, to_case_id=case.merged_into)
        return [notices.add(ReporterNotice(
            case_id=case_id, reporter_id=r.id, kind=NoticeKind.MERGED, created_at=at,  # type: ignore[arg-type]
            text=notice_text(NoticeKind.MERGED, name=r.name, title=case.title, case_id=case_id,
                             target_id=case.merged_into)))
            for r in moved]
    kind = NOTICE_FOR_STATUS.get(event.to_status)
    if kind is None or event.from_status == event.to_status:
        return []
    return [notices.add(ReporterNotice(
        case_id=case_id, reporter_id=r.id, kind=kind, created_at=at,  # type: ignore[arg-type]
        # A reporter of a merged case knows the matter by the number they were given.
        text=notice_text(kind, name=r.name, title=case.title, case_id=r.merged_from or case_id, note=event.note),
        wants_rating=kind is NoticeKind.CLOSED and r.rated_at is None))
        for r in reporters.for_case(case_id)]

