"""Video quality diagnosis (视频质量诊断) of a probe's frames, in numpy only (OpenCV stays in video/capture)."""

from video.diagnosis.judge import Diagnosis, diagnose
from video.diagnosis.thresholds import Baseline, DiagnosisError, Thresholds

__all__ = ["Baseline", "Diagnosis", "DiagnosisError", "Thresholds", "diagnose"]
