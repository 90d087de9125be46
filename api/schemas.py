"""Request bodies; unknown fields are refused (422) so a client cannot set what it may not (mass assignment)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from cases.lifecycle import Action
from cases.models import CaseSource, Platform
from iot.models import SensorKind


# Checked where the position is used (gis.crs.normalise_position), so an unknown system is a 422 naming them all.
CRS_HELP = ("the system lon/lat are in, stored in WGS-84: wgs84, gcj02, bd09, cgcs2000, or EPSG:4326, EPSG:4490 or a "
            "CGCS2000 Gauss-Krüger zone EPSG:4491..4554 (then lon is the easting, lat the northing, in metres)")


class Strict(BaseModel):
    """A body that refuses fields it does not declare, and text no store can keep."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold U+0000; refuse it here as bad input rather than fail in the store.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class CaseReport(Strict):
    """A case reported by grid staff, a citizen or the hotline."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    category: Annotated[str | None, Field(min_length=1, max_length=64, description=(
        "A code from GET /api/categories; left out, the classifier files the report by its title and description "
        "(below GRIDWATCH_CLASSIFY_MIN_CONFIDENCE, or 'other', it waits in the triage queue)"))] = None
    description: Annotated[str, Field(max_length=4000)] = ""
    lon: float
    lat: float
    crs: Annotated[str, Field(max_length=64, description=CRS_HELP)] = "wgs84"
    source: Annotated[CaseSource | None, Field(description="default: grid_staff for people, citizen for API keys")] = None
    reporter: Annotated[str, Field(max_length=64)] = ""
    reporter_phone: Annotated[str, Field(max_length=32, pattern=r"^[0-9+\- ]*$")] = ""


class ReclassifyRequest(Strict):
    """An operator's filing of a case under a sub-category of the active taxonomy (it leaves the triage queue)."""

    category: Annotated[str, Field(min_length=1, max_length=64, description="A code from GET /api/categories")]
    note: Annotated[str, Field(max_length=2000, description="why, for the case's log")] = ""


class StepRequest(Strict):
    """A step of the loop; only the fields its action uses are read. Who takes it comes from the token."""

    note: Annotated[str, Field(max_length=2000)] = ""
    team_id: Annotated[str | None, Field(max_length=64, description="dispatch: this team instead of the nearest")] = None
    platform: Annotated[Platform | None, Field(description="route: the new lead platform")] = None
    passed: Annotated[bool, Field(description="verify: false returns the case to its team for rework")] = True
    satisfaction: Annotated[int | None, Field(ge=1, le=5, description="evaluate: the reporter's satisfaction")] = None
    target_case_id: Annotated[int | None, Field(ge=1, le=2**63 - 1, description="merge: the open case it joins")] = None
    attachments: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]],
                           Field(max_length=20, description="ids or URLs of files already stored")] = []


ACTIONS = tuple(a.value for a in Action if a is not Action.REPORT)


class OfferAnswerRequest(Strict):
    """A team's answer to an offer; the note says why it declines (kept in the case's log)."""

    note: Annotated[str, Field(max_length=2000)] = ""


MetricName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


class MetricRangeIn(Strict):
    """A metric's unit and physical range; the unit must match the kind's catalogue for a metric it names."""

    unit: Annotated[str, Field(max_length=32)]
    min: Annotated[float, Field(allow_inf_nan=False)]
    max: Annotated[float, Field(allow_inf_nan=False)]


class DeviceFields(Strict):
    """A device as provisioned; metrics and interval_s override its kind's catalogue (iot/kinds.yaml)."""

    kind: Annotated[SensorKind, Field(description="a kind of the catalogue")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    lon: Annotated[float | None, Field(allow_inf_nan=False, description="lon, or the easting in a projected crs")] = None
    lat: Annotated[float | None, Field(allow_inf_nan=False, description="lat, or the northing in a projected crs")] = None
    crs: Annotated[str, Field(max_length=64, description=CRS_HELP)] = "wgs84"
    mobile: Annotated[bool, Field(description="true: its messages carry its position; lon/lat optional")] = False
    grid_code: Annotated[str, Field(max_length=64, description="empty: located from the position")] = ""
    department: Annotated[str, Field(max_length=100, description="owner department")] = ""
    interval_s: Annotated[int | None, Field(ge=1, le=7 * 24 * 3600, description="empty: the kind's")] = None
    metrics: Annotated[dict[MetricName, MetricRangeIn], Field(max_length=32)] = {}


class DeviceCreate(DeviceFields):
    """A device to provision under a new id (its MQTT topic segment)."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class DeviceAdopt(Strict):
    """A quarantined device to provision; what is left out comes from its last messages (kind, position)."""

    kind: Annotated[SensorKind | None, Field(description="default: the suggested kind")] = None
    name: Annotated[str | None, Field(min_length=1, max_length=200, description="default: the id")] = None
    lon: Annotated[float | None, Field(allow_inf_nan=False, description="lon, or the easting in a projected crs")] = None
    lat: Annotated[float | None, Field(allow_inf_nan=False, description="lat, or the northing in a projected crs")] = None
    crs: Annotated[str | None, Field(max_length=64, description="default: the message's, else wgs84")] = None
    mobile: bool | None = None
    grid_code: Annotated[str | None, Field(max_length=64)] = None
    department: Annotated[str | None, Field(max_length=100)] = None
    interval_s: Annotated[int | None, Field(ge=1, le=7 * 24 * 3600)] = None
    metrics: Annotated[dict[MetricName, MetricRangeIn] | None, Field(max_length=32)] = None


class AlertAcknowledge(Strict):
    """An operator's acknowledgement of an alert: what they saw or decided."""

    note: Annotated[str, Field(max_length=2000, description="what the operator saw or decided")] = ""
