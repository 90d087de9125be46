"""Diagnosis of real clips made with ffmpeg and decoded with OpenCV, as a probe would read them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.video.diagnosis_clips import CLIPS, PROBE_FRAMES, make_clips, read_frames
from video.diagnosis import Baseline, Diagnosis, DiagnosisError, Thresholds, diagnose
from video.health import Health

MEASURES = {"frames", "luma_mean", "luma_std", "sharpness", "focus", "noise_sigma", "flat_share", "chroma_offset",
            "color_cast", "change_mean", "motion"}


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_clips(tmp_path_factory.mktemp("diagnosis-clips"))


@pytest.fixture(scope="session")
def street_reference(clips: dict[str, Path]) -> np.ndarray:
    return read_frames(clips["street"], 1)[0]


def probe(clips: dict[str, Path], name: str) -> list[np.ndarray]:
    frames = read_frames(clips[name], PROBE_FRAMES, skip=2)
    assert len(frames) == PROBE_FRAMES, f"{name}: decoded {len(frames)} frames"
    return frames


def reference_for(clips: dict[str, Path], name: str, street_reference: np.ndarray) -> np.ndarray:
    # The street clips are one camera; a clip from another source is its own camera with its own reference.
    return read_frames(clips[name], 1)[0] if "source" in CLIPS[name][1] else street_reference


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_each_clip_gets_its_status_against_its_reference(name: str, clips: dict[str, Path],
                                                         street_reference: np.ndarray) -> None:
    result = diagnose(probe(clips, name), reference=reference_for(clips, name, street_reference))
    assert result.status == Health(CLIPS[name][0]), result.detail
    assert result.frame_index == PROBE_FRAMES - 1
    assert result.detail.startswith(f"{result.status.value}: ")
    assert MEASURES | {"scene_similarity"} <= set(result.measures)
    assert all(np.isfinite(value) for value in result.measures.values())


@pytest.mark.parametrize("name", sorted(name for name in CLIPS if "source" not in CLIPS[name][1]))
def test_street_camera_with_its_healthy_baseline_gets_the_same_status(name: str, clips: dict[str, Path],
                                                                      street_reference: np.ndarray) -> None:
    baseline = Baseline.learn(probe(clips, "street"))
    result = diagnose(probe(clips, name), baseline=baseline, reference=street_reference)
    assert result.status == Health(CLIPS[name][0]), result.detail
    assert result.measures["baseline_focus"] == baseline.focus


def test_blur_is_judged_against_the_cameras_own_focus(clips: dict[str, Path]) -> None:
    soft = probe(clips, "blurred")
    sharp_camera = Baseline.from_measures(diagnose(probe(clips, "street")).measures)
    soft_camera = Baseline.learn(soft)  # a camera whose healthy picture is this soft

    assert diagnose(soft, baseline=sharp_camera).status is Health.BLURRED
    assert diagnose(soft, baseline=soft_camera).status is Health.OK


def test_people_and_cars_moving_through_do_not_change_the_scene(clips: dict[str, Path],
                                                                 street_reference: np.ndarray) -> None:
    result = diagnose(probe(clips, "street_crowd"), reference=street_reference)
    assert result.status is Health.OK
    assert result.measures["scene_similarity"] > 0.8


def test_night_picture_still_matches_the_day_reference(clips: dict[str, Path], street_reference: np.ndarray) -> None:
    result = diagnose(probe(clips, "street_night"), reference=street_reference)
    assert result.measures["luma_mean"] < 90
    assert result.measures["scene_similarity"] > 0.8


def test_no_frame_is_offline() -> None:
    assert diagnose([]) == Diagnosis(Health.OFFLINE, {"frames": 0.0}, None, "offline: no frame could be read")


def test_one_frame_cannot_be_judged_frozen(clips: dict[str, Path]) -> None:
    result = diagnose(probe(clips, "frozen")[:1])
    assert result.status is Health.OK
    assert "motion" not in result.measures


def test_the_order_puts_no_signal_before_frozen_and_covered_before_color_cast(clips: dict[str, Path]) -> None:
    black = diagnose(probe(clips, "no_signal"))
    assert black.measures["motion"] < Thresholds().frozen_motion  # frozen too, but no_signal comes first
    covered = diagnose(probe(clips, "covered"))
    assert covered.status is Health.COVERED
    assert covered.measures["color_cast"] >= Thresholds().cast_ratio  # a cast too, but covered comes first


def test_camera_overrides_change_the_judgement(clips: dict[str, Path]) -> None:
    night = probe(clips, "street_night")
    assert diagnose(night).status is Health.OK
    strict = Thresholds().with_overrides({"dark_luma": 90})
    result = diagnose(night, thresholds=strict)
    assert result.status is Health.DARK
    assert "< 90" in result.detail


def test_overrides_refuse_unknown_names_and_bad_values() -> None:
    with pytest.raises(DiagnosisError, match=r"camera cam-7: unknown threshold\(s\) 'darkness'.*known: .*dark_luma"):
        Thresholds().with_overrides({"darkness": 10}, where="camera cam-7")
    with pytest.raises(DiagnosisError, match="'dark_luma' must be a number"):
        Thresholds().with_overrides({"dark_luma": "dim"})
    with pytest.raises(DiagnosisError, match="'noise_sigma' must be a finite number >= 0"):
        Thresholds().with_overrides({"noise_sigma": float("nan")})


def test_frames_that_are_not_bgr_uint8_are_refused_naming_the_frame() -> None:
    good = np.zeros((48, 64, 3), np.uint8)
    with pytest.raises(DiagnosisError, match="frame 1: expected a BGR uint8 array"):
        diagnose([good, np.zeros((48, 64), np.uint8)])
    with pytest.raises(DiagnosisError, match=r"frame 1: size \(24, 64\) differs"):
        diagnose([good, np.zeros((24, 64, 3), np.uint8)])


def test_a_reference_of_another_size_is_compared_on_the_same_grid(clips: dict[str, Path],
                                                                   street_reference: np.ndarray) -> None:
    doubled = street_reference.repeat(2, axis=0).repeat(2, axis=1)  # the camera now streams 640x480
    result = diagnose(probe(clips, "street"), reference=doubled)
    assert result.status is Health.OK, result.detail


def test_settings_default_to_the_thresholds_and_read_gridwatch_video_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from gridwatch.settings import VideoDiagnosisSettings

    assert VideoDiagnosisSettings(_env_file=None).thresholds() == Thresholds()
    monkeypatch.setenv("GRIDWATCH_VIDEO_DARK_LUMA", "55")
    assert VideoDiagnosisSettings(_env_file=None).thresholds().dark_luma == 55.0
