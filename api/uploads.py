"""Check an upload's size and real type (by its first bytes, not its name or declared type)."""

from __future__ import annotations

from fastapi import UploadFile

from cases.errors import CaseError

CHUNK = 64 * 1024
# Photos, voice notes and short videos from grid staff phones.
SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"WEBP", 8, "image/webp", ".webp"),
    (b"ftyp", 4, "video/mp4", ".mp4"),
    (b"#!AMR", 0, "audio/amr", ".amr"),
    (b"ID3", 0, "audio/mpeg", ".mp3"),
)


class UploadTooLarge(CaseError):
    """An upload over the size limit (413)."""


class UploadTypeRefused(CaseError):
    """An upload whose bytes are not of an accepted type (415)."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """Return (content type, extension) of the bytes, or None when no accepted type matches."""
    for magic, offset, content_type, ext in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return content_type, ext
    return None


async def read_checked(upload: UploadFile, *, max_bytes: int) -> tuple[bytes, str, str]:
    """Read an upload, refusing it past max_bytes or when it is not an accepted type; return data, type, extension."""
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise UploadTooLarge(f"file {upload.filename!r}: larger than {max_bytes // (1024 * 1024)} MB")
    kind = sniff(bytes(data[:16]))
    if kind is None:
        accepted = ", ".join(sorted({t for _, _, t, _ in SIGNATURES}))
        raise UploadTypeRefused(f"file {upload.filename!r}: not an accepted type ({accepted})")
    return bytes(data), *kind
