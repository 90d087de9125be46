"""Put a town's files into the store, and make the synthetic town when there are none."""

from __future__ import annotations

import logging
from pathlib import Path

from storage import Store
from town.files import read_town, write_town
from town.generate import generate_town
from town.models import Town

logger = logging.getLogger(__name__)

TOWN_MARKER = "town.json"


def ensure_town_files(town_dir: Path, *, seed: int) -> Path:
    """Generate the synthetic town into town_dir unless a town is already there; return the folder."""
    if (town_dir / TOWN_MARKER).exists():
        return town_dir
    town_dir.mkdir(parents=True, exist_ok=True)
    write_town(generate_town(seed), town_dir)
    logger.info("generated the synthetic town (seed %d) in %s", seed, town_dir)
    return town_dir


def load_town(store: Store, town: Town) -> dict[str, int]:
    """Upsert a town's grids, sensors, cameras and teams in one transaction; return the counts."""
    with store.unit_of_work() as uow:
        return {
            "grids": uow.grids.upsert_many(town.grids),
            "devices": uow.devices.upsert_many(town.devices),
            "cameras": uow.cameras.upsert_many(town.cameras),
            "teams": uow.teams.upsert_many(town.teams),
        }


def load_town_dir(store: Store, town_dir: Path) -> dict[str, int]:
    """Read and validate a town folder, then load it."""
    return load_town(store, read_town(town_dir))
