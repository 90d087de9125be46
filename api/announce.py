"""What the live feed says about a case: one place, so the pipeline, the routes and the demo say it alike."""

from __future__ import annotations

from datetime import datetime

from api.serialize import case_dict, event_dict, team_dict
from cases.models import Case
from cases.service import StepResult
from storage import FeedRepository


def announce_opened(feed: FeedRepository, case: Case, *, at: datetime) -> None:
    """Append case.opened."""
    feed.append("case.opened", {"case": case_dict(case)}, at=at)


def announce_step(feed: FeedRepository, result: StepResult, *, at: datetime) -> None:
    """Append case.updated for a step, and team.assigned when the step dispatched a team."""
    case = case_dict(result.case)
    feed.append("case.updated", {"case": case, "event": event_dict(result.event)}, at=at)
    if result.team is not None:
        feed.append("team.assigned", {"case_id": result.case.id, "case": case, "team": team_dict(result.team),
                                      "distance_m": result.distance_m}, at=at)
