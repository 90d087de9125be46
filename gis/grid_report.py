"""What a grid file holds and what is wrong with it: the rows read, and the findings of the validation report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np


class FindingSeverity(StrEnum):
    """An error blocks the import; a warning is shown and the import goes on."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of a grid file: what (kind), which feature (code, row from 1; 0 for a grid kept from the store),
    where (WGS-84 lon, lat) and how big (m², where an area applies)."""

    kind: str
    severity: FindingSeverity
    message: str
    code: str = ""
    row: int = 0
    lon: float | None = None
    lat: float | None = None
    area_m2: float | None = None

    def __str__(self) -> str:
        if self.row:
            who = f"row {self.row}" + (f" (code {self.code})" if self.code else "")
        else:
            who = f"kept grid {self.code}" if self.code else "the file"
        where = f" at {self.lon:.6f}, {self.lat:.6f}" if self.lon is not None and self.lat is not None else ""
        area = f", {self.area_m2:.2f} m²" if self.area_m2 is not None else ""
        return f"{self.severity}: {self.kind}: {who}{where}{area}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """Return the finding as JSON-ready fields."""
        return {"kind": self.kind, "severity": str(self.severity), "code": self.code, "row": self.row,
                "lon": self.lon, "lat": self.lat, "area_m2": self.area_m2, "message": self.message}


def error(kind: str, message: str, **where: object) -> Finding:
    """Return a finding that blocks the import."""
    return Finding(kind, FindingSeverity.ERROR, message, **where)  # type: ignore[arg-type]


def warning(kind: str, message: str, **where: object) -> Finding:
    """Return a finding shown without blocking the import."""
    return Finding(kind, FindingSeverity.WARNING, message, **where)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class GridRows:
    """The features of a grid file as columns, geometry in WGS-84; rows are the file's feature numbers from 1
    (0 for grids kept from the store in a level import)."""

    source: str
    codes: list[str]
    names: list[str]
    levels: np.ndarray
    parents: list[str | None]
    geometries: np.ndarray
    rows: np.ndarray
    staff: list[str] = field(default_factory=list)
    problems: tuple[Finding, ...] = ()

    def __len__(self) -> int:
        return len(self.codes)

    def with_geometries(self, geometries: np.ndarray) -> GridRows:
        """Return these rows with other geometries (repaired ones)."""
        return replace(self, geometries=geometries)


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The findings of one validation and the rows they are about (repaired geometries in place with --repair)."""

    rows: GridRows
    findings: tuple[Finding, ...]
    tolerance_m2: float

    @property
    def errors(self) -> list[Finding]:
        """Return the findings that block the import."""
        return [f for f in self.findings if f.severity is FindingSeverity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """Return the findings shown without blocking."""
        return [f for f in self.findings if f.severity is FindingSeverity.WARNING]

    @property
    def ok(self) -> bool:
        """Return whether nothing blocks the import."""
        return not self.errors

    def of_kind(self, kind: str) -> list[Finding]:
        """Return the findings of one kind."""
        return [f for f in self.findings if f.kind == kind]
