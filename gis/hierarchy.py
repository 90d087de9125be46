"""The rules of a grid hierarchy of any depth: levels from 1 down, each parent one level up, staff per grid."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from gis.errors import GisError
from gis.models import Grid, GridStaff, StaffRole

# A few problems say what is wrong; hundreds would bury the first under the rest.
MAX_REPORTED = 5
# Deeper than any real hierarchy (province to building is under 10), and what PostGIS's smallint column holds.
MAX_LEVEL = 32767


def level_problem(level: object) -> str | None:
    """Return why a value is not a grid level (a whole number from 1), or None when it is one."""
    if isinstance(level, bool) or not isinstance(level, int):
        return f"level {level!r} is not a whole number"
    if level < 1:
        return f"level {level} is below 1 (1 is the coarsest level)"
    if level > MAX_LEVEL:
        return f"level {level} is above {MAX_LEVEL}"
    return None


def hierarchy_problems(grids: Sequence[Grid], *, known: Mapping[str, int] | None = None,
                       children: Mapping[str, Iterable[tuple[str, int]]] | None = None) -> list[str]:
    """Return what breaks the hierarchy in these grids, each naming the grid.

    Rules: codes unique, level a whole number from 1, a level-1 grid has no parent, any other grid's parent is
    one level up. A parent is looked for among the grids, then in known (code → level of grids already
    stored). children (code → (child code, child level) already stored) checks that a grid's stored children
    still sit one level below it. Since every parent is exactly one level up, no chain can loop.
    """
    problems: list[str] = []
    levels: dict[str, int] = {}
    for grid in grids:
        if grid.code in levels:
            problems.append(f"grid {grid.code}: code is given twice")
        problem = level_problem(grid.level)
        if problem:
            problems.append(f"grid {grid.code}: {problem}")
        levels[grid.code] = grid.level
    known = known or {}
    for grid in grids:
        if level_problem(grid.level):
            continue
        if grid.parent_code is None:
            if grid.level != 1:
                problems.append(f"grid {grid.code}: a level-{grid.level} grid needs a parent_code (level {grid.level - 1})")
            continue
        if grid.parent_code == grid.code:
            problems.append(f"grid {grid.code}: parent_code is the grid itself")
            continue
        parent_level = levels.get(grid.parent_code, known.get(grid.parent_code))
        if parent_level is None:
            problems.append(f"grid {grid.code}: parent_code {grid.parent_code!r} is not the code of any grid")
        elif parent_level != grid.level - 1:
            problems.append(f"grid {grid.code}: parent {grid.parent_code} is level {parent_level}; "
                            f"a level-{grid.level} grid's parent must be level {grid.level - 1}")
    for code, kids in (children or {}).items():
        level = levels.get(code)
        for kid, kid_level in kids:
            if level is not None and kid not in levels and kid_level != level + 1:
                problems.append(f"grid {code}: level {level} would leave its child {kid} (level {kid_level}) "
                                f"more than one level below")
    return problems


def check_hierarchy(grids: Sequence[Grid], *, known: Mapping[str, int] | None = None,
                    children: Mapping[str, Iterable[tuple[str, int]]] | None = None) -> None:
    """Raise GisError naming the first problems of the hierarchy (see hierarchy_problems)."""
    problems = hierarchy_problems(grids, known=known, children=children)
    if problems:
        more = f" (and {len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        raise GisError("; ".join(problems[:MAX_REPORTED]) + more)


def staff_problems(staff: Sequence[GridStaff], *, where: str) -> list[str]:
    """Return what is wrong with a grid's staff list: roles known, names given, at most one head."""
    problems: list[str] = []
    heads = 0
    for number, person in enumerate(staff, start=1):
        at = f"{where} staff {number}"
        if not isinstance(person, GridStaff):
            problems.append(f"{at}: expected a GridStaff, got {type(person).__name__}")
            continue
        if person.role not in set(StaffRole):
            problems.append(f"{at}: role {person.role!r} is not one of {', '.join(StaffRole)}")
        heads += person.role == StaffRole.HEAD
        if not isinstance(person.name, str) or not person.name.strip():
            problems.append(f"{at}: name is empty")
        for field in ("phone", "username"):
            if not isinstance(getattr(person, field), str):
                problems.append(f"{at}: {field} {getattr(person, field)!r} is not text")
    if heads > 1:
        problems.append(f"{where}: {heads} heads; a grid has one head (网格长) at most")
    return problems


def check_staff(staff: Sequence[GridStaff], *, where: str) -> None:
    """Raise GisError naming what is wrong with a grid's staff list (see staff_problems)."""
    problems = staff_problems(staff, where=where)
    if problems:
        raise GisError("; ".join(problems[:MAX_REPORTED]))
