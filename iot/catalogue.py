"""The devices the ingest knows, kept in memory and reloaded only when the store's device revision moves."""

from __future__ import annotations

import logging
import threading

from iot.models import Device
from iot.repository import DeviceRepository

logger = logging.getLogger(__name__)


class DeviceCatalogue:
    """Device by id for the decode phase, so a batch looks its devices up without a query per message."""

    def __init__(self) -> None:
        self._devices: dict[str, Device] = {}
        self._revision = -1
        self._lock = threading.Lock()

    @property
    def revision(self) -> int:
        """Return the store's device revision the catalogue holds (-1 before the first refresh)."""
        return self._revision

    def refresh(self, devices: DeviceRepository) -> None:
        """Reload every device if any changed since the last refresh (one tiny query otherwise)."""
        with self._lock:
            revision = devices.revision()
            if revision != self._revision:
                devices_now = {device.id: device for device in devices.all()}
                self._devices, self._revision = devices_now, revision
                logger.info("device catalogue reloaded: %d devices", len(self._devices))

    def get(self, device_id: str) -> Device | None:
        """Return the device with this id, or None if the store had none at the last refresh."""
        return self._devices.get(device_id)

    def __len__(self) -> int:
        return len(self._devices)
