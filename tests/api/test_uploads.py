"""What phones send is recognised by its bytes: HEIC photos, M4A and AMR voice notes, MP4 and MOV videos."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.uploads import detect, sniff
from storage import Store
from tests.api.conftest import POLICY, add_accounts, login
from tests.factories import make_case


def box(kind: bytes, payload: bytes = b"") -> bytes:
    """Return one ISO-BMFF box: 32-bit size, four-letter type, payload."""
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def ftyp(major: bytes, minor: int, *compatible: bytes) -> bytes:
    return box(b"ftyp", major + struct.pack(">I", minor) + b"".join(compatible))


def png() -> bytes:
    """Return a real 1×1 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


# The first bytes of each as phones write them (brands as an iPhone 15 and Android recorders write them).
PHONE_FILES: dict[str, tuple[bytes, str, str]] = {
    "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9",
                  "image/jpeg", ".jpg"),
    "screenshot.png": (png(), "image/png", ".png"),
    "IMG_0001.HEIC": (ftyp(b"heic", 0, b"mif1", b"heic") + box(b"meta", b"\x00" * 4 + box(b"hdlr", b"\x00" * 8 + b"pict")),
                      "image/heic", ".heic"),
    "voice.m4a": (ftyp(b"M4A ", 0, b"M4A ", b"mp42", b"isom") + box(b"mdat"), "audio/mp4", ".m4a"),
    "voice.amr": (b"#!AMR\n" + (b"\x3c" + b"\x00" * 31) * 5, "audio/amr", ".amr"),
    "clip.mp4": (ftyp(b"isom", 0x200, b"isom", b"iso2", b"avc1", b"mp41") + box(b"mdat"), "video/mp4", ".mp4"),
    "IMG_0002.MOV": (ftyp(b"qt  ", 0, b"qt  ") + box(b"wide") + box(b"mdat"), "video/quicktime", ".mov"),
}
REFUSED: dict[str, tuple[bytes, str]] = {
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    "anim.gif": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    "page.html": (b"\x00\x01 plain bytes of no format", "an unrecognised type"),
}


@pytest.mark.parametrize("name", PHONE_FILES)
def test_what_phones_send_is_accepted_as_its_real_type(name: str) -> None:
    data, content_type, ext = PHONE_FILES[name]
    assert sniff(data) == (content_type, ext)


@pytest.mark.parametrize("name", REFUSED)
def test_other_files_are_refused(name: str) -> None:
    data, detected = REFUSED[name]
    assert sniff(data) is None
    assert detect(data) == (None if detected.startswith("an ") else detected)


FFMPEG_MADE = {
    "clip.mp4": (["-f", "lavfi", "-i", "testsrc=size=32x32:rate=5", "-t", "0.4", "-pix_fmt", "yuv420p"], "video/mp4"),
    "clip.mov": (["-f", "lavfi", "-i", "testsrc=size=32x32:rate=5", "-t", "0.4", "-pix_fmt", "yuv420p"],
                 "video/quicktime"),
    "voice.m4a": (["-f", "lavfi", "-i", "sine=frequency=440:duration=0.3", "-c:a", "aac"], "audio/mp4"),
    # What MediaRecorder writes in Chromium (Opus in WebM) and Firefox (Opus in Ogg).
    "voice.webm": (["-f", "lavfi", "-i", "sine=frequency=440:duration=0.3", "-c:a", "libopus"], "video/webm"),
    "voice.ogg": (["-f", "lavfi", "-i", "sine=frequency=440:duration=0.3", "-c:a", "libopus"], "audio/ogg"),
    "photo.jpg": (["-f", "lavfi", "-i", "testsrc=size=32x32", "-frames:v", "1"], "image/jpeg"),
    "photo.png": (["-f", "lavfi", "-i", "testsrc=size=32x32", "-frames:v", "1"], "image/png"),
}


@pytest.mark.parametrize("name", FFMPEG_MADE)
def test_files_made_by_ffmpeg_are_recognised(name: str, tmp_path: Path) -> None:
    if shutil.which("ffmpeg") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("ffmpeg is missing (CI=true: .ci/run installs it)")
        pytest.skip("ffmpeg is not installed")
    args, content_type = FFMPEG_MADE[name]
    out = tmp_path / name
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args, str(out)], check=True, timeout=60)
    assert detect(out.read_bytes()) == content_type
    assert sniff(out.read_bytes()) is not None


def test_an_iphone_photo_is_stored_as_heic_and_a_pdf_is_refused_naming_its_type(store: Store,
                                                                                 tmp_path: Path) -> None:
    add_accounts(store)
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case())
    heic = PHONE_FILES["IMG_0001.HEIC"][0]
    with TestClient(create_app(store=store, token_policy=POLICY, data_dir=tmp_path)) as client:
        headers = login(client, "operator")
        url = f"/api/cases/{case.id}/attachments"
        stored = client.post(url, headers=headers, files={"file": ("IMG_0001.HEIC", heic, "video/mp4")})
        assert stored.status_code == 201, stored.text
        assert stored.json()["data"]["content_type"] == "image/heic" and stored.json()["data"]["ext"] == ".heic"
        sha = stored.json()["data"]["sha256"]
        got = client.get(f"{url}/{sha}", headers=headers)
        assert got.status_code == 200 and got.headers["content-type"] == "image/heic" and got.content == heic
        refused = client.post(url, headers=headers,
                              files={"file": ("photo.jpg", REFUSED["report.pdf"][0], "image/jpeg")})
        assert refused.status_code == 415
        assert refused.json()["detail"].startswith("file 'photo.jpg' is application/pdf, not an accepted type")
