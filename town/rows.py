"""CSV plumbing for the town files: typed fields whose errors name the file, the line and the field."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TypeVar

from gis.crs import normalise_position, parse_crs
from gis.errors import GisError
from town.errors import TownFileError

E = TypeVar("E", bound=Enum)

TRUE_WORDS = ("true", "1", "yes", "y", "是")
FALSE_WORDS = ("false", "0", "no", "n", "否", "")


class Row:
    """One CSV record with where it came from; its accessors raise TownFileError naming file, line and field."""

    def __init__(self, file: str, line: int, values: dict[str, str]) -> None:
        self.file = file
        self.line = line
        self._values = values

    @property
    def where(self) -> str:
        """Return 'file line n', the prefix of every message about this row."""
        return f"{self.file} line {self.line}"

    def error(self, problem: str) -> TownFileError:
        """Return an error about this row."""
        return TownFileError(f"{self.where}: {problem}")

    def raw(self, field: str) -> str:
        """Return the field as written, stripped; empty when the column is absent."""
        return (self._values.get(field) or "").strip()

    def text(self, field: str, default: str | None = None) -> str:
        """Return a text field; an empty one is an error unless a default is given."""
        value = self.raw(field)
        if value:
            return value
        if default is None:
            raise self.error(f"{field} is empty")
        return default

    def number(self, field: str, low: float, high: float, *, default: float | None = None) -> float:
        """Return a finite number in low..high."""
        value = self.raw(field)
        if not value and default is not None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise self.error(f"{field} {value!r} is not a number") from None
        if not math.isfinite(number):
            raise self.error(f"{field} {value!r} is not a finite number")
        if not low <= number <= high:
            raise self.error(f"{field} {value!r} is outside {low:g}..{high:g}")
        return number

    def integer(self, field: str, low: int, high: int, *, default: int | None = None) -> int:
        """Return a whole number in low..high."""
        value = self.raw(field)
        if not value and default is not None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise self.error(f"{field} {value!r} is not a whole number") from None
        if not low <= number <= high:
            raise self.error(f"{field} {value!r} is outside {low}..{high}")
        return number

    def flag(self, field: str) -> bool:
        """Return a yes/no field (true/false, 1/0, yes/no, 是/否); empty means no."""
        value = self.raw(field).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        raise self.error(f"{field} {value!r} is not true or false")

    def choice(self, field: str, kinds: type[E], default: E | None = None) -> E:
        """Return the member of an enum named by the field."""
        value = self.raw(field)
        if not value and default is not None:
            return default
        try:
            return kinds(value.lower())
        except ValueError:
            allowed = ", ".join(str(member.value) for member in kinds)
            raise self.error(f"{field} {value!r} is not one of {allowed}") from None

    def position(self) -> tuple[float, float]:
        """Return the row's lon/lat, given in its crs column (default wgs84), as WGS-84."""
        lon = self.number("lon", -math.inf, math.inf)
        lat = self.number("lat", -math.inf, math.inf)
        try:
            parse_crs(self.raw("crs"), where=f"{self.where}: crs")  # refused here, naming the column
            # normalise_position: the crs may be a projected zone, whose easting/northing are no lon/lat to check.
            return normalise_position(lon, lat, self.raw("crs"), where=self.where)
        except GisError as exc:
            raise TownFileError(str(exc)) from None

    def optional_position(self) -> tuple[float | None, float | None]:
        """Return the row's position as WGS-84, or (None, None) when lon and lat are both empty."""
        if not self.raw("lon") and not self.raw("lat"):
            return None, None
        return self.position()


def read_rows(path: Path, required: Sequence[str]) -> Iterator[Row]:
    """Yield the records of a UTF-8 CSV file with a header naming at least the required columns and unique ids."""
    try:
        # utf-8-sig: spreadsheet programs save a byte-order mark that is not part of the first column's name.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in required if name not in header]
            if missing:
                raise TownFileError(f"{path.name} line 1: missing column(s) {', '.join(missing)}")
            reader.fieldnames = header
            first_seen: dict[str, int] = {}
            for values in reader:
                row = Row(path.name, reader.line_num, values)
                if "id" in required:
                    ident = row.text("id")
                    if ident in first_seen:
                        raise row.error(f"id {ident!r} is already used on line {first_seen[ident]}")
                    first_seen[ident] = row.line
                yield row
    except UnicodeDecodeError as exc:
        raise TownFileError(f"{path.name}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise TownFileError(f"{path.name}: not a readable CSV file: {exc}") from None


def write_rows(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write a UTF-8 CSV file with a header row and return its path."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path
