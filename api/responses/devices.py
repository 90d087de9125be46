"""Answers of the device registry: quarantine entries and CSV import reports."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.responses.common import Instant, Page, ReadModel
from iot.models import SensorKind


class QuarantineRead(ReadModel):
    """A device nobody provisioned, heard on the broker: when, how often, and what its last message said."""

    device_id: str
    topic: str
    first_seen_at: Instant
    last_seen_at: Instant
    messages: Annotated[int, Field(ge=1)]
    payload_text: Annotated[str, Field(description="the last payload's first KiB, decoded as UTF-8 where it can be")]
    payload_hex: str
    lon: float | None
    lat: float | None
    crs: str | None
    suggested_kind: Annotated[SensorKind | None, Field(description="the one kind whose metrics the payload matches")]


class QuarantinePage(Page[QuarantineRead]):
    """A page of quarantined devices, last seen first."""


class ProblemRead(ReadModel):
    """One thing wrong in a device import: the CSV line (1 is the header), the column and what is wrong."""

    line: int | None
    column: str
    message: str


class ImportReportRead(ReadModel):
    """A CSV import that passed every check: how many rows, how many devices are new and how many replaced."""

    rows: int
    created: int
    updated: int
    dry_run: Annotated[bool, Field(description="true: checked only, nothing written")]
