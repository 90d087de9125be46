"""Camera registry files: import CSV or GeoJSON row by row with a report of refused rows; export both."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from town.camera_rows import (CAMERA_COLUMNS, REQUIRED, CameraRow, FeatureRow, camera_feature, camera_from_row,
                              camera_values)
from town.errors import TownFileError
from town.rows import Row
from video.models import Camera
from video.urls import UrlPolicy

FORMATS = ("csv", "geojson")


@dataclass
class CameraImport:
    """What a file held: the good rows, and one message per refused row naming its line or feature and field."""

    rows: list[CameraRow] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def read_camera_file(path: Path, policy: UrlPolicy) -> CameraImport:
    """Read every row of a camera CSV or GeoJSON file; a bad row is reported and never costs a good one.

    A file that cannot be read at all (not UTF-8, not JSON, a missing column) raises TownFileError.
    """
    result = CameraImport()
    seen: dict[str, str] = {}
    for row in _records(path):
        try:
            got = camera_from_row(row, policy)
        except TownFileError as exc:
            result.refused.append(str(exc))
            continue
        first = seen.get(got.camera.id)
        if first is not None:
            result.refused.append(f"{row.where}: id {got.camera.id!r} is already used ({first})")
            continue
        seen[got.camera.id] = row.where.removeprefix(f"{row.file} ")
        result.rows.append(got)
    return result


def _records(path: Path) -> Iterator[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TownFileError(f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise TownFileError(f"{path.name}: cannot be read ({exc.strerror})") from None
    if path.suffix.lower() in (".geojson", ".json"):
        return _features(path.name, text)
    return _csv_rows(path.name, text)


def _csv_rows(name: str, text: str) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise TownFileError(f"{name} line 1: missing column(s) {', '.join(missing)}")
    reader.fieldnames = header

    def rows() -> Iterator[Row]:
        try:
            for values in reader:
                yield Row(name, reader.line_num, values)
        except csv.Error as exc:
            raise TownFileError(f"{name}: not a readable CSV file: {exc}") from None

    return rows()


def _features(name: str, text: str) -> Iterator[Row]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TownFileError(f"{name}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise TownFileError(f"{name}: not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise TownFileError(f"{name}: features is not a list")
    return (_feature_row(name, index, feature) for index, feature in enumerate(features))


def _feature_row(name: str, index: int, feature: Any) -> Row:
    """Return a feature as a row; a feature without a point gives a row whose position is refused."""
    values: dict[str, str] = {}
    if isinstance(feature, dict):
        properties = feature.get("properties")
        if isinstance(properties, dict):
            # A JSON object or list (diagnosis_overrides) stays JSON, as the CSV column writes it.
            values = {str(k): "" if v is None else json.dumps(v) if isinstance(v, dict | list) else str(v)
                      for k, v in properties.items()}
        geometry = feature.get("geometry")
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (isinstance(geometry, dict) and geometry.get("type") == "Point" and isinstance(coordinates, list)
                and len(coordinates) >= 2):
            values["lon"], values["lat"] = repr(coordinates[0]), repr(coordinates[1])
        else:
            values["lon"] = values["lat"] = ""  # refused as "lon '' is not a number", naming the feature
        if "id" not in values and feature.get("id") is not None:
            values["id"] = str(feature["id"])
    return FeatureRow(name, index, values)


def export_cameras(cameras: list[Camera], fmt: str) -> str:
    """Return the cameras as CSV or GeoJSON text (WGS-84, credentials never)."""
    if fmt == "geojson":
        document = {"type": "FeatureCollection", "features": [camera_feature(c) for c in cameras]}
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if fmt != "csv":
        raise TownFileError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CAMERA_COLUMNS)
    writer.writerows(camera_values(c) for c in cameras)
    return out.getvalue()
