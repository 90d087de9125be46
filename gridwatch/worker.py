"""`gridwatch worker`: the jobs run once per period in the whole deployment (retention, camera probes) and the pool."""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import ExitStack
from types import FrameType

from gridwatch.dispatch_offers import configure_dispatch
from gridwatch.jobs_wiring import start_worker_runtime
from gridwatch.runtime import Core, open_migrated_store
from gridwatch.settings import Settings

logger = logging.getLogger(__name__)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_worker(settings: Settings) -> None:
    """Run the scheduler and the worker pool against the configured store until Ctrl-C or SIGTERM."""
    # `docker compose stop` sends SIGTERM: stop as on Ctrl-C, letting the runs in flight record how they ended.
    signal.signal(signal.SIGTERM, _interrupt)
    with ExitStack() as stack:
        core = Core(store=open_migrated_store(settings.effective_store_url), case_clock=settings.calendar.case_clock())
        stack.callback(core.store.close)
        configure_dispatch(core.locator, settings)  # the lapsed-offers job offers the next team by road time
        # The worker serves no lookups, so it keeps no indexes to refresh.
        runtime = start_worker_runtime(core.store, core.locator, settings, label="worker", retention=True,
                                       index_refresh=False, pool=True, camera_probes=True, team_silence=True,
                                       case_clock=core.case_clock)
        stack.callback(runtime.close)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            logger.info("stopping")
