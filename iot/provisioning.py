"""Check a device as a caller describes it against the registry's rules; read a CSV of devices all or nothing."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gis.crs import normalise_position, parse_crs
from gis.errors import GisError
from iot.errors import DeviceError
from iot.kinds import Catalogue, metric_range
from iot.models import Device, MetricRange, SensorKind
from iot.topics import valid_id

CSV_COLUMNS = ("id", "kind", "name", "lon", "lat", "crs", "mobile", "grid_code", "department", "interval_s",
               "metrics")
CSV_REQUIRED = ("id", "kind", "name")
MAX_NAME = 200
MAX_CODE = 64
MAX_DEPARTMENT = 100
MAX_INTERVAL_S = 7 * 24 * 3600
# The same rule the payload parser applies to metric names (iot/payloads.py).
_METRIC = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_TRUE, _FALSE = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one field of one device: the CSV line (None for an API body), column and reason."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        place = f"field {self.column!r}" if self.line is None else f"line {self.line}, column {self.column!r}"
        return f"{place}: {self.message}"


@dataclass(frozen=True, slots=True)
class DeviceDraft:
    """A device as a caller described it, before the registry's rules are checked; positions in any CRS."""

    id: str
    kind: str
    name: str
    lon: Any = None
    lat: Any = None
    crs: str | None = None
    mobile: bool = False
    grid_code: str = ""
    department: str = ""
    interval_s: Any = None
    metrics: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """A CSV read: the devices when every row is good, and every problem found (all rows are read)."""

    rows: int
    devices: list[Device]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_draft(draft: DeviceDraft, *, catalogue: Catalogue, line: int | None = None) -> tuple[Device | None,
                                                                                            list[Problem]]:
    """Return the device a draft describes, or None with every problem found (positions become WGS-84)."""
    problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        problems.append(Problem(line, column, message))

    if not valid_id(draft.id):
        bad("id", f"{draft.id!r} is not a device id (1-64 letters, digits or _.:-, starting with a letter or digit)")
    kind: SensorKind | None = None
    try:
        kind = SensorKind(draft.kind)
    except ValueError:
        bad("kind", f"unknown kind {draft.kind!r}; one of {', '.join(k.value for k in SensorKind)}")
    if not draft.name.strip() or len(draft.name) > MAX_NAME:
        bad("name", f"must be 1-{MAX_NAME} characters")
    position = _position(draft, bad)
    said_where = any(p.column in ("lon", "lat", "lon/lat", "crs") for p in problems)
    if position is None and not draft.mobile and not said_where:
        bad("lon", "a fixed device needs lon and lat (or mark it mobile)")
    if len(draft.grid_code) > MAX_CODE:
        bad("grid_code", f"longer than {MAX_CODE} characters")
    if len(draft.department) > MAX_DEPARTMENT:
        bad("department", f"longer than {MAX_DEPARTMENT} characters")
    interval = draft.interval_s
    if interval is not None and (isinstance(interval, bool) or not isinstance(interval, int)
                                 or not 0 < interval <= MAX_INTERVAL_S):
        bad("interval_s", f"{interval!r} is not a whole number of seconds from 1 to {MAX_INTERVAL_S}")
    metrics = _metrics(draft.metrics, kind, catalogue, bad)
    if problems or kind is None:
        return None, problems
    lon, lat = position if position is not None else (None, None)
    return Device(id=draft.id, kind=kind, name=draft.name.strip(), lon=lon, lat=lat, mobile=draft.mobile,
                  grid_code=draft.grid_code, department=draft.department, metrics=metrics,
                  interval_s=interval), []


def device_or_error(draft: DeviceDraft, *, catalogue: Catalogue) -> Device:
    """Return the device a draft describes, or raise DeviceError naming every problem."""
    device, problems = check_draft(draft, catalogue=catalogue)
    if device is None:
        raise DeviceError(f"device {draft.id!r}: " + "; ".join(str(p) for p in problems))
    return device


def _position(draft: DeviceDraft, bad: Callable[[str, str], None]) -> tuple[float, float] | None:
    if draft.lon is None and draft.lat is None:
        return None
    if draft.lon is None or draft.lat is None:
        bad("lon" if draft.lon is None else "lat", "lon and lat must come together")
        return None
    try:
        parse_crs(draft.crs, where="crs")
    except GisError as exc:
        bad("crs", str(exc))
        return None
    try:
        return normalise_position(draft.lon, draft.lat, draft.crs, where="lon/lat")
    except GisError as exc:
        bad("lon/lat", str(exc))
        return None


def _metrics(metrics_in: Mapping[str, Any], kind: SensorKind | None, catalogue: Catalogue,
             bad: Callable[[str, str], None]) -> dict[str, MetricRange]:
    known = catalogue.spec(kind).metrics if kind is not None else {}
    metrics = {}
    for metric, spec in metrics_in.items():
        if not _METRIC.match(metric):
            bad("metrics", f"metric name {metric!r} must match {_METRIC.pattern}")
            continue
        try:
            got = metric_range(spec, where=f"metric {metric!r}")
        except DeviceError as exc:
            bad("metrics", str(exc))
            continue
        if metric in known and got.unit != known[metric].unit:
            bad("metrics", f"metric {metric!r}: unit {got.unit!r} does not match kind {kind}'s {known[metric].unit!r}")
            continue
        metrics[metric] = got
    return metrics


def with_grid(device: Device, locate: Callable[[float, float], str]) -> Device:
    """Return the device with its finest grid located from its position, unless the caller gave one."""
    if device.grid_code or device.lon is None or device.lat is None:
        return device
    return replace(device, grid_code=locate(device.lon, device.lat))


def read_device_csv(text: str, *, catalogue: Catalogue, on_row: Callable[[int], None] | None = None) -> ImportReport:
    """Check every row of a devices CSV and return the devices with every problem (line 1 is the header)."""
    # newline="": the csv module reads line ends itself, so a quoted cell may hold one and a stray \r is an error.
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        return _read_rows(reader, catalogue, on_row)
    except csv.Error as exc:
        # Malformed quoting or a stray carriage return: the file is refused, never half read.
        return ImportReport(rows=0, devices=[], problems=[Problem(reader.line_num or 1, "", f"not CSV: {exc}")])


def _read_rows(reader: csv.DictReader[str], catalogue: Catalogue,
               on_row: Callable[[int], None] | None) -> ImportReport:
    header = reader.fieldnames or []
    problems = [Problem(1, c, "required column is missing") for c in CSV_REQUIRED if c not in header]
    problems += [Problem(1, c, f"unknown column; use {', '.join(CSV_COLUMNS)}") for c in header
                 if c not in CSV_COLUMNS]
    if problems:
        return ImportReport(rows=0, devices=[], problems=problems)
    devices: list[Device] = []
    first_line: dict[str, int] = {}
    rows = 0
    for row in reader:
        rows += 1
        line = reader.line_num
        if None in row:
            problems.append(Problem(line, "", f"{len(row[None])} more values than columns"))  # type: ignore[index]
            continue
        draft, row_problems = _draft_of_row(row, line)
        device, checked = check_draft(draft, catalogue=catalogue, line=line)
        problems += row_problems + checked
        if draft.id in first_line:
            problems.append(Problem(line, "id", f"duplicate id {draft.id!r} (first on line {first_line[draft.id]})"))
        else:
            first_line[draft.id] = line
        if device is not None:
            devices.append(device)
        if on_row is not None:
            on_row(rows)
    if rows == 0:
        problems.append(Problem(1, "", "no rows after the header"))
    return ImportReport(rows=rows, devices=devices if not problems else [], problems=problems)


def _draft_of_row(row: Mapping[str, str | None], line: int) -> tuple[DeviceDraft, list[Problem]]:
    problems: list[Problem] = []

    def text(column: str) -> str:
        return (row.get(column) or "").strip()

    def number(column: str) -> float | None:
        raw = text(column)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(Problem(line, column, f"{raw!r} is not a number"))
            return None
        return value

    interval: int | str | None = None
    if text("interval_s"):
        interval = int(text("interval_s")) if text("interval_s").isdigit() else text("interval_s")
    mobile = text("mobile").lower()
    if mobile not in _TRUE | _FALSE:
        problems.append(Problem(line, "mobile", f"{mobile!r} is not true or false"))
    metrics, metric_problems = _metrics_cell(text("metrics"), line)
    draft = DeviceDraft(id=text("id"), kind=text("kind"), name=text("name"), lon=number("lon"), lat=number("lat"),
                        crs=text("crs") or None, mobile=mobile in _TRUE, grid_code=text("grid_code"),
                        department=text("department"), interval_s=interval, metrics=metrics)
    return draft, problems + metric_problems


def _metrics_cell(cell: str, line: int) -> tuple[dict[str, Any], list[Problem]]:
    """Read "metric:unit:min:max;..." (unit may be empty) into {metric: {unit, min, max}}."""
    metrics: dict[str, Any] = {}
    problems = []
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        pieces = part.rsplit(":", 2)
        head = pieces[0].split(":", 1) if len(pieces) == 3 else []
        if len(head) != 2:
            problems.append(Problem(line, "metrics", f"{part!r} is not metric:unit:min:max"))
            continue
        try:
            low, high = float(pieces[1]), float(pieces[2])
        except ValueError:
            problems.append(Problem(line, "metrics", f"{part!r}: min and max must be numbers"))
            continue
        metrics[head[0]] = {"unit": head[1], "min": low, "max": high}
    return metrics, problems


def metrics_cell(metrics: Mapping[str, MetricRange]) -> str:
    """Write a device's metric overrides as the CSV cell read_device_csv reads."""
    return ";".join(f"{m}:{r.unit}:{r.min:g}:{r.max:g}" for m, r in metrics.items())


def split_new(devices: Iterable[Device], existing: set[str]) -> tuple[int, int]:
    """Return how many of these devices are new and how many replace one of existing ids."""
    ids = [d.id for d in devices]
    updated = sum(1 for i in ids if i in existing)
    return len(ids) - updated, updated
