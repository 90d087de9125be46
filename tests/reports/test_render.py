"""The weekly report rendered: a PDF with its map and charts and extractable Chinese, an HTML that escapes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

import reports.charts as charts
from reports.errors import FontMissing
from reports.filing import make_weekly
from reports.render import render_pdf
from storage import Store, open_store
from tests.conftest import _empty_store_url
from tests.reports.seed import OVERDUE_TITLE, SCRIPT_TITLE, WEEK, monday_after, seed_weeks


@pytest.fixture
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store = open_store(_empty_store_url("sqlite", request, tmp_path))
    try:
        seed_weeks(store)
        yield store
    finally:
        store.close()


def test_the_pdf_has_its_map_and_charts_and_its_chinese_reads_back(seeded: Store) -> None:
    report = make_weekly(seeded, week=WEEK, now=monday_after(WEEK), formats=("pdf",))
    assert report.pdf is not None and report.pdf.startswith(b"%PDF")
    pdf = pypdf.PdfReader(io.BytesIO(report.pdf))
    assert pdf.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4: 210 mm wide
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for words in ("社会治理形势分析报告", "2026-W48", "办结率", "热点分布", "违章停车", "东村", OVERDUE_TITLE):
        assert words in text, words
    # The map and the three charts: four distinct images (weasyprint lists every image in each page's resources).
    assert len({image.indirect_reference.idnum for page in pdf.pages for image in page.images}) == 4
    fonts = {str(font.get("/BaseFont")) for page in pdf.pages
             for font in (page["/Resources"].get("/Font") or {}).values() for font in [font.get_object()]}
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts


def test_the_html_escapes_a_case_title(seeded: Store) -> None:
    report = make_weekly(seeded, week=WEEK, now=monday_after(WEEK), formats=("html",), pdf_href="2026-W48.pdf")
    html = report.html or ""
    assert SCRIPT_TITLE not in html and "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;占道经营" in html
    assert html.count('src="data:image/png;base64,') == 4 and 'href="2026-W48.pdf"' in html


def test_the_figures_compare_with_the_week_before(seeded: Store) -> None:
    report = make_weekly(seeded, week=WEEK, now=monday_after(WEEK), formats=("html",))
    f = report.figures
    received = next(c for c in f.comparisons if c.key == "received")
    # 60 random cases a week; this week also has the Monday-midnight case and the two supervised ones.
    assert (received.value, received.previous) == (63, 60) and received.arrow == "↑"
    assert sum(d.received for d in f.trend) == 63 and f.trend[0].day == WEEK.monday
    assert [c.title for c in f.overdue] == [OVERDUE_TITLE] and [c.title for c in f.escalated] == [SCRIPT_TITLE]
    assert f.categories[0].name_zh and sum(c.count for c in f.categories) == 63
    assert f.heatmap.total == 63 and f.hot_spots and all(s.grid_name.endswith("村") for s in f.hot_spots)


def test_a_missing_chinese_font_is_a_clear_error(seeded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    charts.cjk_font_family.cache_clear()
    monkeypatch.setattr(charts.font_manager.fontManager, "ttflist", [])
    try:
        with pytest.raises(FontMissing, match="Noto Sans CJK: not found .* install fonts-noto-cjk"):
            make_weekly(seeded, week=WEEK, now=monday_after(WEEK), formats=("html",))
    finally:
        charts.cjk_font_family.cache_clear()


def test_the_pdf_fetches_nothing_but_inline_pictures(tmp_path: Path) -> None:
    picture = tmp_path / "secret.png"
    picture.write_bytes(charts._png(charts.Figure(figsize=(1, 1))))
    pdf = pypdf.PdfReader(io.BytesIO(render_pdf(f'<p>内联</p><img src="{picture.as_uri()}">'
                                                 f'<img src="{charts.data_url(picture.read_bytes())}">')))
    assert "内联" in pdf.pages[0].extract_text() and len(pdf.pages[0].images) == 1
