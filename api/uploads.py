"""Check an upload's size and real type (by its bytes, with `filetype`, not by its name or declared type)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filetype
from fastapi import UploadFile

from cases.errors import CaseError
from cases.models import Case, CaseEvent
from cases.repository import CaseRepository

CHUNK = 64 * 1024
# filetype looks at most this far into a file.
HEAD_BYTES = 8192
# What grid staff phones send: photos (iPhones save HEIC), voice notes (M4A from iPhones, AMR from many
# Android recorders) and short videos (MP4; iPhones record QuickTime MOV). Detected type -> stored extension.
ACCEPTED: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "audio/mp4": ".m4a",
    "audio/amr": ".amr",
    # What browsers record (MediaRecorder): Chromium and Firefox write Opus in WebM (filetype reads any WebM as
    # video/webm) or in Ogg; Safari writes MP4 (audio/mp4 above).
    "video/webm": ".webm",
    "audio/ogg": ".ogg",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}


ATTACH = "attach"  # the case event that records a stored file (api.routes.attachments serves it)


class UploadTooLarge(CaseError):
    """An upload over the size limit (413)."""


class UploadTypeRefused(CaseError):
    """An upload whose bytes are not of an accepted type (415)."""


def detect(head: bytes) -> str | None:
    """Return the content type the bytes are of, accepted or not, or None when no known type matches."""
    kind = filetype.guess(head[:HEAD_BYTES])
    return None if kind is None else kind.mime


def sniff(head: bytes) -> tuple[str, str] | None:
    """Return (content type, extension) of the bytes, or None when they are not of an accepted type."""
    content_type = detect(head)
    return (content_type, ACCEPTED[content_type]) if content_type in ACCEPTED else None


async def read_checked(upload: UploadFile, *, max_bytes: int) -> tuple[bytes, str, str]:
    """Read an upload, refusing it past max_bytes or when it is not an accepted type; return data, type, extension."""
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise UploadTooLarge(f"file {upload.filename!r}: larger than {max_bytes // (1024 * 1024)} MB")
    head = bytes(data[:HEAD_BYTES])
    kind = sniff(head)
    if kind is None:
        detected = detect(head) or "of an unrecognised type"
        accepted = ", ".join(ACCEPTED)
        raise UploadTypeRefused(f"file {upload.filename!r} is {detected}, not an accepted type ({accepted})")
    return bytes(data), *kind


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An upload read and checked: its bytes, real type, extension and the name the client gave."""

    data: bytes
    content_type: str
    ext: str
    filename: str = ""


async def read_checked_file(upload: UploadFile, *, max_bytes: int) -> CheckedFile:
    """Read and check an upload (read_checked) and keep it with its name."""
    data, content_type, ext = await read_checked(upload, max_bytes=max_bytes)
    return CheckedFile(data, content_type, ext, (upload.filename or "")[:200])


def attachment_path(attachments_dir: Path, case_id: int, file: CheckedFile) -> Path:
    """Return where a checked file of a case is kept: the case's folder, named by the content's SHA-256."""
    return attachments_dir / str(case_id) / f"{hashlib.sha256(file.data).hexdigest()}{file.ext}"


def discard_attachments(attachments_dir: Path, case_id: int, files: Sequence[CheckedFile]) -> None:
    """Remove the files written for a case whose unit of work failed (the case and its events were never stored)."""
    for file in files:
        attachment_path(attachments_dir, case_id, file).unlink(missing_ok=True)
    try:
        (attachments_dir / str(case_id)).rmdir()
    except OSError:
        pass  # not empty (another request's files) or never made: leave it


def store_attachment(cases: CaseRepository, *, attachments_dir: Path, case: Case, file: CheckedFile, actor: str,
                     at: datetime, role: str = "") -> CaseEvent:
    """Write a checked file under the case's folder by its content hash and log it as the case's 'attach' event."""
    sha256 = hashlib.sha256(file.data).hexdigest()
    path = attachment_path(attachments_dir, case.id, file)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(file.data)
    return cases.append_event(CaseEvent(
        case_id=case.id, action=ATTACH, actor=actor, at=at, from_status=case.status,  # type: ignore[arg-type]
        to_status=case.status, role=role, data={"sha256": sha256, "content_type": file.content_type,
                                                "size": len(file.data), "filename": file.filename, "ext": file.ext}))
