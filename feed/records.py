"""Turn domain records (frozen dataclasses) into JSON-ready fields, alike for the feed and the API."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """Return a value as JSON can hold it: ISO times, enum values, lists for tuples."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def record(obj: Any, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return a dataclass record as JSON-ready fields."""
    return {k: plain(v) for k, v in asdict(obj).items() if k not in drop}
