"""Unknown devices: what their messages say, kept for the command room to adopt or dismiss."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from iot.errors import IngestError
from iot.kinds import Catalogue, default_catalogue
from iot.models import QuarantineEntry
from iot.payloads import load_json_object
from iot.provisioning import DeviceDraft
from iot.repository import QuarantineRepository

# Enough to recognise a device by its message; a hostile 1 MB payload must not fill the table.
PAYLOAD_PREFIX_BYTES = 1024
MAX_CRS_CHARS = 16
# Distinct devices held at most: a flood of made-up ids must not grow the table without end (retention prunes
# by last_seen_at; past the cap a new id is only dead-lettered, and the ingest counts it).
MAX_ENTRIES = 10_000


def sighting(*, device_id: str, topic: str, payload: bytes, at: datetime,
             catalogue: Catalogue | None = None) -> QuarantineEntry:
    """Return one message of an unknown device as a sighting: a bounded prefix, its position, a suggested kind."""
    body = _body(topic, payload)
    lon, lat, crs = _position(body)
    values = body.get("values")
    metrics = set(values) if isinstance(values, dict) else set()
    suggested = (catalogue or default_catalogue()).suggest_kind(metrics)
    return QuarantineEntry(device_id=device_id, topic=topic, first_seen_at=at, last_seen_at=at, messages=1,
                           payload_prefix=bytes(payload[:PAYLOAD_PREFIX_BYTES]), lon=lon, lat=lat, crs=crs,
                           suggested_kind=suggested)


def fold(sightings: Iterable[QuarantineEntry]) -> list[QuarantineEntry]:
    """Merge sightings of one device into one (counts add up, the latest wins), keeping first-seen order."""
    merged: dict[str, QuarantineEntry] = {}
    for s in sightings:
        old = merged.get(s.device_id)
        if old is None:
            merged[s.device_id] = s
            continue
        position = (s.lon, s.lat, s.crs) if s.lon is not None else (old.lon, old.lat, old.crs)
        merged[s.device_id] = replace(s, first_seen_at=min(old.first_seen_at, s.first_seen_at),
                                      last_seen_at=max(old.last_seen_at, s.last_seen_at),
                                      messages=old.messages + s.messages, lon=position[0], lat=position[1],
                                      crs=position[2], suggested_kind=s.suggested_kind or old.suggested_kind)
    return list(merged.values())


class Quarantine:
    """One unit of work's quarantine with its cap: a device already held always counts, a new one only while
    fewer than max_entries are held.

    The store is counted once per unit of work, not once per message: a flood of made-up ids past the cap must
    not cost a count each. Workers in parallel may overshoot the cap by what their open batches add.
    """

    def __init__(self, repo: QuarantineRepository, *, max_entries: int = MAX_ENTRIES) -> None:
        self.repo = repo
        self.max_entries = max_entries
        self._held: int | None = None

    def record(self, *, device_id: str, topic: str, payload: bytes, at: datetime,
               catalogue: Catalogue | None = None) -> QuarantineEntry | None:
        """Record one message of an unknown device; return the sighting, or None when the quarantine is full."""
        if self.repo.get(device_id) is None:
            if self._held is None:
                self._held = self.repo.count()
            if self._held >= self.max_entries:
                return None
            self._held += 1
        entry = sighting(device_id=device_id, topic=topic, payload=payload, at=at, catalogue=catalogue)
        self.repo.record_many([entry])
        return entry


def adoption_draft(entry: QuarantineEntry, **given: Any) -> DeviceDraft:
    """Return the draft of a device adopted from its quarantine entry: what the caller gave, else what it sent.

    Defaults: the suggested kind, the id as name, the last position and its CRS (fixed when it sent one).
    """
    fields: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    fields.setdefault("kind", entry.suggested_kind.value if entry.suggested_kind is not None else "")
    fields.setdefault("name", entry.device_id)
    if "lon" not in fields and "lat" not in fields and entry.lon is not None:
        fields.update(lon=entry.lon, lat=entry.lat, crs=fields.get("crs", entry.crs))
    return DeviceDraft(id=entry.device_id, **fields)


def _body(topic: str, payload: bytes) -> dict[str, Any]:
    # Anything unreadable is still quarantined: the entry says someone is publishing, the dead letter says why.
    try:
        return load_json_object(topic, payload)
    except (IngestError, RecursionError, ValueError):
        return {}


def _position(body: dict[str, Any]) -> tuple[float | None, float | None, str | None]:
    lon, lat, crs = body.get("lon"), body.get("lat"), body.get("crs")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lon, lat)):
        return None, None, None
    if crs is not None and (not isinstance(crs, str) or len(crs) > MAX_CRS_CHARS):
        crs = None
    return float(lon), float(lat), crs  # type: ignore[arg-type]
