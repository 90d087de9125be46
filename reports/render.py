"""The weekly report as HTML (jinja2, autoescaped) and as PDF (weasyprint, A4, Chinese fonts)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from gis.zone import CHINA_TZ
from reports.charts import all_charts, cjk_font_family
from reports.figures import Comparison, WeeklyFigures

STATUS_NAMES = {"reported": "待受理", "accepted": "已受理", "routed": "已分派", "dispatched": "已派遣",
                "handling": "处置中", "fed_back": "已反馈", "verified": "已核查", "closed": "已办结",
                "evaluated": "已评价", "returned": "已退回", "rejected": "不予受理", "escalated": "上报市级",
                "merged": "已合并"}
LEVEL_NAMES = {1: "临期", 2: "超期", 3: "督办·平台负责人", 4: "督办·分管领导"}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _shown(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    return _percent(value) if percent else (f"{int(value)}" if float(value).is_integer() else _number(value))


def _delta(c: Comparison) -> str:
    delta = c.delta
    if delta is None:
        return "—"
    if c.percent:
        return f"{c.arrow} {delta * 100:+.1f} 个百分点 pp"
    return f"{c.arrow} {int(delta):+d}" if float(delta).is_integer() else f"{c.arrow} {delta:+.2f}"


def _time(value: datetime | None) -> str:
    return "—" if value is None else f"{value.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True))
    env.filters.update(percent=_percent, number=_number, value=lambda c: _shown(c.value, c.percent),
                       previous_value=lambda c: _shown(c.previous, c.percent), delta=_delta, time=_time,
                       status=lambda s: STATUS_NAMES.get(s, s), level=lambda n: LEVEL_NAMES.get(n, str(n)))
    return env


def render_html(figures: WeeklyFigures, *, pdf_href: str | None = None) -> str:
    """Return the report as one self-contained HTML page (pictures inline); pdf_href links its PDF when given."""
    week = figures.week
    return _environment().get_template("weekly.html.j2").render(
        f=figures, week=week, charts=all_charts(figures), font=cjk_font_family(), pdf_href=pdf_href,
        since=f"{week.since:%Y-%m-%d}", until=f"{week.days()[-1]:%Y-%m-%d}",
        previous=week.previous().label)


def render_pdf(html: str) -> bytes:
    """Return the report's HTML laid out on A4 pages as PDF bytes."""
    # Imported here: weasyprint loads Pango through cffi, which only the renders need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The page carries its pictures inline: any other URL (a file, the server's network) is refused, not fetched.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)).write_pdf()
