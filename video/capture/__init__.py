"""Read frames from camera streams and files: the only package that imports OpenCV."""

from video.capture.grab import Capture, grab_frames
from video.capture.pool import capture_in_pool, probe_source, submit_probe

__all__ = ["Capture", "capture_in_pool", "grab_frames", "probe_source", "submit_probe"]
