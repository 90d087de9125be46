"""How the shared SQL speaks PostgreSQL/PostGIS: timestamptz, jsonb, text[], geometry(4326) and feed locks.

Points (devices, cameras, teams, alerts, cases) keep lon/lat columns; their geom is a generated column
(see the migrations), so the shared SQL never writes it. Grid shapes go in through ST_GeomFromWKB.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import shapely
from psycopg import Connection
from shapely.geometry.base import BaseGeometry

from storage.sql.db import Db
from storage.sql.dialect import Dialect
from storage.values import BBox, bbox_floats, dumps_json, from_db_utc, to_utc

# Fixed 64-bit numbers unique to each lock; they spell "gridaudt" and "gridfeed".
AUDIT_LOCK_KEY = 0x6772696461756474
FEED_LOCK_KEY = 0x6772696466656564
# The two-key lock space is apart from the one-key space; this 32-bit key spells "grjb", the other is the job.
JOB_LOCK_KEY = 0x67726A62


@functools.lru_cache(maxsize=1024)
def _percent_placeholders(text: str) -> str:
    return text.replace("?", "%s")


class PostgisDialect(Dialect):
    """PostgreSQL with PostGIS through psycopg 3 (dict rows, %s placeholders)."""

    name = "postgis"
    # The JSON text and the path list are cast here, so the shared SQL stays plain.
    json_param = "?::jsonb"
    path_param = "?::text[]"
    # Locks the row until the unit of work ends, so two dispatchers cannot both change one case.
    for_update = " FOR UPDATE"
    # Two delivery workers claim different outbox rows instead of queueing on the same ones.
    skip_locked = " FOR UPDATE SKIP LOCKED"
    grid_shape_select = "ST_AsBinary(geom) AS wkb"
    grid_shape_columns = ("geom",)
    grid_shape_params = "ST_GeomFromWKB(?, 4326)"

    def sql(self, text: str) -> str:
        """Return the statement with %s placeholders (statements repeat, so translations are cached)."""
        return _percent_placeholders(text)

    def insert_returning(self, db: Db, *, table: str, columns: Sequence[str], types: Sequence[str],
                         rows: Sequence[Sequence[Any]], suffix: str) -> list[Any]:
        """Insert all rows in one statement with one JSON array of rows: the text stays short and plans once.

        One json.dumps (C) of the whole batch costs a fifth of what psycopg's per-element array dumper did
        (bench/ingest.py); the server casts each field back to its column type.
        """
        if not rows:
            return []
        fields = ", ".join(f"(r->>{i})::{kind}" for i, kind in enumerate(types))
        document = dumps_json([list(row) for row in rows], where=f"rows for {table}")
        return db.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {fields}"
                          f" FROM jsonb_array_elements(?::jsonb) AS r {suffix}", (document,)).fetchall()

    def execute_many(self, conn: Connection[Any], sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement for each row; return how many rows they wrote."""
        with conn.cursor() as cur:
            cur.executemany(sql, rows)
            # executemany sums the rows each statement wrote; repeats wrote none.
            return max(cur.rowcount, 0)

    def scalar(self, row: dict[str, Any]) -> Any:
        """Return the first column of a dict row."""
        return next(iter(row.values()))

    def time_to_db(self, value: datetime, *, where: str) -> datetime:
        """Return an aware datetime in UTC, ready for a timestamptz column."""
        return to_utc(value, where=where)

    def time_from_db(self, value: datetime) -> datetime:
        """Return a timestamptz as aware UTC (psycopg hands it back in the session's zone)."""
        return from_db_utc(value)

    def json_from_db(self, value: Any) -> Any:
        """Return a jsonb value, which psycopg has already decoded."""
        return value

    def path_to_db(self, path: tuple[str, ...]) -> list[str]:
        """Return grid codes (coarsest first) as a list for a text[] column."""
        return list(path)

    def path_from_db(self, value: list[str]) -> tuple[str, ...]:
        """Return the stored text[] as a tuple."""
        return tuple(value)

    def path_overlaps(self, column: str) -> str:
        """Return an array overlap test the GIN index on the column serves."""
        return f"{column} && ?::text[]"

    # The locale's collation sorts text several times slower than code points (bench/assessment.py), and would
    # order groups unlike SQLite.
    binary_collation = ' COLLATE "C"'

    def prepare_report(self, db: Db) -> None:
        """Turn JIT off and give sorts memory, for the rest of this transaction only.

        A year's assessment costs enough to trigger JIT, whose compiling took longer than the query
        (bench/assessment.py); the percentile sorts ~100,000 rows, which spill to disk under the default 4 MB.
        """
        db.execute("SET LOCAL jit = off")
        db.execute("SET LOCAL work_mem = '64MB'")

    def path_codes(self, column: str, alias: str) -> tuple[str, str, str]:
        """Return the path unnested with each code's position."""
        return (f"CROSS JOIN LATERAL unnest({column}) WITH ORDINALITY AS {alias}(code, depth)", f"{alias}.code",
                f"{alias}.depth")

    def point_in_bbox(self, bbox: BBox) -> tuple[str, list[Any]]:
        """Return the bbox overlap test on the generated point geom, served by its GIST index."""
        return "geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)", list(bbox_floats(bbox))

    def grid_in_bbox(self, bbox: BBox) -> tuple[str, list[Any]]:
        """Return the exact intersection test (GIST index first, then the outline)."""
        return "ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))", list(bbox_floats(bbox))

    def grid_shape_to_db(self, shape: BaseGeometry) -> tuple[bytes]:
        """Return the shape as WKB for ST_GeomFromWKB(?, 4326)."""
        return (shapely.to_wkb(shape),)

    def lock_feed_for_append(self, db: Db) -> None:
        """Hold the feed lock shared from append until commit, so readers wait for this writer.

        Ids come from a sequence, so a writer that took id 10 may commit after one that took id 11; a reader
        that saw 11 would then skip 10 for good. Writers therefore hold a shared advisory lock from append
        until commit, and readers take the same lock exclusively: they wait until every writer in flight has
        ended, then read a gap-free prefix. Writers never wait for one another, so the lock adds no deadlock
        with the row locks of claims and positions. Read the feed in a unit of work of its own: the
        exclusive lock is held until that unit of work ends.
        """
        db.execute("SELECT pg_advisory_xact_lock_shared(?)", (FEED_LOCK_KEY,))

    def lock_feed_for_read(self, db: Db) -> None:
        """Wait until every writer in flight has ended, so no reader moves past an id still to come."""
        db.execute("SELECT pg_advisory_xact_lock(?)", (FEED_LOCK_KEY,))

    def lock_audit(self, db: Db) -> None:
        """Hold the audit lock until commit: the next appender reads the head only after this one wrote it."""
        db.execute("SELECT pg_advisory_xact_lock(?)", (AUDIT_LOCK_KEY,))

    def lock_job_claims(self, db: Db, job: str) -> None:
        """Hold a lock per job until commit: under READ COMMITTED a claim then sees the runs claimed before it."""
        db.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (JOB_LOCK_KEY, job))


DIALECT = PostgisDialect()
