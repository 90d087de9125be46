"""The video package's one error class."""

from __future__ import annotations


class VideoError(ValueError):
    """A camera's record or stream address is refused; the message names the field and where it came from."""


class StreamUnavailable(VideoError):
    """A camera's stream cannot be relayed now: it gave no frame, or the guard refuses its address."""
