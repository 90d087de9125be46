"""The report package's errors: one base class, which the API maps to 422."""

from __future__ import annotations


class ReportError(Exception):
    """A report that cannot be made as asked; the message says what and where."""


class WeekError(ReportError):
    """A week that is not YYYY-Www (ISO week) or `current`, or names no real week."""


class FontMissing(ReportError):
    """The Chinese font the charts and the PDF need is not installed (Debian: fonts-noto-cjk)."""
