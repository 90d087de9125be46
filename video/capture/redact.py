"""Take credentials out of stream URLs before any of them reaches a message or a log."""

from __future__ import annotations

import re

# scheme://user:pass@host or scheme://user@host: everything between "//" and the last "@" before the path
# (a password may hold an unescaped "@").
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s?#]*)@")


def redact_url(text: str) -> str:
    """Return the text with the user and password of every URL in it replaced by ***."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}***@", text)
