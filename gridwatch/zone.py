"""Beijing time, as people in the command room read it: the page, the CLI's tables and the logs agree."""

from __future__ import annotations

from datetime import datetime

from gis.zone import CHINA_TZ

BEIJING = CHINA_TZ  # the one definition lives in gis, which every package may import


def beijing_time(moment: datetime) -> str:
    """Return an aware time as Beijing wall time with its offset: 2026-11-23 16:05:09+08:00."""
    return moment.astimezone(BEIJING).isoformat(sep=" ", timespec="seconds")
