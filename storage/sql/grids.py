"""Grids: the active set in grids (shapes as WKB, filtered by place the way the dialect says), earlier sets kept in
grid_set_members, staff by grid code in grid_staff."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from gis.errors import GisError, GridNotFound
from gis.hierarchy import check_hierarchy, check_staff
from gis.models import Grid, GridSet, GridStaff, StaffRole
from storage import revisions
from storage.revisions import PendingRevisions
from storage.sql.db import Db, equals, upsert_set, where
from storage.values import BBox, flat_shape, page, shape_from_wkb

_KEY_COLUMNS = ("code", "name", "level", "parent_code")
_SET_COLUMNS = "id, created_at, source, note, grid_count, active"
_STAFF_SELECT = "SELECT code, role, name, phone, username FROM grid_staff"
# Codes per IN (...) list: far under SQLite's 32,766 parameters.
_CHUNK = 900


def _grid(row: Any, staff: Sequence[GridStaff] = ()) -> Grid:
    return Grid(code=row["code"], name=row["name"], level=int(row["level"]), parent_code=row["parent_code"],
                geometry=shape_from_wkb(row["wkb"]), staff=tuple(staff))


def _person(row: Any) -> GridStaff:
    return GridStaff(role=StaffRole(row["role"]), name=row["name"], phone=row["phone"], username=row["username"])


def _chunks(codes: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(codes), _CHUNK):
        yield codes[start:start + _CHUNK]


class SqlGridRepository:
    """GridRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._d = db.dialect
        self._revisions = pending
        self._select = f"SELECT {', '.join(_KEY_COLUMNS)}, {self._d.grid_shape_select} FROM grids"

    def _where(self, level: int | None, parent_code: str | None, bbox: BBox | None) -> tuple[str, list[Any]]:
        return where(equals("level", level, int), equals("parent_code", parent_code),
                     None if bbox is None else self._d.grid_in_bbox(bbox))

    # Writing --------------------------------------------------------------------------------------------------

    def upsert_many(self, grids: Iterable[Grid]) -> int:
        """Insert or overwrite grids of the active set by code; return how many were written.

        Parents are looked for in the batch, then among the stored grids, and must be one level up; a grid given
        with staff gets those staff, one given without keeps the staff its code has.
        """
        batch = list(grids)
        if not batch:
            return 0
        codes = [g.code for g in batch]
        parents = sorted({g.parent_code for g in batch if g.parent_code} - set(codes))
        check_hierarchy(batch, known=self._levels(parents), children=self._children(codes))
        self._write(batch)
        active = self._active_set_id()
        if active is None:
            # Grids written before any set was made (a town loaded into an empty store) start set 1.
            self._new_set(source="initial", note="grids written before any set", created_at=datetime.now(UTC))
        else:
            self._db.execute("UPDATE grid_sets SET grid_count = (SELECT count(*) FROM grids) WHERE id = ?", (active,))
        self._revisions.touch(revisions.GRIDS)
        return len(batch)

    def replace_all(self, grids: Iterable[Grid]) -> int:
        """Make these the only grids (another town's are deleted, kept as an earlier set); return how many."""
        # The store has no clock; the set's time is only a record of when the town was loaded.
        new = self.replace_set(grids, source="town", note="another town loaded", created_at=datetime.now(UTC))
        return new.grid_count

    def replace_set(self, grids: Iterable[Grid], *, source: str, note: str = "", created_at: datetime) -> GridSet:
        """Keep the active set as an earlier version and make these grids the active set, in the caller's unit of work.

        Cases and alerts keep the grid paths they were located in (text, no reference to a grid row). Staff stay
        by code: a grid given without staff keeps its code's, and staff of codes the new set drops are removed.
        """
        batch = list(grids)
        if not batch:
            raise GisError("a grid set needs at least one grid; an empty set would leave every point outside jurisdiction")
        check_hierarchy(batch)
        stamp = self._d.time_to_db(created_at, where="grid set created_at")
        active = self._active_set_id(for_update=True)
        if active is not None:
            self._db.execute(
                "INSERT INTO grid_set_members (set_id, code, name, level, parent_code, wkb)"
                f" SELECT ?, code, name, level, parent_code, {self._d.grid_shape_select} FROM grids", (active,))
            self._db.execute(f"UPDATE grid_sets SET active = FALSE WHERE id = ?", (active,))
        self._db.execute("DELETE FROM grids")
        self._write(batch)
        # Staff of codes the new set dropped go with them; the grids table holds the new set now.
        self._db.execute("DELETE FROM grid_staff WHERE code NOT IN (SELECT code FROM grids)")
        new_id = self._new_set(source=str(source), note=str(note), created_at=created_at, stamp=stamp)
        self._revisions.touch(revisions.GRIDS)
        return GridSet(id=new_id, created_at=self._d.time_from_db(stamp), source=str(source), note=str(note),
                       grid_count=len(batch), active=True)

    def set_staff(self, code: str, staff: Sequence[GridStaff]) -> None:
        """Make these the grid's staff (kept by code, so they survive a new set that keeps the code)."""
        people = list(staff)
        check_staff(people, where=f"grid {code}")
        if self._db.one("SELECT 1 AS found FROM grids WHERE code = ?", (code,)) is None:
            raise GridNotFound(f"grid {code!r}: no such grid in the active set")
        self._write_staff({code: people})
        self._revisions.touch(revisions.GRIDS)

    def _write(self, batch: Sequence[Grid]) -> None:
        """Insert or overwrite the grids' rows, and the staff of those given with staff."""
        rows = [(g.code, g.name, int(g.level), g.parent_code,
                 *self._d.grid_shape_to_db(flat_shape(g.geometry, where=f"grid {g.code}"))) for g in batch]
        if not rows:
            return
        columns = (*_KEY_COLUMNS, *self._d.grid_shape_columns)
        self._db.many(
            f"INSERT INTO grids ({', '.join(columns)}) VALUES (?, ?, ?, ?, {self._d.grid_shape_params})"
            f" ON CONFLICT (code) DO UPDATE SET {upsert_set(columns[1:])}",
            rows,
        )
        staffed = {g.code: list(g.staff) for g in batch if g.staff}
        for code, people in staffed.items():
            check_staff(people, where=f"grid {code}")
        self._write_staff(staffed)

    def _write_staff(self, staff: dict[str, list[GridStaff]]) -> None:
        codes = list(staff)
        for chunk in _chunks(codes):
            self._db.execute(f"DELETE FROM grid_staff WHERE code IN ({', '.join('?' * len(chunk))})", chunk)
        self._db.many("INSERT INTO grid_staff (code, position, role, name, phone, username) VALUES (?, ?, ?, ?, ?, ?)",
                      [(code, position, str(p.role), p.name.strip(), p.phone.strip(), p.username.strip())
                       for code, people in staff.items() for position, p in enumerate(people)])

    def _new_set(self, *, source: str, note: str, created_at: datetime, stamp: Any = None) -> int:
        if stamp is None:
            stamp = self._d.time_to_db(created_at, where="grid set created_at")
        row = self._db.insert(
            "INSERT INTO grid_sets (created_at, source, note, grid_count, active)"
            f" VALUES (?, ?, ?, (SELECT count(*) FROM grids), TRUE) RETURNING id", (stamp, source, note))
        return int(row["id"])

    def _active_set_id(self, *, for_update: bool = False) -> int | None:
        lock = self._d.for_update if for_update else ""
        row = self._db.one(f"SELECT id FROM grid_sets WHERE active = TRUE{lock}")
        return None if row is None else int(row["id"])

    def _levels(self, codes: Sequence[str]) -> dict[str, int]:
        """Return the stored level of each of these codes that exists."""
        found: dict[str, int] = {}
        for chunk in _chunks(codes):
            sql = f"SELECT code, level FROM grids WHERE code IN ({', '.join('?' * len(chunk))})"
            found.update({r["code"]: int(r["level"]) for r in self._db.execute(sql, chunk)})
        return found

    def _children(self, codes: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """Return the stored children (code, level) of each of these codes."""
        found: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for chunk in _chunks(codes):
            sql = f"SELECT code, level, parent_code FROM grids WHERE parent_code IN ({', '.join('?' * len(chunk))})"
            for r in self._db.execute(sql, chunk):
                found[r["parent_code"]].append((r["code"], int(r["level"])))
        return found

    # Reading --------------------------------------------------------------------------------------------------

    def _staff_of(self, codes: Sequence[str] | None) -> dict[str, list[GridStaff]]:
        """Return the staff of these codes (every code when None), in position order."""
        found: dict[str, list[GridStaff]] = defaultdict(list)
        if codes is None:
            for r in self._db.execute(f"{_STAFF_SELECT} ORDER BY code, position"):
                found[r["code"]].append(_person(r))
            return found
        for chunk in _chunks(list(codes)):
            sql = f"{_STAFF_SELECT} WHERE code IN ({', '.join('?' * len(chunk))}) ORDER BY code, position"
            for r in self._db.execute(sql, chunk):
                found[r["code"]].append(_person(r))
        return found

    def _with_staff(self, rows: list[Any], *, every: bool = False) -> list[Grid]:
        if not rows:
            return []
        staff = self._staff_of(None if every else [r["code"] for r in rows])
        return [_grid(r, staff.get(r["code"], ())) for r in rows]

    def get(self, code: str) -> Grid | None:
        """Return the grid of the active set with this code, or None."""
        row = self._db.one(f"{self._select} WHERE code = ?", (code,))
        return None if row is None else self._with_staff([row])[0]

    def all(self) -> list[Grid]:
        """Return every grid of the active set ordered by code."""
        return self._with_staff(list(self._db.execute(f"{self._select} ORDER BY code")), every=True)

    def list(self, *, level: int | None = None, parent_code: str | None = None, bbox: BBox | None = None,
             limit: int = 100, offset: int = 0) -> list[Grid]:
        """Return grids ordered by code; bbox is (min_lon, min_lat, max_lon, max_lat) in WGS-84."""
        clause, params = self._where(level, parent_code, bbox)
        sql = f"{self._select}{clause} ORDER BY code LIMIT ? OFFSET ?"
        return self._with_staff(list(self._db.execute(sql, (*params, *page(limit, offset)))))

    def count(self, *, level: int | None = None, parent_code: str | None = None, bbox: BBox | None = None) -> int:
        """Return how many grids match the filters."""
        clause, params = self._where(level, parent_code, bbox)
        return self._db.scalar(f"SELECT count(*) FROM grids{clause}", params)

    def revision(self) -> int:
        """Return a number that changes whenever any grid changes."""
        return self._revisions.current(revisions.GRIDS)

    def sets(self) -> list[GridSet]:
        """Return every grid set, newest first; the first is the active one."""
        rows = self._db.execute(f"SELECT {_SET_COLUMNS} FROM grid_sets ORDER BY id DESC")
        return [GridSet(id=int(r["id"]), created_at=self._d.time_from_db(r["created_at"]), source=r["source"],
                        note=r["note"], grid_count=int(r["grid_count"]), active=bool(r["active"])) for r in rows]

    def set_grids(self, set_id: int) -> list[Grid]:
        """Return the grids of one set (active or earlier), ordered by code; none for an unknown set.

        The active set's grids come with their staff; an earlier set's without (staff are kept by code, not by set).
        """
        row = self._db.one("SELECT active FROM grid_sets WHERE id = ?", (int(set_id),))
        if row is None:
            return []
        if row["active"]:
            return self.all()
        sql = ("SELECT code, name, level, parent_code, wkb FROM grid_set_members WHERE set_id = ? ORDER BY code")
        return [_grid(r) for r in self._db.execute(sql, (int(set_id),))]
