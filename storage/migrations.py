"""Find a backend's versioned SQL migrations, shipped as package data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from storage.contract import StorageError

# The version is the file name without .sql; the number prefix fixes the order.
_FILE_NAME = re.compile(r"^(?P<number>\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One SQL file to apply once: its version (file stem) and text."""

    version: str
    sql: str


def list_migrations(package: str) -> list[Migration]:
    """Return the package's NNNN_name.sql files in version order; refuse misnamed or duplicate numbers."""
    found: dict[str, Migration] = {}
    for entry in resources.files(package).iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise StorageError(f"migration {package}/{entry.name}: name must look like 0001_initial.sql")
        number = match["number"]
        if number in found:
            raise StorageError(f"migration {package}/{entry.name}: number {number} is used twice")
        found[number] = Migration(version=entry.name[: -len(".sql")], sql=entry.read_text(encoding="utf-8"))
    return [found[number] for number in sorted(found)]


def pending(migrations: list[Migration], applied: set[str]) -> list[Migration]:
    """Return the migrations whose versions are not applied yet, in order."""
    return [m for m in migrations if m.version not in applied]
