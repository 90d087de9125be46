"""Import a devices CSV into the store: every row checked first, then all written in one transaction or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cases.locator import Locator
from iot.kinds import default_catalogue
from iot.provisioning import ImportReport, read_device_csv, split_new, with_grid
from storage import Store

CHUNK = 500


@dataclass(frozen=True, slots=True)
class DeviceImport:
    """What an import did: the checked report, and how many devices are new or replaced (0 when refused)."""

    report: ImportReport
    created: int = 0
    updated: int = 0


def import_devices(store: Store, text: str, *, dry_run: bool = False, on_checked: Callable[[int], None] | None = None,
                   on_written: Callable[[int], None] | None = None) -> DeviceImport:
    """Check every row, locate each fixed device's grid, then write all rows in one unit of work (or none)."""
    report = read_device_csv(text, catalogue=default_catalogue(), on_row=on_checked)
    if not report.ok:
        return DeviceImport(report)
    locator = Locator()
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        existing = {d.id for d in uow.devices.all()}
        devices = [with_grid(d, lambda lon, lat: (locator.grid_path(lon, lat) or ("",))[-1]) for d in report.devices]
        if not dry_run:
            for start in range(0, len(devices), CHUNK):
                uow.devices.upsert_many(devices[start:start + CHUNK])
                if on_written is not None:
                    on_written(min(start + CHUNK, len(devices)))
    created, updated = split_new(devices, existing)
    return DeviceImport(report, created=created, updated=updated)
