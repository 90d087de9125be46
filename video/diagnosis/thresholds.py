"""The limits a diagnosis judges against, and a camera's own healthy baseline."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from video.diagnosis.measures import focus_of
from video.errors import VideoError


class DiagnosisError(VideoError):
    """A diagnosis was asked with bad input; the message names the field or frame at fault."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits of a healthy picture; luma values are 0..255, shares 0..1, changes in luma levels."""

    no_signal_flat_share: float = 0.97  # at least this share of the frame one flat region: no picture at all
    covered_flat_share: float = 0.70  # at least this share one flat region: lens covered or occluded
    flat_block_std: float = 2.0  # a block whose luma std is below this (or below the noise) is flat
    dark_luma: float = 40.0  # mean luma below this: too dark
    bright_luma: float = 215.0  # mean luma above this: too bright
    frozen_motion: float = 12.0  # no 8x8 block mean moves more than this between frames: frozen
    blur_ratio: float = 0.35  # focus below this share of the camera's healthy focus: blurred
    blur_floor: float = 0.03  # without a baseline, focus below this absolute floor: blurred
    cast_chroma: float = 22.0  # mean chroma offset from grey at least this ...
    cast_ratio: float = 1.2  # ... and this many times the picture's own chroma spread: colour cast
    noise_sigma: float = 12.0  # estimated noise std above this: noisy
    scene_similarity: float = 0.45  # edge-map correlation with the reference below this: scene changed

    def with_overrides(self, overrides: Mapping[str, float], *, where: str = "overrides") -> Thresholds:
        """Return these thresholds with a camera's own values; refuse names or values that are not thresholds."""
        known = {field.name for field in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise DiagnosisError(f"{where}: unknown threshold(s) {', '.join(map(repr, unknown))}; "
                                 f"known: {', '.join(sorted(known))}")
        values: dict[str, float] = {}
        for name, value in overrides.items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise DiagnosisError(f"{where}: threshold {name!r} must be a number, got {value!r}") from None
            if not math.isfinite(number) or number < 0:
                raise DiagnosisError(f"{where}: threshold {name!r} must be a finite number >= 0, got {value!r}")
            values[name] = number
        return replace(self, **values)


@dataclass(frozen=True, slots=True)
class Baseline:
    """What this camera's picture looks like when healthy: its focus, so blur is judged against itself."""

    focus: float

    @classmethod
    def learn(cls, frames: Sequence[np.ndarray] | np.ndarray) -> Baseline:
        """Learn the baseline from frames of a healthy probe (the median focus over them)."""
        single = isinstance(frames, np.ndarray) and frames.ndim == 3
        values = sorted(focus_of(frame) for frame in ([frames] if single else frames))
        if not values:
            raise DiagnosisError("Baseline.learn: no frames to learn from")
        return cls(focus=values[len(values) // 2])

    @classmethod
    def from_measures(cls, measures: Mapping[str, float]) -> Baseline:
        """Take the baseline from a healthy diagnosis's measures."""
        if "focus" not in measures:
            raise DiagnosisError("Baseline.from_measures: the measures have no 'focus'")
        return cls(focus=float(measures["focus"]))

