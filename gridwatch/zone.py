"""Beijing time, as people in the command room read it: the page, the CLI's tables and the logs agree."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# China has kept UTC+8 all year since 1991; a fixed offset needs no tz database on the host.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def beijing_time(moment: datetime) -> str:
    """Return an aware time as Beijing wall time with its offset: 2026-11-23 16:05:09+08:00."""
    return moment.astimezone(BEIJING).isoformat(sep=" ", timespec="seconds")
