"""Revision counters bumped once per unit of work, just before it commits."""

from __future__ import annotations

from collections.abc import Callable

# Names of the counters: one per kind of record that readers cache (grids, cameras, teams, devices).
DEVICES = "devices"
GRIDS = "grids"
CAMERAS = "cameras"
TEAMS = "teams"
# Team moves and silence: teams carry the value that last moved them, so an index fetches only those (cases.locator).
TEAM_POSITIONS = "team_positions"


class PendingRevisions:
    """Remember which counters a unit of work changed and bump each once, in name order.

    Bumping at the end, in a fixed order, means the counter rows are always locked last and in the
    same order, so two PostGIS transactions touching teams cannot deadlock over them.
    """

    def __init__(self, bump: Callable[[str], None], read: Callable[[str], int]) -> None:
        self._bump = bump
        self._read = read
        self._dirty: set[str] = set()

    def touch(self, name: str) -> None:
        """Mark the counter as changed by this unit of work."""
        self._dirty.add(name)

    def current(self, name: str) -> int:
        """Return the counter, counting this unit of work's own pending change."""
        if name in self._dirty:
            self._dirty.discard(name)
            self._bump(name)
        return self._read(name)

    def flush(self) -> None:
        """Bump every changed counter; called right before commit."""
        for name in sorted(self._dirty):
            self._bump(name)
        self._dirty.clear()
