"""What a probe can say of a camera's picture: the statuses of video quality diagnosis (视频质量诊断)."""

from __future__ import annotations

from enum import StrEnum


class Health(StrEnum):
    """A camera's health as its last probe found it; every value but OK is a fault an operator must see."""

    OK = "ok"
    OFFLINE = "offline"  # the stream cannot be opened or read in time
    NO_SIGNAL = "no_signal"  # black or one flat colour: the encoder runs, the sensor sends nothing
    FROZEN = "frozen"  # no change across frames beyond encoder noise
    BLURRED = "blurred"  # focus well below the camera's own healthy baseline
    DARK = "dark"
    BRIGHT = "bright"
    COLOR_CAST = "color_cast"
    COVERED = "covered"  # most of the frame is one flat region: a lens cap, a bag, spray paint
    NOISY = "noisy"
    SCENE_CHANGED = "scene_changed"  # the camera was turned away from its reference view

    @property
    def is_fault(self) -> bool:
        """Return whether the status needs attention."""
        return self is not Health.OK
