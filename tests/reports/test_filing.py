"""The weekly-report job: it files the last full week once (HTML and PDF) and never twice, by the clock it is given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gis.zone import CHINA_TZ
from gridwatch.jobs_wiring import WEEKLY_REPORT, weekly_report_job
from gridwatch.settings import load_settings
from reports.filing import RenderedReport, ReportArchive, file_last_week, make_weekly
from reports.weeks import ReportWeek
from storage import Store, open_store
from tests.conftest import _empty_store_url
from tests.reports.seed import WEEK, seed_weeks


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(_empty_store_url("sqlite", request, tmp_path))
    try:
        yield opened
    finally:
        opened.close()


class CountingMaker:
    """Stands in for make_weekly: records the weeks asked for, returns small files."""

    def __init__(self) -> None:
        self.weeks: list[ReportWeek] = []

    def __call__(self, store: Store, *, week: ReportWeek, now: datetime, **_: Any) -> RenderedReport:
        self.weeks.append(week)
        return RenderedReport(figures=None, html=f"<p>{week.label}</p>", pdf=b"%PDF-1.7 " + week.label.encode())  # type: ignore[arg-type]


def test_the_job_files_the_week_that_ended_once(store: Store, tmp_path: Path) -> None:
    archive = ReportArchive(tmp_path / "reports")
    make = CountingMaker()
    # Sunday 23:30 Beijing: W48 has not ended, W47 is the last full week.
    sunday = datetime(2026, 11, 29, 23, 30, tzinfo=CHINA_TZ)
    assert "2026-W47 filed" in file_last_week(store, archive, now=sunday, make=make)
    # Monday 00:10 Beijing (Sunday 16:10 UTC) files W48; the runs of the hours after find it filed.
    monday = datetime(2026, 11, 29, 16, 10, tzinfo=UTC)
    assert "2026-W48 filed (html, pdf)" in file_last_week(store, archive, now=monday, make=make)
    for hours in (1, 5, 23):
        later = monday + timedelta(hours=hours)
        assert file_last_week(store, archive, now=later, make=make) == "weekly report 2026-W48 already filed"
    assert [w.label for w in make.weeks] == ["2026-W47", "2026-W48"]
    assert archive.path(WEEK, "pdf").read_bytes() == b"%PDF-1.7 2026-W48"
    assert [(r.week.label, r.formats) for r in archive.listing()] == [("2026-W48", ("html", "pdf")),
                                                                        ("2026-W47", ("html", "pdf"))]


def test_a_half_filed_week_gets_only_its_missing_file(store: Store, tmp_path: Path) -> None:
    archive = ReportArchive(tmp_path / "reports")
    archive.write(WEEK, "html", b"kept")
    make = CountingMaker()
    assert "filed (pdf)" in file_last_week(store, archive, now=datetime(2026, 11, 30, 9, tzinfo=CHINA_TZ), make=make)
    assert archive.path(WEEK, "html").read_bytes() == b"kept" and archive.filed(WEEK, "pdf") is not None
    assert not list(archive.weekly.glob(".*part"))


def test_the_wired_job_files_a_real_report_in_the_data_folder(store: Store, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seed_weeks(store, cases_per_week=10)
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    job = weekly_report_job(store, load_settings())
    assert job.name == WEEKLY_REPORT and job.interval.total_seconds() == 3600
    detail = job.run(datetime(2026, 11, 30, 8, tzinfo=CHINA_TZ))
    assert "2026-W48 filed" in detail
    folder = tmp_path / "data" / "reports" / "weekly"
    assert (folder / "2026-W48.pdf").read_bytes().startswith(b"%PDF")
    html = (folder / "2026-W48.html").read_text(encoding="utf-8")
    assert "社会治理形势分析报告" in html and 'href="2026-W48.pdf"' in html
    assert job.run(datetime(2026, 11, 30, 9, tzinfo=CHINA_TZ)) == "weekly report 2026-W48 already filed"


def test_make_weekly_renders_only_the_formats_asked(store: Store) -> None:
    report = make_weekly(store, week=WEEK, now=datetime(2026, 11, 30, tzinfo=CHINA_TZ), formats=("html",))
    assert report.pdf is None and report.html and report.figures.total.received == 0
