"""Taxonomy versions (each document whole, as JSON text) and the classifier's corrections."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from cases.taxonomy_store import Correction, TaxonomyVersion
from storage.sql.db import Db, where
from storage.values import page

_VERSION_COLUMNS = "id, created_at, created_by, doc, note"
_CORRECTION_COLUMNS = "id, text, predicted, corrected, confidence, channel, corrected_by, corrected_at, case_id"


class SqlTaxonomyRepository:
    """TaxonomyRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _version(self, row: Any) -> TaxonomyVersion:
        return TaxonomyVersion(id=int(row["id"]), created_at=self._d.time_from_db(row["created_at"]),
                               created_by=row["created_by"], doc=json.loads(row["doc"]), note=row["note"])

    def add(self, *, doc: dict[str, Any], created_by: str, note: str, at: datetime) -> TaxonomyVersion:
        """Store a checked taxonomy document as the newest version and return it."""
        row = self._db.insert(
            f"INSERT INTO taxonomy_versions (created_at, created_by, doc, note) VALUES (?, ?, ?, ?)"
            f" RETURNING {_VERSION_COLUMNS}",
            (self._d.time_to_db(at, where="taxonomy version.created_at"), created_by,
             json.dumps(doc, ensure_ascii=False, sort_keys=True), note))
        return self._version(row)

    def latest(self) -> TaxonomyVersion | None:
        """Return the newest version, or None when only the shipped taxonomy exists."""
        row = self._db.one(f"SELECT {_VERSION_COLUMNS} FROM taxonomy_versions ORDER BY id DESC LIMIT 1")
        return None if row is None else self._version(row)

    def list(self, *, limit: int = 50, offset: int = 0) -> list[TaxonomyVersion]:
        """Return versions newest first."""
        rows = self._db.execute(f"SELECT {_VERSION_COLUMNS} FROM taxonomy_versions ORDER BY id DESC LIMIT ? OFFSET ?",
                                page(limit, offset))
        return [self._version(r) for r in rows]

    def count(self) -> int:
        return int(self._db.scalar("SELECT count(*) FROM taxonomy_versions"))


class SqlCorrectionRepository:
    """CorrectionRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _correction(self, row: Any) -> Correction:
        return Correction(id=int(row["id"]), text=row["text"], predicted=row["predicted"], corrected=row["corrected"],
                          confidence=float(row["confidence"]), channel=row["channel"],
                          corrected_by=row["corrected_by"], corrected_at=self._d.time_from_db(row["corrected_at"]),
                          case_id=None if row["case_id"] is None else int(row["case_id"]))

    def add(self, correction: Correction) -> Correction:
        """Store a correction and return it with its id."""
        row = self._db.insert(
            "INSERT INTO classification_corrections (text, predicted, corrected, confidence, channel, corrected_by,"
            f" corrected_at, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_CORRECTION_COLUMNS}",
            (correction.text, correction.predicted, correction.corrected, correction.confidence, correction.channel,
             correction.corrected_by, self._d.time_to_db(correction.corrected_at, where="correction.corrected_at"),
             correction.case_id))
        return self._correction(row)

    def _since(self, since: datetime | None) -> tuple[str, list[Any]]:
        return where(None if since is None else
                     ("corrected_at >= ?", [self._d.time_to_db(since, where="corrections since")]))

    def list(self, *, since: datetime | None = None, limit: int = 1000, offset: int = 0) -> list[Correction]:
        """Return corrections oldest first, those at or after since when given."""
        clause, params = self._since(since)
        rows = self._db.execute(f"SELECT {_CORRECTION_COLUMNS} FROM classification_corrections{clause}"
                                " ORDER BY id LIMIT ? OFFSET ?", (*params, *page(limit, offset)))
        return [self._correction(r) for r in rows]

    def count(self, *, since: datetime | None = None) -> int:
        clause, params = self._since(since)
        return int(self._db.scalar(f"SELECT count(*) FROM classification_corrections{clause}", params))
