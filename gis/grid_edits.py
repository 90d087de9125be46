"""Editing the active grid set by hand: a grid's name, its parent and its staff. Boundaries change only by a new set."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from gis.errors import GisError, GridNotFound
from gis.hierarchy import check_staff
from gis.models import Grid, GridStaff
from gis.repository import GridRepository

MAX_NAME = 100
# Said wherever someone tries to move a boundary by hand: why not, and what to do instead.
GEOMETRY_BY_IMPORT = ("a grid's boundary and level change only by importing a new grid set "
                      "(gridwatch grids import FILE), which keeps the current set as an earlier version")


def grid_or_error(grids: GridRepository, code: str) -> Grid:
    """Return the grid of the active set with this code, or raise GridNotFound."""
    grid = grids.get(code)
    if grid is None:
        raise GridNotFound(f"grid {code!r}: no such grid in the active set")
    return grid


def edit_grid(*, grids: GridRepository, code: str, name: str | None = None, parent_code: str | None = None,
              move: bool = False) -> Grid:
    """Rename a grid and/or (move=True) give it another parent one level up; return it as stored.

    The caller owns the unit of work. A parent must exist and sit one level above the grid, and a grid may not
    be put under itself or one of its own grids (whose levels are deeper, so the level rule refuses it too).
    """
    grid = grid_or_error(grids, code)
    changes: dict[str, object] = {}
    if name is not None:
        cleaned = name.strip()
        if not cleaned or len(cleaned) > MAX_NAME:
            raise GisError(f"grid {code}: name must be 1 to {MAX_NAME} characters, got {name!r}")
        changes["name"] = cleaned
    if move:
        changes["parent_code"] = _checked_parent(grids, grid, parent_code)
    if not changes:
        return grid
    # staff=() keeps the staff the code has (upsert_many writes staff only when given).
    grids.upsert_many([dataclasses.replace(grid, staff=(), **changes)])
    return grid_or_error(grids, code)


def _checked_parent(grids: GridRepository, grid: Grid, parent_code: str | None) -> str | None:
    """Return the new parent code after checking it exists, is one level up and is not the grid or below it."""
    if parent_code is None:
        if grid.level != 1:
            raise GisError(f"grid {grid.code}: a level-{grid.level} grid needs a parent of level {grid.level - 1}")
        return None
    if parent_code == grid.code:
        raise GisError(f"grid {grid.code}: a grid cannot be its own parent")
    parent = grids.get(parent_code)
    if parent is None:
        raise GisError(f"grid {grid.code}: parent_code {parent_code!r} is not the code of any grid")
    if _below(grids, parent, grid.code):
        raise GisError(f"grid {grid.code}: parent {parent_code} lies under {grid.code}; that would make a cycle")
    if parent.level != grid.level - 1:
        raise GisError(f"grid {grid.code}: parent {parent_code} is level {parent.level}; a level-{grid.level} grid's "
                       f"parent must be level {grid.level - 1} ({GEOMETRY_BY_IMPORT})")
    return parent_code


def _below(grids: GridRepository, grid: Grid, ancestor: str) -> bool:
    """Return whether ancestor is on grid's chain of parents (bounded, so a damaged store cannot loop)."""
    seen: set[str] = set()
    current: Grid | None = grid
    while current is not None and current.parent_code and current.code not in seen:
        if current.parent_code == ancestor:
            return True
        seen.add(current.code)
        current = grids.get(current.parent_code)
    return False


def assign_staff(*, grids: GridRepository, code: str, staff: Sequence[GridStaff]) -> Grid:
    """Make these the grid's staff (roles known, names given, one head at most); return the grid as stored."""
    grid_or_error(grids, code)
    check_staff(list(staff), where=f"grid {code}")
    grids.set_staff(code, list(staff))
    return grid_or_error(grids, code)
