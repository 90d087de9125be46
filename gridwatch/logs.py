"""Logging for the command: every time stamp says its zone (Beijing time, +08:00, as on the page)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from gridwatch.zone import BEIJING

# One line per record for log collectors (docker, journald): ISO 8601 time with offset, level, logger, message.
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("amqtt", "transitions", "uvicorn.error", "sse_starlette")


def log_timestamp(moment: datetime) -> str:
    """Return an aware time as ISO 8601 Beijing time with milliseconds and offset: 2026-11-23T16:05:09.123+08:00."""
    return moment.astimezone(BEIJING).isoformat(timespec="milliseconds")


class ZonedFormatter(logging.Formatter):
    """A formatter whose %(asctime)s is ISO 8601 Beijing time with its +08:00 offset, whatever the host's zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        """Return the record's time as log_timestamp does."""
        return log_timestamp(datetime.fromtimestamp(record.created, UTC))


def _rich_time(local: datetime) -> Text:
    # RichHandler hands over the host's naive local time; astimezone() reads it as such.
    return Text(local.astimezone(BEIJING).isoformat(sep=" ", timespec="seconds"))


def log_handler(console: Console) -> logging.Handler:
    """Return a handler for the terminal through Rich, or of plain zoned lines when output is not a terminal."""
    if console.is_terminal:
        handler: logging.Handler = RichHandler(console=console, show_path=False, rich_tracebacks=True,
                                               log_time_format=_rich_time)
        handler.setFormatter(logging.Formatter("%(message)s"))
        return handler
    handler = logging.StreamHandler(console.file)
    handler.setFormatter(ZonedFormatter(PLAIN_FORMAT))
    return handler


def configure_logging(*, verbose: bool, console: Console) -> None:
    """Send the program's logs to the console's output, each line saying its time zone."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[log_handler(console)])
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
