"""Filed reports: the weekly situation reports the job (or `gridwatch report weekly`) wrote to the data folder."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.common import Instant, Page, ReadModel


class FiledReportRead(ReadModel):
    """A filed weekly report: its ISO week (Beijing time), bounds, formats on disk and where to fetch them."""

    kind: Literal["weekly"]
    week: Annotated[str, Field(description="ISO week, e.g. 2026-W48")]
    since: Annotated[Instant, Field(description="Monday 00:00 Beijing time")]
    until: Annotated[Instant, Field(description="the next Monday 00:00 Beijing time (not included)")]
    formats: list[Literal["html", "pdf"]]
    sizes: Annotated[dict[str, int], Field(description="bytes per format")]
    filed_at: Annotated[Instant, Field(description="when the newest of its files was written")]
    html_url: str | None
    pdf_url: str | None


ReportPage = Page[FiledReportRead]
