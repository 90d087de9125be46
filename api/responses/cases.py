"""Answers about cases: the case, its events and assignments, its detail, a step's answer, the loop itself."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, computed_field

from access.models import Role
from api.responses.common import FeatureCollection, Instant, Page, PointFeature, ReadModel
from api.responses.reporters import DuplicateRead
from api.responses.resources import TeamRead
from api.responses.tasks import TaskRead
from cases.models import AssignmentRole, CaseSource, CaseStatus, Platform, ReleaseReason, TaskState

NextActions = Annotated[list[str], Field(description="the steps this caller may take now, in loop order")]


class CaseRead(ReadModel):
    """A case; reporter and reporter_phone are masked (张**, 138****0000) for roles without personal:read."""

    id: int
    title: str
    category: str
    source: CaseSource
    status: CaseStatus
    platform: Annotated[Platform | None, Field(description="the lead platform; null until routed")]
    lon: float
    lat: float
    grid_path: Annotated[list[str], Field(description="grid codes containing the case, coarsest first")]
    created_at: Instant
    updated_at: Instant
    description: str
    reporter: str
    reporter_phone: str
    alert_id: Annotated[int | None, Field(description="the sensor alert that opened the case")]
    satisfaction: Annotated[int | None, Field(ge=1, le=5, description="the reporter's satisfaction, once evaluated")]
    version: Annotated[int, Field(ge=1, description="bumped by every change; send it back as If-Match: \"<version>\"")]
    merged_into: Annotated[int | None, Field(description="merged: the case this one joined")]
    # The case clock (taxonomy time limits on the working calendar) and supervision (督办).
    priority: Annotated[str, Field(description="urgent, high, normal or low, from the taxonomy at intake")] = ""
    department: Annotated[str, Field(description="the department that answers for the sub-category")] = ""
    due_step: Annotated[str, Field(description="the step the case waits on: accept, dispatch, handle, verify, "
                                               "close; empty once finished")] = ""
    due_at: Annotated[Instant | None, Field(description="when due_step is due; null: no limit")] = None
    feedback_due_at: Annotated[Instant | None, Field(description="the reporter must hear back by then "
                                                                "(5 working days at most)")] = None
    external_due_at: Annotated[Instant | None, Field(description="a deadline set from outside (the city's, for a "
                                                                "case it handed down): no step is due later")] = None
    overdue: Annotated[bool | None, Field(description="due_at has passed (null: the answer is not about now)")] = None
    supervision_level: Annotated[int, Field(ge=0, le=4, description="0 none, 1 due soon, 2 overdue, 3 escalated to "
                                                                   "the platform head, 4 to the leader")] = 0
    handled_at: Annotated[Instant | None, Field(description="when the lead first fed back (handled)")] = None
    closed_at: Annotated[Instant | None, Field(description="when the case was closed (cleared on reopen)")] = None
    handling_wh: Annotated[float | None, Field(description="working hours from report to handled")] = None
    on_time: Annotated[bool | None, Field(description="handled by the handle step's due time")] = None
    confidence: Annotated[float | None, Field(description="the classifier's confidence in category (0-1); null when "
                                                          "the reporter or an operator chose it")] = None
    triage: Annotated[bool, Field(description="the classifier was not sure: waits for an operator to file it "
                                              "(GET /api/cases?triage=true, POST /api/cases/{id}/category)")] = False

    @computed_field(description="true when the case lies in no grid (empty grid_path): kept and shown, never dropped")
    def outside_jurisdiction(self) -> bool:
        """Return whether the case lies outside every grid."""
        return not self.grid_path


class CaseEventRead(ReadModel):
    """One step of a case, kept forever: who did what, when, from which status to which."""

    id: int
    case_id: int
    action: Annotated[str, Field(description="a step of the loop, or attach")]
    actor: str
    role: Annotated[str, Field(description="the actor's role when the step was taken (empty before migration 0017)")]
    at: Instant
    from_status: CaseStatus | None
    to_status: CaseStatus
    note: str
    data: Annotated[dict[str, Any], Field(description="what the step recorded; its members depend on the action")]
    attachments: Annotated[list[str], Field(description="ids or URLs of stored files the step refers to")]


class AssignmentRead(ReadModel):
    """A team's part in a case: lead or assisting, its task, and when it was dispatched, arrived and released."""

    id: int
    case_id: int
    team_id: str
    platform: Platform
    role: AssignmentRole
    task: str
    dispatched_at: Instant
    arrived_at: Instant | None
    released_at: Instant | None
    release_reason: ReleaseReason | None
    state: Annotated[TaskState, Field(description="offered until the team accepts; accepted; done")] = TaskState.ACCEPTED
    offer_expires_at: Annotated[Instant | None, Field(description="an open offer lapses then")] = None
    done_at: Annotated[Instant | None, Field(description="when the team's task was done")] = None
    distance_m: Annotated[float | None, Field(description="straight-line metres from the team to the case")] = None
    eta_s: Annotated[float | None, Field(description="expected travel seconds (by road where a network is loaded)")
                     ] = None


class AssignmentPage(Page[AssignmentRead]):
    """A page of assignments."""


class CaseDetail(CaseRead):
    """A case with its whole event log (oldest first), its assignments, its lead team and the caller's next steps."""

    events: list[CaseEventRead]
    assignments: list[AssignmentRead] = []
    team: TeamRead | None
    next_actions: NextActions
    # Joint handling (联合执法): platform is the lead; these assist, each by its own task.
    tasks: Annotated[list[TaskRead], Field(description="the lead's and assisting tasks, in dispatch order")] = []
    assisting_platforms: Annotated[list[Platform], Field(description="platforms with an assisting task open or "
                                                                     "done")] = []


class TaskAnswer(ReadModel):
    """A case after one of its assisting tasks was added, done or cancelled: the task and the event recording it."""

    case_id: int
    status: Annotated[CaseStatus, Field(description="unchanged: tasks do not move the case along the loop")]
    version: Annotated[int, Field(ge=1, description="the case's new version (ETag)")]
    task: TaskRead
    event: CaseEventRead
    distance_m: Annotated[float | None, Field(description="added: the team's distance to the case")] = None


class ReportAnswer(CaseRead):
    """A case just reported, with its report event and the open cases it may duplicate (nearest first)."""

    events: list[CaseEventRead]
    possible_duplicates: Annotated[list[DuplicateRead], Field(description="open cases of the category nearby "
                                                                          "(GET /api/cases/{id}/duplicates)")] = []


class ReclassifyAnswer(CaseRead):
    """The case filed under its new category, the event that records it, and the correction kept for training."""

    event: CaseEventRead
    correction_id: Annotated[int | None, Field(description="the classifier correction recorded; null when the "
                                                           "classifier had not filed the case")]


class StepAnswer(CaseRead):
    """The case after a step, with the step's event, the team and assignment it touched, and the next steps."""

    event: CaseEventRead
    team: TeamRead | None
    assignment: AssignmentRead | None = None
    distance_m: Annotated[float | None, Field(description="dispatch: the team's distance to the case")]
    eta_s: Annotated[float | None, Field(description="dispatch: the team's expected travel time in seconds")] = None
    next_actions: NextActions


class OfferAnswerRead(CaseRead):
    """The case after a team answered its offer: the event, the assignment answered and, after a refusal, the next
    offer (none: no team left, and the case went back to 'routed')."""

    event: CaseEventRead
    assignment: AssignmentRead
    offered: AssignmentRead | None
    team: TeamRead | None
    withdrawn: Annotated[bool, Field(description="nobody was left to offer: the case is 'routed' again")]
    next_actions: NextActions


class CasePage(Page[CaseRead]):
    """A page of cases."""


class CaseFeature(PointFeature[CaseRead]):
    """A case as a GeoJSON point."""


class CaseFeatureCollection(FeatureCollection[CaseFeature]):
    """A page of cases as GeoJSON points."""


class CategoryRead(ReadModel):
    """A category a case can have, and the platform it is routed to."""

    code: str
    label: Annotated[str, Field(description="its Chinese name")]
    label_en: Annotated[str, Field(description="its English name")]
    platform: Platform


class StatusLabel(ReadModel):
    """A status of the loop and its label."""

    code: CaseStatus
    label: str


class LifecycleAction(ReadModel):
    """A step of the loop: from which statuses, to which (null: unchanged), and which roles may take it."""

    action: str
    allowed_from: list[CaseStatus]
    leads_to: CaseStatus | None
    on_fail: Annotated[CaseStatus | None, Field(description="where a failed step leads (verify: returned)")]
    main_line: Annotated[bool, Field(description="false for side steps such as route, reject, merge")]
    requires: Annotated[list[str], Field(description="body fields the step cannot do without (note: a reason)")]
    releases_teams: Annotated[bool, Field(description="whether the step ends every active assignment")]
    roles: list[Role]
    assigned_team_only: Annotated[list[Role], Field(description="roles that may take it only on their team's case")]


class LifecycleRead(ReadModel):
    """The closed loop: its statuses and its steps."""

    statuses: list[StatusLabel]
    actions: list[LifecycleAction]


# A list route answers a page, or with format=geojson a FeatureCollection. Left to right, a page is told from a
# collection by its first missing member, without the strict pass a smart union first makes over every item.
CaseList = Annotated[CasePage | CaseFeatureCollection, Field(union_mode="left_to_right")]


class SnapshotRead(ReadModel):
    """A frame taken from a covering camera when the case opened; fetch it at url (an attachment of the case)."""

    camera_id: str
    taken_at: Instant
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    content_type: str
    size: int
    url: str


class SnapshotList(ReadModel):
    """A case's snapshots, oldest first."""

    case_id: int
    items: list[SnapshotRead]
