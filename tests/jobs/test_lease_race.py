"""Two OS processes racing for the same periods: each period's run happens exactly once, on every backend."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import open_store
from tests.jobs.racer import race

PERIODS = 20
START = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def test_two_processes_never_run_the_same_job_in_one_period(store_url: str, tmp_path: Path) -> None:
    # A period start, and a second later a retry in the same period, as a tick each second would.
    starts = [START + timedelta(minutes=p, seconds=s) for p in range(PERIODS) for s in (0, 1)]
    record = tmp_path / "runs.log"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    racers = [context.Process(target=race, args=(store_url, f"racer@{i}", starts, barrier, str(record)))
              for i in (1, 2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(120)
    assert [r.exitcode for r in racers] == [0, 0]

    runs = [line.split() for line in record.read_text().splitlines()]
    per_period = Counter(at for at, _ in runs)
    expected = {(START + timedelta(minutes=p)).isoformat() for p in range(PERIODS)}
    assert set(per_period) == expected
    assert [at for at, n in per_period.items() if n != 1] == []
    store = open_store(store_url)
    try:
        with store.unit_of_work() as uow:
            assert uow.job_runs.delete_older_than(START + timedelta(days=1), limit=1000) == PERIODS
    finally:
        store.close()
