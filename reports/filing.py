"""Making a weekly report from the store, and the folder reports are filed in (<data_dir>/reports/weekly/)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from reports.figures import WeeklyFigures, gather_weekly
from reports.weeks import ReportWeek, last_full_week
from storage import Store

logger = logging.getLogger(__name__)

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")
_FILED = re.compile(r"(\d{4})-W(\d{2})\.(html|pdf)")


@dataclass(frozen=True, slots=True)
class FiledReport:
    """A week whose report is on disk: which formats, their sizes, and when the newest was written."""

    week: ReportWeek
    formats: tuple[Format, ...]
    sizes: dict[str, int]
    filed_at: datetime


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A report in the formats asked for, and the figures it was drawn from."""

    figures: WeeklyFigures
    html: str | None
    pdf: bytes | None


def make_weekly(store: Store, *, week: ReportWeek, now: datetime, formats: Sequence[Format] = FORMATS,
                pdf_href: str | None = None) -> RenderedReport:
    """Gather the week's figures in one read-only unit of work and render them in the formats asked for."""
    # Imported here: matplotlib and weasyprint load in the processes that draw, not in every one that imports this.
    from reports.render import render_html, render_pdf

    with store.read_only() as uow:
        figures = gather_weekly(uow, week=week, now=now)  # type: ignore[arg-type]
    html = render_html(figures, pdf_href=pdf_href)
    # One HTML for both: the PDF link is hidden in print media, which weasyprint lays out.
    pdf = render_pdf(html) if "pdf" in formats else None
    return RenderedReport(figures, html if "html" in formats else None, pdf)


class ReportArchive:
    """The folder of filed weekly reports: <root>/weekly/2026-W48.html and .pdf."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.weekly = root / "weekly"

    def path(self, week: ReportWeek, fmt: Format) -> Path:
        """Return where a week's report in a format is filed."""
        return self.weekly / f"{week.label}.{fmt}"

    def filed(self, week: ReportWeek, fmt: Format) -> Path | None:
        """Return the filed copy of a week's report in a format, or None."""
        path = self.path(week, fmt)
        return path if path.is_file() else None

    def write(self, week: ReportWeek, fmt: Format, content: bytes) -> Path:
        """Write a report file whole: a reader never sees half of one, a crash leaves no partial file."""
        path = self.path(week, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
        temporary.write_bytes(content)
        os.replace(temporary, path)
        return path

    def listing(self) -> list[FiledReport]:
        """Return the filed weeks, newest first."""
        found: dict[ReportWeek, dict[str, os.stat_result]] = {}
        if self.weekly.is_dir():
            for entry in self.weekly.iterdir():
                match = _FILED.fullmatch(entry.name)
                if match and entry.is_file():
                    week = ReportWeek(int(match[1]), int(match[2]))
                    found.setdefault(week, {})[match[3]] = entry.stat()
        return [FiledReport(week, tuple(f for f in FORMATS if f in stats), {f: s.st_size for f, s in stats.items()},
                            datetime.fromtimestamp(max(s.st_mtime for s in stats.values()), UTC))
                for week, stats in sorted(found.items(), key=lambda kv: (kv[0].year, kv[0].number), reverse=True)]


Maker = Callable[..., RenderedReport]


def file_last_week(store: Store, archive: ReportArchive, *, now: datetime, make: Maker = make_weekly) -> str:
    """File the last full week's report (HTML and PDF) unless it is filed already; return what was done."""
    week = last_full_week(now)
    missing = [f for f in FORMATS if archive.filed(week, f) is None]
    if not missing:
        return f"weekly report {week.label} already filed"
    report = make(store, week=week, now=now, formats=FORMATS, pdf_href=f"{week.label}.pdf")
    # The PDF first: the HTML links it, and a listing that shows the HTML can serve both.
    if "pdf" in missing and report.pdf is not None:
        archive.write(week, "pdf", report.pdf)
    if "html" in missing and report.html is not None:
        archive.write(week, "html", report.html.encode("utf-8"))
    logger.info("filed weekly report %s (%s) in %s", week.label, ", ".join(missing), archive.weekly)
    return f"weekly report {week.label} filed ({', '.join(missing)}) in {archive.weekly}"
