"""Answers about what the town has: grids, alerts, teams, cameras, devices and dead letters."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, computed_field

from alerts.models import AlertPurpose, AlertStatus, Severity
from api.responses.common import (FeatureCollection, Instant, Page, PointFeature, PolygonGeometry,
                                  ReadModel)
from cases.models import Platform, TeamStatus
from iot.models import SensorKind
from video.health import Health
from video.models import Mount


class AlertRead(ReadModel):
    """A located alarm of one subject and rule: its last, first and worst values, its lifecycle and its case."""

    id: int
    device_id: Annotated[str, Field(description="the subject: a device, a camera or a team")]
    sensor_kind: Annotated[str, Field(description="the subject's kind (camera for camera faults)")]
    rule_id: Annotated[str, Field(description="the rule that raised it (threshold:<metric> for the fixed thresholds)")]
    purpose: AlertPurpose
    metric: str
    value: Annotated[float, Field(description="the last value seen")]
    limit: float
    first_value: float
    worst_value: Annotated[float, Field(description="the value farthest past the limit")]
    worst_at: Instant
    severity: Annotated[Severity, Field(description="the gravest seen; it only rises")]
    lon: float
    lat: float
    grid_path: list[str]
    raised_at: Annotated[Instant, Field(description="first seen")]
    last_seen_at: Instant
    occurrences: Annotated[int, Field(ge=1, description="signals folded into this alert")]
    status: AlertStatus
    acknowledged_by: str | None
    acknowledged_at: Instant | None
    ack_note: str
    cleared_at: Instant | None
    case_id: int | None

    @computed_field(description="true when the alert lies in no grid (empty grid_path): kept and shown, never dropped")
    def outside_jurisdiction(self) -> bool:
        """Return whether the alert lies outside every grid."""
        return not self.grid_path


class AlertPage(Page[AlertRead]):
    """A page of alerts."""


class AlertFeature(PointFeature[AlertRead]):
    """An alert as a GeoJSON point."""


class AlertFeatureCollection(FeatureCollection[AlertFeature]):
    """A page of alerts as GeoJSON points."""


class TeamRead(ReadModel):
    """A field team of one platform with its last known position (null until it reports one)."""

    id: str
    name: str
    platform: Platform
    status: TeamStatus
    lon: float | None
    lat: float | None
    position_at: Annotated[Instant | None, Field(description="when the latest position was taken (the phone's time)")]
    members: int
    phone: str
    reported_at: Annotated[Instant | None, Field(description="when the phone last reported any position (server time)")]
    silent: Annotated[bool, Field(description="the phone has not reported for GRIDWATCH_TEAM_SILENT_AFTER_S: "
                                              "the position is stale")]
    silent_since: Instant | None


class TeamPage(Page[TeamRead]):
    """Every team matching the filters (not paged: a town has tens)."""


class TeamFeature(PointFeature[TeamRead]):
    """A team as a GeoJSON point."""


class TeamFeatureCollection(FeatureCollection[TeamFeature]):
    """Teams as GeoJSON points."""


class CameraHealthRead(ReadModel):
    """A camera's latest probe: its status ("unknown" before the first probe), when, and what it found."""

    status: Health | Literal["unknown"]
    probed_at: Instant | None
    detail: str


class LiveViewRead(ReadModel):
    """Where the page plays the camera: its own live URL (HLS, FLV, WebRTC), this server's MJPEG relay, or nowhere.

    The relay's URL needs ?ticket= from POST /api/auth/stream-ticket.
    """

    kind: Literal["live_url", "relay", "none"]
    url: str


class CameraRead(ReadModel):
    """A camera: position, bearing (degrees from north), field of view, range, mounting and its latest health.

    stream_url never carries credentials; has_credentials says whether the server holds a login for it.
    """

    id: str
    name: str
    lon: float
    lat: float
    bearing_deg: float
    fov_deg: float
    range_m: float
    owner: str
    stream_url: str
    height_m: float
    mount: Mount
    grid_code: str
    gb_device_id: Annotated[str, Field(pattern=r"^[0-9]{20}$")] | None
    live_url: str
    has_credentials: bool
    diagnosis_overrides: dict[str, float] = Field(default_factory=dict,
                                                  description="The camera's own diagnosis thresholds, by name.")
    live_view: LiveViewRead
    health: CameraHealthRead


class CameraPage(Page[CameraRead]):
    """A page of cameras."""


class CameraFeature(PointFeature[CameraRead]):
    """A camera as a GeoJSON point."""


class CameraFeatureCollection(FeatureCollection[CameraFeature]):
    """A page of cameras as GeoJSON points."""


class CoveringCamera(ReadModel):
    """A camera whose view covers the point: how far, the bearing to the point, how far off axis, where to turn.

    turn_to_deg is the bearing to turn a PTZ camera to (null for a fixed one; off_axis_deg is then 0).
    score = distance_m + 100 × off_axis_deg / (fov_deg / 2), lower is better; healthy says whether the last
    probe found the picture good (the camera's health says what was found).
    """

    camera: CameraRead
    distance_m: float
    bearing_to_point_deg: Annotated[float, Field(ge=0, lt=360)]
    off_axis_deg: Annotated[float, Field(ge=0, le=180)]
    turn_to_deg: Annotated[float, Field(ge=0, lt=360)] | None
    score: float
    healthy: bool


class CoveringRead(ReadModel):
    """The cameras covering a point: healthy ones first, then never probed, then faulty; best score first in each."""

    lon: float
    lat: float
    items: list[CoveringCamera]


class SectorProperties(ReadModel):
    """What the map needs to draw and colour a camera's view sector."""

    id: str
    name: str
    mount: Mount
    bearing_deg: float
    fov_deg: float
    range_m: float
    owner: str
    health: CameraHealthRead


class SectorFeature(ReadModel):
    """A camera's view as a GeoJSON polygon in WGS-84: a wedge for a fixed camera, a disc of its range for a PTZ one."""

    type: Literal["Feature"]
    id: str
    geometry: PolygonGeometry
    properties: SectorProperties


class SectorFeatureCollection(FeatureCollection[SectorFeature]):
    """A page of camera view sectors."""


class MetricRangeRead(ReadModel):
    """A metric's unit and the values it can physically take."""

    unit: str
    min: float
    max: float


class DeviceRead(ReadModel):
    """A sensor: id (its MQTT topic segment), kind, name, position (none for a mobile one), grid, owner, and
    its effective metrics and reporting interval (its kind's catalogue under its own overrides)."""

    id: str
    kind: SensorKind
    name: str
    lon: float | None
    lat: float | None
    mobile: bool
    grid_code: Annotated[str, Field(description="finest grid, located from the position when not given")]
    department: str
    metrics: dict[str, MetricRangeRead]
    interval_s: Annotated[int, Field(ge=1, description="expected seconds between reports")]


class DevicePage(Page[DeviceRead]):
    """A page of sensors."""


class DeviceFeature(PointFeature[DeviceRead]):
    """A sensor as a GeoJSON point."""


class DeviceFeatureCollection(FeatureCollection[DeviceFeature]):
    """A page of sensors as GeoJSON points."""


class DeadLetterRead(ReadModel):
    """A refused MQTT message: the kept prefix of its payload as text and hex, its whole size and SHA-256, the reason."""

    id: int
    received_at: Instant
    topic: str
    reason: str
    payload_text: str = Field(description="The kept bytes decoded as UTF-8, undecodable bytes replaced.")
    payload_hex: Annotated[str, Field(pattern=r"^([0-9a-f]{2})*$", description="The kept bytes in hex.")]
    payload_size: Annotated[int, Field(ge=0, description="Size in bytes of the payload as it came.")]
    payload_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the whole payload.")]
    truncated: bool = Field(description="True when only the first bytes of the payload were kept.")


class DeadLetterPage(Page[DeadLetterRead]):
    """A page of dead letters."""


# A list route answers a page, or with format=geojson a FeatureCollection. Left to right, a page is told from a
# collection by its first missing member, without the strict pass a smart union first makes over every item.
AlertList = Annotated[AlertPage | AlertFeatureCollection, Field(union_mode="left_to_right")]
TeamList = Annotated[TeamPage | TeamFeatureCollection, Field(union_mode="left_to_right")]
CameraList = Annotated[CameraPage | CameraFeatureCollection, Field(union_mode="left_to_right")]
DeviceList = Annotated[DevicePage | DeviceFeatureCollection, Field(union_mode="left_to_right")]
