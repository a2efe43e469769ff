"""Ingest with observed variants and order-K states vs the ingest before them, same run, same log.

The log is ``bench_ingest.py``'s (20 touchpoints, 10 events per customer,
shuffled rows, cached). Each run is a fresh subprocess timing ``ingest_events``
from reading the mapping to the validated journey; peak memory is its VmHWM.
The baseline is the package at an earlier commit, unpacked into a folder
(``git archive COMMIT | tar -x -C DIR``) and put first on ``PYTHONPATH``; runs
alternate baseline / order 1 / order 2 so a busy machine hurts all alike.

Usage: ``.venv/bin/python benchmarks/bench_order.py --baseline DIR [--events 10000000] [--runs 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench_ingest import generate, mapping_file

TIMED = r"""
import json, re, sys, time
from journeymap.ingest import ingest_events, load_mapping
mapping = load_mapping(sys.argv[2])
if sys.argv[3] != "-":
    mapping = mapping.model_copy(update={"order": int(sys.argv[3])})
start = time.perf_counter()
result = ingest_events(sys.argv[1], mapping, journey_id="bench")
seconds = time.perf_counter() - start
peak = int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read())[1]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "touchpoints": len(result.journey.touchpoints)}))
"""


def timed(csv: Path, mapping: Path, order: str, root: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if root:
        env["PYTHONPATH"] = root
    done = subprocess.run(
        [sys.executable, "-c", TIMED, str(csv), str(mapping), order],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=root or None,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="folder holding the earlier package")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    csv, mapping = generate(args.events), mapping_file()
    kinds = {"baseline": ("-", args.baseline), "order 1": ("1", None), "order 2": ("2", None)}
    results: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for _ in range(args.runs):
        for kind, (order, root) in kinds.items():
            results[kind].append(timed(csv, mapping, order, root))
            print(kind, json.dumps(results[kind][-1]), flush=True)
    base = statistics.median(r["seconds"] for r in results["baseline"])
    for kind, runs in results.items():
        median = statistics.median(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        print(f"{kind}: median {median:.2f} s ({median / base:.2f}x baseline), peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
