"""The signature both sides put on a message: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from cases.handoff.errors import BadSignature

SIGNATURE_HEADER = "X-Gridwatch-Signature"
TIMESTAMP_HEADER = "X-Gridwatch-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEME = "sha256="


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the header value: sha256=<hex HMAC-SHA256 of b"<timestamp>." + body under secret>."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def signed_headers(secret: str, body: bytes, *, now: datetime) -> dict[str, str]:
    """Return the timestamp and signature headers of a body sent at now (Unix seconds)."""
    timestamp = int(now.timestamp())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(secret: str, body: bytes, *, timestamp: str | None, signed: str | None, now: datetime,
           window: timedelta) -> None:
    """Raise BadSignature naming the header unless the body is signed with secret at a time within window of now."""
    if not secret:
        raise BadSignature("city hand-off: no shared secret is configured (GRIDWATCH_CITY_SECRET); nothing is accepted")
    if not timestamp or not signed:
        missing = TIMESTAMP_HEADER if not timestamp else SIGNATURE_HEADER
        raise BadSignature(f"header '{missing}': missing")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise BadSignature(f"header '{TIMESTAMP_HEADER}': Unix seconds expected")
    # Compared before the time, so a bad signature never says whether its timestamp would have passed.
    if not hmac.compare_digest(signature(secret, int(timestamp), body), signed.strip()):
        raise BadSignature(f"header '{SIGNATURE_HEADER}': does not match the body and timestamp")
    skew = abs(now.timestamp() - int(timestamp))
    if skew > window.total_seconds():
        raise BadSignature(f"header '{TIMESTAMP_HEADER}': {skew:.0f} s from the server's time, more than the "
                           f"{window.total_seconds():.0f} s allowed")
