"""Benchmark team positions through the ingest pipeline: what keeping dispatch's team index fresh costs per batch.

A move bumps the team_positions revision and stamps the team with it, so the next refresh fetches only the teams
moved since (`moved_since`) and puts them in place in the team index. What is timed, per batch of positions: the
whole `Pipeline.handle` (parse, track append, move, feed entry, commit) and, inside it, `Locator.refresh`.
Baselines in the same run, same batches: "rebuild", a locator that builds the team index from every team
whenever positions changed (what a move cost before: O(teams) per batch, per message when batches are small),
and "frozen", a locator that reads the revisions but never touches its team index (the floor).

Prints one JSON line. Usage: python bench/team_moves.py [--teams 300] [--batches 40] [--batch 100]
[--store-url sqlite:///...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases.locator import Locator  # noqa: E402
from cases.models import Platform, Team, TeamStatus  # noqa: E402
from gridwatch.pipeline import Pipeline  # noqa: E402
from iot.mqtt import InboundMessage  # noqa: E402
from iot.topics import team_topic  # noqa: E402
from storage import open_store  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class FrozenTeams(Locator):
    """A locator that reads the revisions as usual but never touches its team index: the floor."""

    def refresh(self, *, grids: Any, cameras: Any, teams: Any) -> None:
        super().refresh(grids=grids, cameras=cameras, teams=_Seen(teams, moved=False))


class RebuildTeams(Locator):
    """A locator that builds the team index from every team whenever a team moved: the cost before."""

    def refresh(self, *, grids: Any, cameras: Any, teams: Any) -> None:
        super().refresh(grids=grids, cameras=cameras, teams=_Seen(teams, moved=True))


class _Seen:
    """Teams whose positions revision folds into the roster's (moved) or is ignored (not moved)."""

    def __init__(self, teams: Any, *, moved: bool) -> None:
        self._teams, self._moved = teams, moved

    def revision(self) -> int:
        roster, positions = self._teams.revision(), self._teams.positions_revision()
        return roster * 1_000_000 + positions if self._moved else min(roster, 1)

    def positions_revision(self) -> int:
        return 0

    def all(self) -> list[Team]:
        return self._teams.all()


def _messages(teams: int, batch: int, index: int, start: datetime) -> list[InboundMessage]:
    out = []
    for k in range(batch):
        n = index * batch + k
        ts = start + timedelta(seconds=n)
        payload = json.dumps({"ts": ts.isoformat(), "lon": 120.0 + (n % 97) / 1e4, "lat": 32.3}).encode()
        out.append(InboundMessage(team_topic(f"t-{n % teams:05d}"), payload, received_at=ts))
    return out


def _run(url: str, teams: int, batches: int, batch: int, locator: Locator, start: datetime) -> dict[str, float]:
    store = open_store(url)
    store.migrate()
    with store.unit_of_work() as uow:
        uow.teams.replace_all([Team(id=f"t-{i:05d}", name=f"team {i}", platform=Platform.GOVERNANCE,
                                    status=TeamStatus.AVAILABLE, lon=120.0, lat=32.3) for i in range(teams)])
    spent = {"refresh": 0.0}
    real_refresh = locator.refresh

    def timed_refresh(**kwargs: Any) -> None:
        began = time.perf_counter()
        real_refresh(**kwargs)
        spent["refresh"] += time.perf_counter() - began

    locator.refresh = timed_refresh  # type: ignore[method-assign]
    # Each run's positions are newer than the last run's, so every one moves its team on a shared store too.
    last = start + timedelta(seconds=(batches + 1) * batch)  # the newest position: no message is from the future
    pipeline = Pipeline(store=store, locator=locator, clock=lambda: last)
    pipeline.handle(_messages(teams, batch, batches, start))  # warm-up: first build of every index
    spent["refresh"] = 0.0
    began = time.perf_counter()
    for i in range(batches):
        pipeline.handle(_messages(teams, batch, i, start))
    total = time.perf_counter() - began
    stats = pipeline.stats.snapshot()
    store.close()
    assert stats["positions"] == (batches + 1) * batch, stats
    return {"batch_ms": 1000 * total / batches, "refresh_ms": 1000 * spent["refresh"] / batches,
            "positions_per_s": batches * batch / total}


def main() -> None:
    """Time position batches with the team index rebuilt per batch against a frozen index; print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--store-url", default="", help="a store to use, PostGIS say (default: a temporary SQLite file per mode); its teams are replaced")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        modes = (("incremental", Locator()), ("rebuild", RebuildTeams()), ("frozen", FrozenTeams()))
        for day, (name, locator) in enumerate(modes):
            url = args.store_url or f"sqlite:///{tmp}/{name}.db"
            results[name] = _run(url, args.teams, args.batches, args.batch, locator, T0 + timedelta(days=day))
    line: dict[str, Any] = {"bench": "team_moves", "teams": args.teams, "batch": args.batch, "batches": args.batches}
    for name, r in results.items():
        line[f"{name}_batch_ms"] = round(r["batch_ms"], 2)
        line[f"{name}_refresh_ms_per_batch"] = round(r["refresh_ms"], 3)
        line[f"{name}_positions_per_s"] = round(r["positions_per_s"])
    line["refresh_speedup_vs_rebuild"] = round(results["rebuild"]["refresh_ms"] / results["incremental"]["refresh_ms"], 1)
    print(json.dumps(line))


if __name__ == "__main__":
    main()
