"""The store the iot stage needs; storage backends implement it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from iot.models import DeadLetter, Device, QuarantineEntry, Reading, SensorKind


class DeviceRepository(Protocol):
    def upsert_many(self, devices: Iterable[Device]) -> int: ...
    def replace_all(self, devices: Iterable[Device]) -> int:
        """Make these the only devices (readings and alerts of others stay); return how many were written."""
        ...

    def get(self, device_id: str) -> Device | None: ...
    def all(self) -> list[Device]: ...
    def list(self, *, kind: SensorKind | None = None, grid_code: str | None = None, department: str | None = None,
             limit: int = 100, offset: int = 0) -> list[Device]: ...
    def count(self, *, kind: SensorKind | None = None, grid_code: str | None = None,
              department: str | None = None) -> int: ...
    def revision(self) -> int:
        """Return a number that changes whenever any device changes."""
        ...

    def delete(self, device_id: str) -> bool:
        """Retire a device (its readings stay); return whether it existed."""
        ...


class QuarantineRepository(Protocol):
    def record_many(self, entries: Iterable[QuarantineEntry]) -> int:
        """Upsert sightings by device id: messages add up, the first sighting's time stays, the rest is the
        latest (a position or suggested kind only when the sighting carried one); return how many entries were given."""
        ...

    def get(self, device_id: str) -> QuarantineEntry | None: ...
    def list(self, *, limit: int = 100, offset: int = 0) -> list[QuarantineEntry]:
        """Return entries, last seen first."""
        ...

    def count(self) -> int: ...
    def delete(self, device_id: str) -> bool:
        """Remove an entry (adopted or dismissed); return whether it existed."""
        ...

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit entries last seen before cutoff, oldest first; return how many were deleted."""
        ...


class ReadingRepository(Protocol):
    def add_many(self, readings: Iterable[Reading]) -> int:
        """Store readings, ignoring exact repeats of (device_id, ts); return how many were new."""
        ...

    def add_new(self, readings: Sequence[Reading]) -> list[Reading]:
        """Store readings in bulk, ignoring repeats of (device_id, ts) (in the store or the batch); return the new ones."""
        ...

    def list(self, *, device_id: str, since: datetime | None = None, limit: int = 100) -> list[Reading]:
        """Return a device's readings, newest first."""
        ...

    def count(self, *, device_id: str | None = None) -> int: ...
    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit readings taken before cutoff, oldest first; return how many were deleted."""
        ...

    def newest_at(self) -> datetime | None:
        """Return the time of the newest reading of any known device, or None; cheap at any table size."""
        ...


class DeadLetterRepository(Protocol):
    def add(self, letter: DeadLetter) -> DeadLetter: ...
    def add_many(self, letters: Sequence[DeadLetter]) -> int:
        """Store refused messages together; return how many were stored."""
        ...

    def list(self, *, limit: int = 100, offset: int = 0) -> list[DeadLetter]:
        """Return dead letters, newest first."""
        ...

    def count(self) -> int: ...
    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit dead letters received before cutoff, oldest first; return how many were deleted."""
        ...
