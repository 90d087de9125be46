"""Request bodies of reporters' ratings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.schemas import Strict


class RatingIn(Strict):
    """A reporter's rating of the outcome: 1 (very dissatisfied) to 5 (very satisfied), and a comment."""

    satisfaction: Annotated[int, Field(ge=1, le=5, description="1 to 5 stars")]
    comment: Annotated[str, Field(max_length=500)] = ""
