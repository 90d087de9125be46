"""Log lines say their time zone: Beijing time with +08:00, as the page shows, whatever the host's zone."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from rich.console import Console

from gridwatch.logs import PLAIN_FORMAT, ZonedFormatter, log_handler

# 08:05:09.123 UTC is 16:05:09.123 in Beijing.
MOMENT = datetime(2026, 11, 23, 8, 5, 9, 123000, tzinfo=UTC)


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Shanghai"])
def host_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test as on a host whose local zone is the parameter."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def _record(message: str = "ingest subscribed") -> logging.LogRecord:
    record = logging.LogRecord("gridwatch.runtime", logging.INFO, __file__, 1, message, None, None)
    record.created = MOMENT.timestamp()
    return record


def test_plain_lines_carry_iso_8601_beijing_time_with_its_offset(host_zone: str) -> None:
    line = ZonedFormatter(PLAIN_FORMAT).format(_record())
    assert line == "2026-11-23T16:05:09.123+08:00 INFO gridwatch.runtime: ingest subscribed"


def test_logs_off_a_terminal_are_plain_zoned_lines(host_zone: str) -> None:
    out = io.StringIO()
    handler = log_handler(Console(file=out, force_terminal=False))
    handler.emit(_record())
    assert out.getvalue() == "2026-11-23T16:05:09.123+08:00 INFO gridwatch.runtime: ingest subscribed\n"


def test_terminal_logs_show_beijing_time_with_its_offset(host_zone: str) -> None:
    out = io.StringIO()
    handler = log_handler(Console(file=out, force_terminal=True, width=160, color_system=None))
    handler.emit(_record())
    assert "2026-11-23 16:05:09+08:00" in out.getvalue() and "ingest subscribed" in out.getvalue()
