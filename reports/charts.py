"""The report's pictures, drawn on the server with matplotlib: charts by category, day and area, the hot-spot map.

Figures are made with matplotlib.figure.Figure (no pyplot): no global figure registry, so renders in two threads
do not meet. Every picture is PNG bytes; the page embeds them as data: URLs.
"""

from __future__ import annotations

import base64
import io
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before anything draws

from matplotlib import font_manager, patheffects, rc_context  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from shapely.geometry.base import BaseGeometry  # noqa: E402

from reports.errors import FontMissing  # noqa: E402
from reports.figures import WeeklyFigures  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC")
DPI = 110
# rc_context sets matplotlib's global rcParams and restores them on exit: one drawing at a time, or a render
# ending in one thread would take the Chinese font away from a chart being drawn in another.
_DRAWING = threading.Lock()
_THIS, _BEFORE, _CLOSED = "#2f7bd8", "#b8c4d6", "#3aa66a"


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """Return the family name of an installed Noto Sans CJK face, or raise FontMissing saying what to install."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise FontMissing("font Noto Sans CJK: not found by matplotlib.font_manager; install fonts-noto-cjk "
                      "(apt-get install fonts-noto-cjk) so the report's Chinese renders")


@contextmanager
def _style() -> Iterator[None]:
    with _DRAWING, rc_context({"font.family": [cjk_font_family(), "DejaVu Sans"], "font.size": 9,
                     "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none"}):
        yield


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def data_url(png: bytes) -> str:
    """Return PNG bytes as a data: URL for an <img>."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _empty(ax: object, text: str = "本周无数据 no data this week") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666")  # type: ignore[attr-defined]
    ax.set_axis_off()  # type: ignore[attr-defined]


def category_chart(figures: WeeklyFigures) -> bytes:
    """Return a bar chart of the top categories, this week beside the week before."""
    with _style():
        rows = list(reversed(figures.categories))
        figure = Figure(figsize=(7.0, 0.32 * max(len(rows), 4) + 0.8))
        ax = figure.add_subplot()
        if not rows:
            _empty(ax)
            return _png(figure)
        ys = range(len(rows))
        ax.barh([y + 0.2 for y in ys], [r.previous for r in rows], height=0.38, color=_BEFORE, label="上周 last week")
        ax.barh([y - 0.2 for y in ys], [r.count for r in rows], height=0.38, color=_THIS, label="本周 this week")
        ax.set_yticks(list(ys), [r.name_zh for r in rows])
        ax.set_xlabel("受理数 cases received")
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False)
        return _png(figure)


def trend_chart(figures: WeeklyFigures) -> bytes:
    """Return the received and closed cases of each day of the week."""
    with _style():
        figure = Figure(figsize=(7.0, 2.6))
        ax = figure.add_subplot()
        days = [f"{d:%m-%d}\n{'一二三四五六日'[d.weekday()]}" for d in (r.day for r in figures.trend)]
        xs = range(len(days))
        ax.bar([x - 0.2 for x in xs], [r.received for r in figures.trend], width=0.4, color=_THIS,
               label="受理 received")
        ax.bar([x + 0.2 for x in xs], [r.closed for r in figures.trend], width=0.4, color=_CLOSED,
               label="已办结 closed")
        ax.set_xticks(list(xs), days)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False)
        return _png(figure)


def area_chart(figures: WeeklyFigures, *, top: int = 15) -> bytes:
    """Return the received and closed cases of the busiest grids of the report's level."""
    with _style():
        rows = sorted((r for r in figures.by_grid if r.row.group), key=lambda r: -r.row.received)[:top]
        rows.reverse()
        figure = Figure(figsize=(7.0, 0.3 * max(len(rows), 4) + 0.8))
        ax = figure.add_subplot()
        if not rows:
            _empty(ax)
            return _png(figure)
        ys = range(len(rows))
        ax.barh(list(ys), [r.row.received for r in rows], color=_THIS, label="受理 received")
        ax.barh(list(ys), [r.row.closed for r in rows], height=0.4, color=_CLOSED, label="已办结 closed")
        ax.set_yticks(list(ys), [r.name or r.row.group for r in rows])
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False)
        return _png(figure)


def _rings(geometry: BaseGeometry) -> list[list[tuple[float, float]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    return [list(p.exterior.coords) for p in polygons if hasattr(p, "exterior")]


def hot_spot_map(figures: WeeklyFigures) -> bytes:
    """Return the map of hot spots: the active grids, level 1 and 2 outlined and named, bins as graduated circles."""
    with _style():
        figure = Figure(figsize=(7.0, 6.0))
        ax = figure.add_subplot()
        grids = figures.grids
        if not grids:
            _empty(ax, "无网格 no grids loaded")
            return _png(figure)
        styles = {1: ("#1f2d3d", 1.6), 2: ("#51657d", 0.9)}
        fine = [ring for g in grids if g.level > 2 for ring in _rings(g.geometry)]
        ax.add_collection(LineCollection(fine, colors="#c9d2dc", linewidths=0.3))
        for level in (2, 1):
            colour, width = styles[level]
            rings = [ring for g in grids if g.level == level for ring in _rings(g.geometry)]
            ax.add_collection(LineCollection(rings, colors=colour, linewidths=width))
        for g in grids:
            if g.level <= 2:
                spot = g.geometry.representative_point()
                ax.text(spot.x, spot.y, g.name, ha="center", va="center", color=styles[g.level][0],
                        fontsize=9 if g.level == 1 else 6.5, zorder=4,
                        path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])
        bins = figures.heatmap.bins
        if bins:
            peak = max(b.count for b in bins)
            # Area proportional to the count: a circle twice as big holds twice the cases.
            ax.scatter([b.lon for b in bins], [b.lat for b in bins], s=[12 + 400 * b.count / peak for b in bins],
                       c="#d9412b", alpha=0.45, edgecolors="#8c1d0f", linewidths=0.4, zorder=3)
            for n in sorted({1, max(1, peak // 2), peak}):
                ax.scatter([], [], s=12 + 400 * n / peak, c="#d9412b", alpha=0.45, edgecolors="#8c1d0f",
                           label=f"{n} 件 cases")
            ax.legend(loc="lower left", bbox_to_anchor=(1.01, 0.0), frameon=False, fontsize=7, labelspacing=1.6,
                      borderpad=0.8)
        min_x = min(g.geometry.bounds[0] for g in grids)
        min_y = min(g.geometry.bounds[1] for g in grids)
        max_x = max(g.geometry.bounds[2] for g in grids)
        max_y = max(g.geometry.bounds[3] for g in grids)
        ax.set_xlim(min_x, max_x)
        ax.set_ylim(min_y, max_y)
        # Degrees of longitude shrink with latitude: this keeps the town's shape true.
        ax.set_aspect(1 / math.cos(math.radians((min_y + max_y) / 2)))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"热点分布 hot spots ({len(bins)} 处, {figures.heatmap.total} 件)", fontsize=10)
        return _png(figure)


def all_charts(figures: WeeklyFigures) -> dict[str, str]:
    """Return every picture of the report as a data: URL, by name."""
    return {"map": data_url(hot_spot_map(figures)), "categories": data_url(category_chart(figures)),
            "trend": data_url(trend_chart(figures)), "areas": data_url(area_chart(figures))}

