"""Read frames from camera streams and files: the only package that imports OpenCV."""

from video.capture.grab import Capture, grab_frames
from video.capture.pool import capture_in_pool, probe_source, submit_probe
from video.capture.stream import decode_jpeg, encode_jpeg, relay_stream

__all__ = ["Capture", "capture_in_pool", "decode_jpeg", "encode_jpeg", "grab_frames", "probe_source",
           "relay_stream", "submit_probe"]
