"""The labelled reports the model learns from: read, written and fingerprinted (the CSV ships in cases/data/)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cases.errors import CaseError

LABELLED_PATH = Path(__file__).resolve().parent.parent / "data" / "labelled_reports.csv"
COLUMNS = ("text", "category", "channel")
CHANNELS = frozenset({"hotline", "grid_staff", "citizen", "sensor", "camera", "open311", "city", "unknown"})


class LabelledDataError(CaseError):
    """A labelled-reports CSV that cannot be read; the message names the line and column."""


@dataclass(frozen=True, slots=True)
class LabelledReport:
    """One report text with the sub-category an operator gave it and the channel it came by."""

    text: str
    category: str
    channel: str = "unknown"


def read_labelled_csv(text: str, *, where: str = "labelled reports") -> list[LabelledReport]:
    """Parse a labelled CSV (header text,category,channel); raise naming the line of the first bad row."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or list(reader.fieldnames)[:2] != ["text", "category"]:
        raise LabelledDataError(f"{where}, line 1: header must start with text,category (got {reader.fieldnames})")
    rows = []
    for row in reader:
        line = reader.line_num
        body, category = (row.get("text") or "").strip(), (row.get("category") or "").strip()
        if not body or not category:
            raise LabelledDataError(f"{where}, line {line}: text and category must not be empty")
        rows.append(LabelledReport(body, category, (row.get("channel") or "unknown").strip() or "unknown"))
    return rows


def load_labelled(path: Path = LABELLED_PATH) -> list[LabelledReport]:
    """Return the labelled reports of a CSV file (the shipped set by default)."""
    return list(_load(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int) -> tuple[LabelledReport, ...]:
    # Read once per file version: the intake classifies every report and must not parse the CSV each time.
    return tuple(read_labelled_csv(path.read_text(encoding="utf-8"), where=str(path)))


def write_labelled_csv(rows: Iterable[LabelledReport]) -> str:
    """Return rows as CSV text with the labelled set's columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow((row.text, row.category, row.channel))
    return out.getvalue()


def fingerprint(rows: Sequence[LabelledReport], *extra: str) -> str:
    """Return a hash of the training set (and whatever else the model depends on), to key cached models."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row.text}\x1f{row.category}\x1e".encode())
    for part in extra:
        digest.update(part.encode())
    return digest.hexdigest()
