"""China's one time zone: the single definition every package imports."""

from __future__ import annotations

from datetime import timedelta, timezone

# China has kept UTC+8 all year since 1991; a fixed offset needs no tz database on the host and makes local
# midnight and office hours plain arithmetic.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
