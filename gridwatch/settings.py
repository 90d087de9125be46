"""Settings from the environment (GRIDWATCH_ prefix), built once at start-up."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cases.alarm_policy import AlertLinking
from cases.clock import CaseClock
from cases.supervision import SupervisionPolicy
from cases.duplicates import DuplicateSearch
from cases.workdays import CalendarError, OfficeHours, parse_office_hours
from iot.errors import IngestError
from iot.topics import DEFAULT_ROOT, check_root
from video.diagnosis import Thresholds
from video.relay import RelaySettings
from video.urls import UrlPolicy


class JobSettings(BaseSettings):
    """How often the periodic jobs run, what retention keeps, and how many worker processes there are."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_", env_file=".env", extra="ignore")

    feed_retention_days: int = Field(7, ge=1, description="Live-feed entries older than this are deleted.")
    dead_letter_retention_days: int = Field(90, ge=1, description="Dead letters older than this are deleted.")
    reading_retention_days: int = Field(365, ge=1, description="Sensor readings older than this are deleted.")
    job_run_retention_days: int = Field(30, ge=1, description="Records of job runs older than this are deleted.")
    camera_health_retention_days: int = Field(90, ge=1, description="Camera probe results older than this are deleted.")
    team_position_retention_days: int = Field(30, ge=1, description="Team track positions taken longer ago than this are deleted.")
    quarantine_retention_days: int = Field(30, ge=1, description="Quarantined unknown devices not heard from for this long are deleted.")
    team_silent_after_s: int = Field(300, ge=10, le=86_400, description="A team on duty whose phone has not reported "
                                                                      "for this long is marked silent.")
    team_silence_check_seconds: int = Field(30, ge=1, le=3600, description="How often teams are checked for silence.")
    retention_interval_minutes: int = Field(60, ge=1, le=1440, description="How often retention runs.")
    retention_timeout_minutes: int = Field(30, ge=1, le=1440, description="A retention run longer than this is reported as a timeout.")
    retention_batch: int = Field(5000, ge=100, le=100_000, description="Rows deleted per transaction.")
    index_refresh_seconds: int = Field(30, ge=1, le=3600, description="How often each process refreshes its in-memory indexes.")
    alert_clock_seconds: int = Field(30, ge=1, le=3600, description="How often the alert rules that run on the clock (silent devices) are evaluated.")
    worker_processes: int = Field(2, ge=1, le=64, description="Processes of the worker pool (CPU-bound work, work that can hang).")
    dispatch_offer_check_seconds: int = Field(15, ge=1, le=3600, description="How often lapsed team offers are "
                                              "expired (and the next nearest team offered).")


class VideoSourceSettings(BaseSettings):
    """Where the server may open camera streams from: the SSRF guard's folder and its explicit allowances."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_VIDEO_", env_file=".env", extra="ignore")

    file_root: str = Field("", description="Folder file: stream URLs must lie in; empty: file: sources are refused.")
    allowed_hosts: str = Field("", description="Comma-separated hosts or addresses allowed although local "
                                               "(loopback, link-local, this server); empty: none.")


class CameraProbeSettings(BaseSettings):
    """The probe cycle of every camera (GRIDWATCH_CAMERA_PROBE_*): how often, how many at once, how long each."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_CAMERA_PROBE_", env_file=".env", extra="ignore")

    interval_minutes: int = Field(10, ge=1, le=1440, description="How often every camera with a stream URL is probed.")
    timeout_minutes: int = Field(10, ge=1, le=1440, description="A probe cycle longer than this is reported as a timeout.")
    workers: int = Field(12, ge=1, le=64, description="Processes of the probe pool: a probe waits on the network, "
                                                      "not the CPU, so more than the cores (about 120 MB each).")
    concurrency_factor: int = Field(2, ge=1, le=8, description="Probes in flight at most: pool workers times this.")
    frames: int = Field(8, ge=2, le=50, description="Frames each probe reads.")
    open_timeout_s: float = Field(5.0, gt=0, le=60, description="Seconds a stream may take to open (FFmpeg's timeout).")
    read_timeout_s: float = Field(5.0, gt=0, le=60, description="Seconds a frame may take to arrive.")
    baseline_probes: int = Field(5, ge=0, le=50, description="Last healthy probes whose median focus is the camera's "
                                                             "blur baseline (0: judge blur by the floor only).")


class VideoLiveSettings(BaseSettings):
    """The live relay's frame-rate cap and the snapshots taken when a case opens (GRIDWATCH_VIDEO_*)."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_VIDEO_", env_file=".env", extra="ignore")

    relay_max_fps: float = Field(5.0, gt=0, le=30, description="Frames a second the live relay sends at most.")
    relay_open_timeout_s: float = Field(5.0, gt=0, le=60, description="The relay gives up opening a camera after this.")
    relay_read_timeout_s: float = Field(5.0, gt=0, le=60, description="The relay ends when a camera sends no frame for this long.")
    snapshot_cameras: int = Field(2, ge=0, le=10, description="Covering cameras a snapshot is taken from when a case opens (0: none).")
    snapshot_interval_seconds: int = Field(5, ge=1, le=3600, description="How often the worker takes the pending snapshots.")
    snapshot_max_age_minutes: int = Field(30, ge=1, le=1440, description="A case opened longer ago than this gets no snapshot.")
    snapshot_timeout_s: float = Field(5.0, gt=0, le=60, description="Open and read timeout of a snapshot grab (the worker is killed past both).")

    def relay_settings(self) -> RelaySettings:
        """Return these settings as the relay's."""
        return RelaySettings(max_fps=self.relay_max_fps, open_timeout_s=self.relay_open_timeout_s,
                             read_timeout_s=self.relay_read_timeout_s)


# The diagnosis's own defaults, so the settings and the code cannot disagree.
_DIAGNOSIS = Thresholds()


class VideoDiagnosisSettings(BaseSettings):
    """Default thresholds of the camera picture diagnosis (GRIDWATCH_VIDEO_*); a camera may override each one."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_VIDEO_", env_file=".env", extra="ignore")

    no_signal_flat_share: float = Field(_DIAGNOSIS.no_signal_flat_share, ge=0, le=1, description="Share of the frame one flat region that means no signal.")
    covered_flat_share: float = Field(_DIAGNOSIS.covered_flat_share, ge=0, le=1, description="Share of the frame one flat region that means covered.")
    flat_block_std: float = Field(_DIAGNOSIS.flat_block_std, ge=0, description="Luma std under which an 8x8 block is flat (noise can widen it).")
    dark_luma: float = Field(_DIAGNOSIS.dark_luma, ge=0, le=255, description="Mean luma under which the picture is too dark.")
    bright_luma: float = Field(_DIAGNOSIS.bright_luma, ge=0, le=255, description="Mean luma over which the picture is too bright.")
    frozen_motion: float = Field(_DIAGNOSIS.frozen_motion, ge=0, description="Largest block change between frames under which the picture is frozen.")
    blur_ratio: float = Field(_DIAGNOSIS.blur_ratio, ge=0, le=1, description="Share of the camera's healthy focus under which it is blurred.")
    blur_floor: float = Field(_DIAGNOSIS.blur_floor, ge=0, description="Focus under which a camera without a baseline is blurred.")
    cast_chroma: float = Field(_DIAGNOSIS.cast_chroma, ge=0, description="Mean chroma offset from grey a colour cast needs.")
    cast_ratio: float = Field(_DIAGNOSIS.cast_ratio, ge=0, description="Offset over the picture's chroma spread a colour cast needs.")
    noise_sigma: float = Field(_DIAGNOSIS.noise_sigma, ge=0, description="Estimated noise std over which the picture is noisy.")
    scene_similarity: float = Field(_DIAGNOSIS.scene_similarity, ge=-1, le=1, description="Edge-map correlation with the reference under which the scene changed.")

    def thresholds(self) -> Thresholds:
        """Return these settings as the diagnosis's thresholds."""
        return Thresholds(**self.model_dump())


class AlertSettings(BaseSettings):
    """How alerts join cases (GRIDWATCH_ALERT_*): how near in space and time an open case must be to take an alert."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_ALERT_", env_file=".env", extra="ignore")

    link_radius_m: float = Field(150.0, ge=0, le=5000, description="An alert within this many metres of an open case "
                                                                   "of its category joins that case.")
    link_window_min: float = Field(60.0, ge=0, le=7 * 24 * 60, description="...if the case was opened at most this "
                                                                           "many minutes before the alert was raised.")

    def linking(self) -> AlertLinking:
        """Return these settings as the use case's linking parameters."""
        return AlertLinking(radius_m=self.link_radius_m, window=timedelta(minutes=self.link_window_min))


class DuplicateSettings(BaseSettings):
    """When a new report is offered as a duplicate (GRIDWATCH_DUPLICATE_*): an open case of its category this near."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_DUPLICATE_", env_file=".env", extra="ignore")

    radius_m: float = Field(250.0, ge=0, le=5000, description="An open case of the same category within this many "
                                                              "metres of a new report is offered as its duplicate.")
    window_h: float = Field(72.0, ge=0, le=90 * 24, description="...if the two were reported at most this many "
                                                                "hours apart.")

    def search(self) -> DuplicateSearch:
        """Return these settings as the duplicate search's parameters."""
        return DuplicateSearch(radius_m=self.radius_m, window=timedelta(hours=self.window_h))


class ReporterSettings(BaseSettings):
    """Notices to reporters (GRIDWATCH_REPORTER_*): how often they are sent, where to, and the rating links' address."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_REPORTER_", env_file=".env", extra="ignore")

    notice_seconds: int = Field(60, ge=5, le=3600, description="How often the pending reporter notices are sent.")
    notice_file: Path | None = Field(None, description="JSON-lines file an SMS/WeChat sender reads the notices from; "
                                                       "unset: notices are only logged (no gateway on this machine).")
    notice_max_attempts: int = Field(5, ge=1, le=100, description="A notice the gateway refused this often is no "
                                                                  "longer tried (it stays in the outbox).")
    link_base: str = Field("", description="Public address rating links start with (https://gridwatch.example.cn); "
                                           "empty: http://<GRIDWATCH_HTTP_BIND>.")


class CalendarSettings(BaseSettings):
    """The working calendar (GRIDWATCH_CALENDAR_*): office hours of a working day, and when to warn of next year."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_CALENDAR_", env_file=".env", extra="ignore")

    office_hours: str = Field("08:30-12:00,13:30-17:30", description="Sessions of a working day in Beijing time that "
                                                                     "deadlines in working hours count: HH:MM-HH:MM,...")
    warn_days: int = Field(60, ge=0, le=366, description="/healthz warns this many days before 1 January when next "
                                                         "year has no holiday schedule.")

    @field_validator("office_hours")
    @classmethod
    def _office_hours(cls, value: str) -> str:
        try:
            parse_office_hours(value)
        except CalendarError as exc:
            raise ValueError(str(exc)) from exc
        return value

    def parsed_office_hours(self) -> OfficeHours:
        """Return the office hours as the calendar takes them."""
        return parse_office_hours(self.office_hours)

    clock_refresh_s: float = Field(60.0, ge=0, le=3600, description="A process re-reads the taxonomy and the "
                                   "calendar its case deadlines count by at most this often (its own edits: at once).")

    def case_clock(self) -> CaseClock:
        """Return a process's case clock over these office hours."""
        return CaseClock(office_hours=self.parsed_office_hours(), refresh_s=self.clock_refresh_s)


class SupervisionSettings(BaseSettings):
    """Supervision (GRIDWATCH_SUPERVISION_*): how often it runs, when a case is due soon, when it goes up the chain."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_SUPERVISION_", env_file=".env", extra="ignore")

    interval_seconds: int = Field(300, ge=10, le=24 * 3600, description="How often the supervision job runs.")
    due_soon_hours: float = Field(4.0, ge=0, le=240, description="A case is due soon this many hours (round the "
                                                                 "clock) before its step is due.")
    head_after_wh: float = Field(8.0, ge=0, le=2400, description="An overdue case goes to its platform's head once "
                                                                 "it is this many working hours late.")
    leader_after_wh: float = Field(16.0, ge=0, le=2400, description="...and to the command room's leader this many "
                                                                    "working hours late (at least head_after_wh).")

    @field_validator("leader_after_wh")
    @classmethod
    def _leader_after_head(cls, value: float, info: ValidationInfo) -> float:
        if value < info.data.get("head_after_wh", 0):
            raise ValueError("leader_after_wh must be at least head_after_wh")
        return value

    def policy(self) -> SupervisionPolicy:
        """Return these settings as supervision's policy."""
        return SupervisionPolicy(due_soon=timedelta(hours=self.due_soon_hours), head_after_wh=self.head_after_wh,
                                 leader_after_wh=self.leader_after_wh)


class CitySettings(BaseSettings):
    """The hand-off to the city platform (GRIDWATCH_CITY_*): its webhook, the shared secret, the retry policy."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_CITY_", env_file=".env", extra="ignore")

    webhook_url: str = Field("", description="URL the city platform takes escalations at (POST, JSON, signed); "
                                             "empty: escalations wait in the outbox.")
    secret: SecretStr = Field(SecretStr(""), description="Shared secret of the HMAC-SHA256 signatures both ways; "
                                                         "empty: nothing is sent and POST /api/city/inbound refuses all.")
    delivery_interval_seconds: int = Field(15, ge=1, le=3600,
                                           description="How often the city-handoff job sends due messages.")
    timeout_s: float = Field(10.0, gt=0, le=120, description="Connect and read timeout of one delivery.")
    batch: int = Field(20, ge=1, le=500, description="Messages one run of the job claims at most.")
    max_attempts: int = Field(8, ge=1, le=100, description="Deliveries tried at most before a message is given up.")
    backoff_base_s: float = Field(30.0, gt=0, le=86_400,
                                  description="Wait after the first failed delivery; it doubles each time.")
    backoff_max_s: float = Field(3600.0, gt=0, le=7 * 86_400, description="Longest wait between deliveries.")
    signature_window_s: int = Field(300, ge=10, le=3600, description="An inbound message whose timestamp is further "
                                                                    "than this from the server's time is refused.")

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"webhook_url {value!r} must start with http:// or https://")
        return value


class Settings(BaseSettings):
    """Where the store, the broker and the HTTP server are, and where files live."""

    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("gridwatch-data"), description="Folder for the embedded store, the town files and logs.")
    store_url: str = Field("", description="sqlite:///path (embedded, default in data_dir) or postgresql://user@host/db.")
    mqtt_url: str = Field("mqtt://127.0.0.1:1883", description="Broker the ingest subscribes to: mqtt://[user:pass@]host:port.")
    http_bind: str = Field("127.0.0.1:8000", description="host:port the API and the web page listen on.")
    mqtt_client_id: str = Field("gridwatch-ingest", description="Client id of the ingest's persistent MQTT session.")
    mqtt_topic_root: str = Field(DEFAULT_ROOT, description="Topic prefix: ROOT/sensors/+/readings, ROOT/teams/+/position.")
    # 1,000: half the default Receive Maximum, so one batch arrives while the other is stored; 200 was ~40 % slower.
    ingest_batch_size: int = Field(1000, ge=1, le=10_000, description="Messages written per transaction at most.")
    dead_letter_prefix_bytes: int = Field(4096, ge=0, le=1024 * 1024,
                                          description="Bytes of a refused payload kept; size and SHA-256 keep the rest.")
    quarantine_max_entries: int = Field(10_000, ge=1, le=10_000_000, description="Distinct unknown devices the quarantine holds at most; past it a new one's messages are only dead-lettered (and counted as quarantine_full).")
    mqtt_protocol: Literal["5", "3.1.1"] = Field("5", description="MQTT version of the ingest: 5 (Receive Maximum bounds the inbox) or 3.1.1 (brokers without 5, like the demo's).")
    mqtt_session_expiry_s: int = Field(7 * 24 * 3600, ge=60, description="How long the broker keeps the ingest's session and its queued messages while it is away (MQTT 5).")
    ingest_max_in_flight: int = Field(2000, ge=1, le=65535, description="Messages delivered but not yet acknowledged at most (MQTT 5 Receive Maximum; the inbox bound).")
    ingest_share_group: str = Field("", pattern=r"^[A-Za-z0-9_-]*$", description="Shared subscription group ($share/GROUP/...) so several ingest workers split the load; empty: none.")
    ingest_backoff_max_s: float = Field(5.0, gt=0, le=300, description="Longest wait between retries of a batch while the store is unavailable.")
    store_timeout_s: float = Field(10.0, gt=0, le=300, description="How long a unit of work waits for the store before it counts as unavailable.")
    metrics_bind: str = Field("127.0.0.1:9108", description="host:port of the ingest's Prometheus /metrics listener; empty: none.")
    town_seed: int = Field(7, description="Seed of the synthetic town the demo generates.")
    secret_key: SecretStr = Field(SecretStr(""), description="Key that signs tokens; empty: a random one kept in data_dir/secret.key.")
    access_token_minutes: int = Field(10, ge=1, le=60, description="Lifetime of an access token.")
    idle_timeout_minutes: int = Field(30, ge=5, le=480, description="A session unused this long ends.")
    session_max_hours: int = Field(12, ge=1, le=72, description="A session ends this long after login at the latest.")
    audit_retention_days: int = Field(180, ge=180, description="Audit entries are kept at least this long (six months by law).")
    trusted_proxies: str = Field("", description="Comma-separated proxy addresses whose X-Forwarded-For is believed; empty: none.")
    upload_max_mb: int = Field(10, ge=1, le=100, description="Largest attachment accepted.")
    classify_min_confidence: float = Field(0.6, ge=0.0, le=1.0, description="Below this confidence the classifier "
                                           "sends a report to the triage queue (a person files it).")
    dispatch_offer_timeout_s: int = Field(180, ge=10, le=86_400, description="A team offered a case must accept or "
                                          "decline within this; then the offer lapses and the next nearest is offered.")
    roads_file: Path | None = Field(None, description="GeoJSON road lines for travel-time dispatch; none: "
                                    "data_dir/town/roads.geojson when it exists, else straight-line distance.")
    basemap: Path | None = Field(None, description="The operator's local basemap: a {z}/{x}/{y}.png|jpg|webp folder, "
                                 "an .mbtiles or a .pmtiles file (e.g. a 天地图 export); none: the map has no tiles.")
    basemap_attribution: str = Field("", description="Attribution shown with the local basemap (e.g. 天地图 GS(2024)xxxx); "
                                     "empty: the file's own, if any.")
    jobs: JobSettings = Field(default_factory=JobSettings, description="Periodic jobs, retention, worker pool.")
    video_sources: VideoSourceSettings = Field(default_factory=VideoSourceSettings,
                                               description="The SSRF guard of camera stream URLs.")
    video_diagnosis: VideoDiagnosisSettings = Field(default_factory=VideoDiagnosisSettings,
                                                    description="Default thresholds of the picture diagnosis.")
    camera_probes: CameraProbeSettings = Field(default_factory=CameraProbeSettings,
                                               description="The probe cycle of every camera.")
    alerts: AlertSettings = Field(default_factory=AlertSettings, description="How alerts join open cases nearby.")
    video_live: VideoLiveSettings = Field(default_factory=VideoLiveSettings,
                                          description="The live relay and the snapshots of new cases.")
    calendar: CalendarSettings = Field(default_factory=CalendarSettings,
                                       description="Office hours and the holiday-schedule warning.")
    supervision: SupervisionSettings = Field(default_factory=SupervisionSettings,
                                             description="Due-soon and escalation thresholds of supervision.")
    duplicates: DuplicateSettings = Field(default_factory=DuplicateSettings,
                                          description="When a new report is offered as a duplicate.")
    reporters: ReporterSettings = Field(default_factory=ReporterSettings,
                                        description="Notices to reporters and their rating links.")
    city: CitySettings = Field(default_factory=CitySettings, description="The hand-off to the city platform.")

    @field_validator("http_bind")
    @classmethod
    def _bind_has_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not (port.isascii() and port.isdigit()):
            raise ValueError(f"http_bind {value!r} must be host:port")
        return value

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt_scheme(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("mqtt", "mqtts", "tcp"):
            raise ValueError(f"mqtt_url {value!r} must start with mqtt:// or mqtts://")
        return value

    @field_validator("mqtt_topic_root")
    @classmethod
    def _topic_root(cls, value: str) -> str:
        try:
            return check_root(value)
        except IngestError as exc:
            raise ValueError(str(exc)) from exc

    @property
    def effective_store_url(self) -> str:
        """Return store_url, defaulting to an SQLite file in data_dir."""
        return self.store_url or f"sqlite:///{(self.data_dir / 'gridwatch.db').resolve()}"

    def url_policy(self) -> UrlPolicy:
        """Return the SSRF guard's policy: the video folder, the allowed hosts, and this server's own names."""
        # No getfqdn(): it may ask DNS. gethostname() is local; a bind to 0.0.0.0 is refused as unspecified anyway.
        own = (self.http_host, socket.gethostname())
        return UrlPolicy.from_settings(file_root=self.video_sources.file_root or None,
                                       allowed_hosts=self.video_sources.allowed_hosts, own_hosts=own)

    @property
    def http_host(self) -> str:
        """Return the host part of http_bind."""
        return self.http_bind.rpartition(":")[0]

    @property
    def http_port(self) -> int:
        """Return the port part of http_bind."""
        return int(self.http_bind.rpartition(":")[2])


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]

