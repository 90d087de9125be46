"""Fixtures for the town tests: one generated town per session, and a fresh copy of its files per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from town.files import write_town
from town.generate import generate_town
from town.models import Town

SEED = 7


@pytest.fixture(scope="session")
def town7() -> Town:
    """Return the town of seed 7, generated once for the whole session."""
    return generate_town(SEED)


@pytest.fixture(scope="session")
def town7_files(town7: Town, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a directory holding town 7's files, written once; tests must not change it."""
    out_dir = tmp_path_factory.mktemp("town7")
    write_town(town7, out_dir)
    return out_dir


@pytest.fixture
def town_dir(town7_files: Path, tmp_path: Path) -> Path:
    """Return a private copy of town 7's files that a test may edit."""
    return Path(shutil.copytree(town7_files, tmp_path / "town"))
