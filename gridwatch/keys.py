"""The token-signing key: from the settings, or a random one kept in the data folder."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta

from access.tokens import TokenPolicy
from gridwatch.settings import Settings

logger = logging.getLogger(__name__)

KEY_FILE = "secret.key"


def signing_key(settings: Settings) -> str:
    """Return GRIDWATCH_SECRET_KEY, or the key in data_dir/secret.key, creating it (mode 0600) when missing."""
    configured = settings.secret_key.get_secret_value()
    if configured:
        if len(configured) < 32:
            raise ValueError("GRIDWATCH_SECRET_KEY must be at least 32 characters")
        return configured
    path = settings.data_dir / KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    logger.info("created a token-signing key in %s", path)
    return key


def token_policy(settings: Settings) -> TokenPolicy:
    """Return the token lifetimes and key the settings ask for."""
    return TokenPolicy(secret=signing_key(settings), access_ttl=timedelta(minutes=settings.access_token_minutes),
                       idle_timeout=timedelta(minutes=settings.idle_timeout_minutes),
                       max_age=timedelta(hours=settings.session_max_hours))
