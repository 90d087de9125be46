"""Real clips for the diagnosis tests, made with ffmpeg: a street-like scene, its healthy variants and each defect."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np

SIZE = "320x240"
RATE = 5
SECONDS = 2
PROBE_FRAMES = 8  # a probe reads this many frames

# A textured still background (a zoomed Mandelbrot: smooth and busy parts, like sky and streets) with a walking
# "person" and a passing "car", then light sensor noise. {pre} goes before the noise (what the scene or lens does),
# {post} after it (what the encoder or a tamper does to the whole picture).
_VIEW = "start_x=-0.7436:start_y=0.1318"
_BACKGROUND = (f"mandelbrot=s={SIZE}:r={RATE}:{{view}}:start_scale=0.02,"
               f"eq=saturation=0.35,trim=end_frame=1,loop=loop=-1:size=1,setpts=N/{RATE}/TB")
_STREET = ("[0][1]overlay=x='mod(t*50,320)':y=150[a];[a][2]overlay=x='320-mod(t*90,370)':y=190{crowd}"
           ",{pre}noise=alls=4:allf=t,{post}format=yuv420p")
_CROWD = ("[b];[b][3]overlay=x='40+mod(t*35,200)':y=60[c];[c][3]overlay=x='260-mod(t*45,220)':y=100"
          "[d];[d][2]overlay=x='mod(t*120,320)':y=20")

# name -> (what the diagnosis must say, extra ffmpeg arguments)
CLIPS: dict[str, tuple[str, dict[str, str]]] = {
    "street": ("ok", {}),
    "street_night": ("ok", {"pre": "eq=brightness=-0.22:contrast=0.75,", "post": "noise=alls=3:allf=t,"}),
    "street_crowd": ("ok", {"crowd": _CROWD}),
    "testsrc2": ("ok", {"source": f"testsrc2=s={SIZE}:r={RATE}"}),
    "no_signal": ("no_signal", {"source": f"color=c=black:s={SIZE}:r={RATE}"}),
    # The first picture looped; a refresh every 3 frames at a low quality leaves encoder noise between frames.
    "frozen": ("frozen", {"post": "trim=end_frame=1,loop=loop=-1:size=1,setpts=N/5/TB,", "gop": "3", "crf": "32"}),
    "blurred": ("blurred", {"pre": "gblur=sigma=4,"}),
    "dark": ("dark", {"pre": "eq=brightness=-0.5,"}),
    "bright": ("bright", {"pre": "eq=brightness=0.5,"}),
    "color_cast": ("color_cast", {"pre": "colorchannelmixer=rr=1:gg=0.55:bb=0.3,"}),
    "covered": ("covered", {"pre": "drawbox=x=0:y=0:w=320:h=204:color=0x6a5a50:t=fill,"}),
    # A bag over the lens in a dim place: the sensor's grain stays on the flat cover.
    "covered_grainy": ("covered", {"pre": "drawbox=x=0:y=0:w=320:h=204:color=0x6a5a50:t=fill,",
                                   "post": "noise=alls=12:allf=t,"}),
    "noisy": ("noisy", {"post": "noise=alls=60:allf=t,"}),
    "turned": ("scene_changed", {"pre": "hflip,vflip,"}),
    "panned": ("scene_changed", {"view": "start_x=-0.7460:start_y=0.1290"}),  # turned to look elsewhere
}


def make_clip(folder: Path, name: str) -> Path:
    """Encode one clip of CLIPS as H.264 in MP4 (lossy, so still pictures carry encoder noise)."""
    _, spec = CLIPS[name]
    path = folder / f"{name}.mp4"
    inputs = ["-f", "lavfi", "-i", _BACKGROUND.format(view=spec.get("view", _VIEW)),
              "-f", "lavfi", "-i", f"color=c=0x202830:s=14x36:r={RATE}",
              "-f", "lavfi", "-i", f"color=c=0xc0a040:s=50x24:r={RATE}",
              "-f", "lavfi", "-i", f"color=c=0x403020:s=16x40:r={RATE}"]
    if "source" in spec:
        graph = f"[0]{spec.get('pre', '')}{spec.get('post', '')}format=yuv420p"
        inputs = ["-f", "lavfi", "-i", spec["source"]]
    else:
        graph = _STREET.format(crowd=spec.get("crowd", ""), pre=spec.get("pre", ""), post=spec.get("post", ""))
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs, "-filter_complex", graph,
               "-t", str(SECONDS), "-c:v", "libx264", "-preset", "veryfast", "-crf", spec.get("crf", "23"),
               "-g", spec.get("gop", "10"), str(path)]
    subprocess.run(command, check=True, timeout=60)
    return path


def make_clips(folder: Path) -> dict[str, Path]:
    """Make every clip in CLIPS in the folder; return their paths by name."""
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is not installed; the diagnosis tests need it to make their clips")
    return {name: make_clip(folder, name) for name in CLIPS}


def read_frames(path: Path, count: int = PROBE_FRAMES, skip: int = 0) -> list[np.ndarray]:
    """Decode frames as a probe would (OpenCV, BGR uint8), after skipping the first few."""
    capture = cv2.VideoCapture(str(path))
    try:
        frames = []
        while len(frames) < count + skip:
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(frame)
        return frames[skip:]
    finally:
        capture.release()
