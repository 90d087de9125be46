"""The demo's camera pictures: short looping scenes and defect clips made once per data dir with ffmpeg.

Each scene is a folder of JPEG frames (what an MJPEG camera sends), so serving it is copying bytes: no decoder
runs at demo time. A textured still background (a zoomed Mandelbrot: smooth and busy parts, like sky and
streets) with moving blocks for cars, people or boats, plus light sensor noise. The defect clips are the same
street spoiled the way cameras are: frozen, black, out of focus, covered, in the dark.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 320, 240
FPS = 10
SECONDS = 12
DONE_MARKER = "scenes.done"  # written last: a folder without it was cut short and is made again
# What the marker holds: scenes made for another size, rate or length (an older demo) are made again.
_MADE_AS = f"{WIDTH}x{HEIGHT} {FPS} fps {SECONDS} s v1\n"

_SIZE = f"{WIDTH}x{HEIGHT}"
_BACKGROUND = (f"mandelbrot=s={_SIZE}:r={FPS}:start_x={{x}}:start_y={{y}}:start_scale=0.02,"
               f"eq=saturation=0.35,{{tint}}trim=end_frame=1,loop=loop=-1:size=1,setpts=N/{FPS}/TB")
_BLOCKS = [f"color=c=0x202830:s=14x36:r={FPS}",  # a person
           f"color=c=0xc0a040:s=50x24:r={FPS}",  # a car
           f"color=c=0x403020:s=16x40:r={FPS}"]  # another person
_TRAFFIC = ("[0][2]overlay=x='mod(t*60,370)-50':y=150[a];[a][2]overlay=x='320-mod(t*90,370)':y=190[b];"
            "[b][1]overlay=x='mod(t*30,320)':y=120")
_PEOPLE = ("[0][1]overlay=x='40+mod(t*35,200)':y=60[a];[a][3]overlay=x='260-mod(t*45,220)':y=100[b];"
           "[b][1]overlay=x='mod(t*25,320)':y=170[c];[c][3]overlay=x='300-mod(t*20,300)':y=140")
_WATER = ("[0][2]overlay=x='mod(t*20,370)-50':y=110[a];[a][1]overlay=x='300-mod(t*15,300)':y=60")
_NOISE = "noise=alls=4:allf=t"

# name -> (background view and tint, moving things, what is done to the picture before the noise, after it)
SCENES: dict[str, tuple[dict[str, str], str, str, str]] = {
    "traffic": ({"x": "-0.7436", "y": "0.1318", "tint": ""}, _TRAFFIC, "", ""),
    "people": ({"x": "-0.7460", "y": "0.1290", "tint": ""}, _PEOPLE, "", ""),
    "water": ({"x": "-0.7450", "y": "0.1300", "tint": "colorbalance=bs=0.15:bm=0.1,"}, _WATER, "", ""),
    # Defects: what the probe must find (see video.health.Health).
    "frozen": ({"x": "-0.7436", "y": "0.1318", "tint": ""}, _TRAFFIC, "",
               f"trim=end_frame=1,loop=loop=-1:size=1,setpts=N/{FPS}/TB,"),
    "no_signal": ({}, "", "", ""),
    "blurred": ({"x": "-0.7436", "y": "0.1318", "tint": ""}, _TRAFFIC, "gblur=sigma=5,", ""),
    "covered": ({"x": "-0.7460", "y": "0.1290", "tint": ""}, _PEOPLE,
                f"drawbox=x=0:y=0:w={WIDTH}:h=204:color=0x6a5a50:t=fill,", ""),
    "dark": ({"x": "-0.7460", "y": "0.1290", "tint": ""}, _PEOPLE, "eq=brightness=-0.5,", ""),
}
HEALTHY = ("traffic", "people", "water")
# Each defect clip is named after the status the probe must give it.
DEFECTS = ("frozen", "no_signal", "blurred", "covered", "dark")

Progress = Callable[[str], None]


def ffmpeg_path() -> str | None:
    """Return the ffmpeg executable, or None when it is not installed."""
    return shutil.which("ffmpeg")


def _command(ffmpeg: str, name: str, folder: Path) -> list[str]:
    view, moving, pre, post = SCENES[name]
    if not view:  # no signal: the encoder sends black
        inputs = ["-f", "lavfi", "-i", f"color=c=black:s={_SIZE}:r={FPS}"]
        graph = "[0]format=yuvj420p"
    else:
        inputs = ["-f", "lavfi", "-i", _BACKGROUND.format(**view)]
        for block in _BLOCKS:
            inputs += ["-f", "lavfi", "-i", block]
        graph = f"{moving},{pre}{_NOISE},{post}format=yuvj420p"
    return [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", *inputs, "-filter_complex", graph,
            "-t", str(SECONDS), "-q:v", "6", str(folder / "frame%04d.jpg")]


def ensure_scenes(root: Path, *, progress: Progress | None = None, ffmpeg: str | None = None) -> dict[str, Path]:
    """Make every scene's frames under root unless made before; return each scene's folder by name.

    Raise FileNotFoundError when ffmpeg is missing, subprocess.CalledProcessError when it fails.
    """
    folders = {name: root / name for name in SCENES}
    marker = root / DONE_MARKER
    if marker.exists() and marker.read_text() == _MADE_AS:
        return folders
    ffmpeg = ffmpeg or ffmpeg_path()
    if ffmpeg is None:
        raise FileNotFoundError("ffmpeg is not installed")
    began = time.monotonic()
    root.mkdir(parents=True, exist_ok=True)
    for name, folder in folders.items():
        if progress is not None:
            progress(f"making the demo's camera pictures: {name} ({list(SCENES).index(name) + 1}/{len(SCENES)})")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        subprocess.run(_command(ffmpeg, name, folder), check=True, timeout=120, capture_output=True)
    marker.write_text(_MADE_AS)
    logger.info("made %d demo scenes in %s in %.1f s", len(folders), root, time.monotonic() - began)
    return folders


def load_frames(folder: Path) -> list[bytes]:
    """Return a scene's JPEG frames in order."""
    return [path.read_bytes() for path in sorted(folder.glob("frame*.jpg"))]
