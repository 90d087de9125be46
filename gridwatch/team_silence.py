"""The silent-team check: teams whose phones stopped reporting are marked so, on the clock, not on messages."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from cases.use_cases import mark_silent_teams_and_announce
from storage import Store

logger = logging.getLogger(__name__)


def check_team_silence(store: Store, *, silent_after: timedelta, now: datetime) -> str:
    """Mark silent (and announce once) every team on duty not heard from for silent_after; return what it did."""
    with store.unit_of_work() as uow:
        silent = mark_silent_teams_and_announce(uow, silent_after=silent_after, now=now)
    if silent:
        logger.info("teams silent for %s: %s", silent_after, ", ".join(t.id for t in silent))
    return f"{len(silent)} teams fell silent" + (f": {', '.join(t.id for t in silent[:20])}" if silent else "")
