"""Request bodies of joint handling (联合执法): an assisting task, and its team's report that it is done."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.schemas import Strict
from cases.models import Platform

Attachments = Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]],
                        Field(max_length=20, description="ids or URLs of files already stored")]


class TaskCreate(Strict):
    """An assisting platform's task on a case: which platform, what to do, and optionally which of its teams."""

    platform: Annotated[Platform, Field(description="the assisting platform")]
    task: Annotated[str, Field(min_length=1, max_length=2000, description="what the assisting team is to do")]
    team_id: Annotated[str | None, Field(max_length=64, description="this team of the platform instead of the "
                                                                     "nearest available one")] = None


class TaskDone(Strict):
    """The assisting team's report: what it did, with files already stored."""

    note: Annotated[str, Field(max_length=2000)] = ""
    attachments: Attachments = []
