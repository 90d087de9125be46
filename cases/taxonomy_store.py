"""What the store keeps of the taxonomy and the classifier: taxonomy versions and operators' corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class TaxonomyVersion:
    """One stored taxonomy document; the latest is the active taxonomy."""

    id: int
    created_at: datetime
    created_by: str
    doc: dict[str, Any]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Correction:
    """An operator's correction of the classifier: the text, what it said, what the operator says (training data)."""

    text: str
    predicted: str
    corrected: str
    confidence: float
    corrected_by: str
    corrected_at: datetime
    channel: str = "unknown"
    case_id: int | None = None
    id: int | None = None


class TaxonomyRepository(Protocol):
    def add(self, *, doc: dict[str, Any], created_by: str, note: str, at: datetime) -> TaxonomyVersion:
        """Store a checked taxonomy document as the newest version and return it."""
        ...

    def latest(self) -> TaxonomyVersion | None:
        """Return the newest version, or None when only the shipped taxonomy exists."""
        ...

    def list(self, *, limit: int = 50, offset: int = 0) -> list[TaxonomyVersion]:
        """Return versions newest first."""
        ...

    def count(self) -> int: ...


class CorrectionRepository(Protocol):
    def add(self, correction: Correction) -> Correction:
        """Store a correction and return it with its id."""
        ...

    def list(self, *, since: datetime | None = None, limit: int = 1000, offset: int = 0) -> list[Correction]:
        """Return corrections oldest first, those at or after since when given."""
        ...

    def count(self, *, since: datetime | None = None) -> int: ...
