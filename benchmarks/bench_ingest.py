"""Ingest speed: our event-log ingest (CSV -> validated journey) vs pm4py ``discover_dfg``.

Same run, same file. Logs of 1 M and 10 M events (20 touchpoints, 10 events
per customer, rows shuffled, epoch-ms times; 60 % of customers end with a
``purchase`` or ``cancel`` event) are generated once into a cache folder
(``$JOURNEYMAP_BENCH_CACHE`` or ``~/.cache/journeymap/bench``), never the repo.

* ours: ``ingest_events`` in a fresh subprocess (memory limit 1 GB), timed from
  reading the mapping to the validated ``Journey`` (module imports are outside
  the timer); peak RSS of that process;
* pm4py: in its own venv ``benchmarks/.venv-pm4py`` (created here; pm4py is
  AGPL and never imported by journeymap), ``pd.read_csv``, then
  ``pm4py.format_dataframe`` (sorts by case and time; needed, as
  ``discover_dfg`` takes start/end activities from row order), then
  ``pm4py.discover_dfg``. CSV parsing is excluded from pm4py's time in its
  favour (reported separately); ratios are given against ``discover_dfg``
  alone and against format + ``discover_dfg``;
* both: the whole process too, as the parent sees it (interpreter start,
  imports, reading, writing the result), the time a user waits.

Both must give identical counts: entry->X equals pm4py's start activities,
X->Y equals the directly-follows count (pm4py's self-loops are the repeats
we collapse, compared separately), X->no_outcome equals its end activities.

Usage: ``.venv/bin/python benchmarks/bench_ingest.py [--sizes 1000000 10000000] [--runs 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

HERE = Path(__file__).resolve().parent
PM4PY_VENV = HERE / ".venv-pm4py"
TOUCHPOINTS = [f"t{i:02d}" for i in range(20)]
OUTCOMES = {"purchase": "success", "cancel": "failure"}
PER_CUSTOMER = 10

OURS = r"""
import json, re, sys, time
from journeymap.ingest import ingest_events, load_mapping
start = time.perf_counter()
result = ingest_events(sys.argv[1], load_mapping(sys.argv[2]), journey_id="bench")
elapsed = time.perf_counter() - start
counts = [[t.source, t.target, int(t.weight)] for t in result.journey.transitions]
json.dump(counts, open(sys.argv[3], "w"))
# VmHWM, not ru_maxrss: a child's ru_maxrss also counts its parent's peak before exec
peak = int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read())[1]) / 1024
s = result.summary
line = {"seconds": elapsed, "peak_rss_mb": peak, "repeats": s["repeats_collapsed"]}
print(json.dumps(line))
"""


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "journeymap" / "bench"
    path = Path(os.environ.get("JOURNEYMAP_BENCH_CACHE", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


def generate(events: int, seed: int = 20) -> Path:
    """The shuffled CSV of ``events`` rows (written once, then reused)."""
    path = cache_dir() / f"events_{events}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    customers = events // PER_CUSTOMER
    cust = np.repeat(np.arange(customers), PER_CUSTOMER)
    names = np.array(TOUCHPOINTS + list(OUTCOMES))
    event = rng.integers(0, len(TOUCHPOINTS), events)
    last = np.arange(events) % PER_CUSTOMER == PER_CUSTOMER - 1
    ending = last & (rng.random(events) < 0.6)
    event[ending] = len(TOUCHPOINTS) + rng.integers(0, len(OUTCOMES), int(ending.sum()))
    steps = rng.integers(1, 600_000, events).reshape(customers, PER_CUSTOMER).cumsum(axis=1).ravel()
    ts = 1_700_000_000_000 + rng.integers(0, 86_400_000 * 30, customers).repeat(PER_CUSTOMER) + steps
    order = rng.permutation(events)
    table = pa.table(
        {
            "customer_id": pa.array(np.char.add("c", cust[order].astype(str))),
            "event": pa.array(names[event[order]]),
            "ts": pa.array(ts[order]),
        }
    )
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="none"))
    tmp.rename(path)
    return path


def mapping_file() -> Path:
    path = cache_dir() / "mapping.yaml"
    doc = {
        "columns": {"customer": "customer_id", "touchpoint": "event", "time": "ts"},
        "time_format": "epoch_ms",
        "stages": [{"id": "journey", "name": "Journey", "phase": "sale"}],
        "touchpoints": {t: {"id": t, "stage": "journey"} for t in TOUCHPOINTS},
        "outcomes": {o: {"id": o, "kind": k} for o, k in OUTCOMES.items()},
        "default_outcome": {"id": "no_outcome", "kind": "failure"},
    }
    path.write_text(yaml.safe_dump(doc))
    return path


def pm4py_python() -> Path:
    python = PM4PY_VENV / "bin" / "python"
    if not python.exists():
        venv.create(PM4PY_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pm4py", "pandas"], check=True)
    return python


def run_ours(csv: Path, mapping: Path, out: Path) -> dict[str, Any]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", OURS, str(csv), str(mapping), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    process_s = time.perf_counter() - start
    return json.loads(done.stdout.strip().splitlines()[-1]) | {"process_s": process_s}  # type: ignore[no-any-return]


def run_pm4py(csv: Path, out: Path, timeout: float) -> dict[str, float] | None:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [str(pm4py_python()), str(HERE / "pm4py_dfg.py"), str(csv), str(out)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise SystemExit(f"pm4py side failed:\n{done.stderr[-2000:]}")
    process_s = time.perf_counter() - start
    return json.loads(done.stdout.strip().splitlines()[-1]) | {"process_s": process_s}  # type: ignore[no-any-return]


def same_counts(ours_path: Path, pm4py_path: Path, repeats: int) -> bool:
    ours = Counter({(a, b): n for a, b, n in json.loads(ours_path.read_text())})
    theirs = json.loads(pm4py_path.read_text())
    expected: Counter[tuple[str, str]] = Counter()
    self_loops = 0
    for a, b, n in theirs["dfg"]:
        if a == b:
            self_loops += n
        else:
            expected[(a, b)] += n
    for a, n in theirs["start"].items():
        expected[("entry", a)] += n
    for a, n in theirs["end"].items():
        if a not in OUTCOMES:
            expected[(a, "no_outcome")] += n
    return ours == expected and self_loops == repeats


def bench(events: int, runs: int, pm4py_runs: int, timeout: float) -> None:
    csv, mapping = generate(events), mapping_file()
    with tempfile.TemporaryDirectory() as tmp:
        ours_out, theirs_out = Path(tmp) / "ours.json", Path(tmp) / "pm4py.json"
        ours = [run_ours(csv, mapping, ours_out) for _ in range(runs)]
        theirs = [run_pm4py(csv, theirs_out, timeout) for _ in range(pm4py_runs)]
        ours_s = statistics.median(r["seconds"] for r in ours)
        line = {
            "events": events,
            "ours_median_s": round(ours_s, 3),
            "ours_runs_s": [round(r["seconds"], 3) for r in ours],
            "ours_events_per_s": round(events / ours_s),
            "ours_peak_rss_mb": round(max(r["peak_rss_mb"] for r in ours)),
            "ours_peak_rss_runs_mb": [round(r["peak_rss_mb"]) for r in ours],
            "ours_process_median_s": round(statistics.median(r["process_s"] for r in ours), 3),
        }
        finished = [t for t in theirs if t is not None]
        if finished:
            dfg_s = statistics.median(t["dfg_s"] for t in finished)
            total_s = statistics.median(t["format_s"] + t["dfg_s"] for t in finished)
            line |= {
                "pm4py_dfg_median_s": round(dfg_s, 3),
                "pm4py_format_dfg_median_s": round(total_s, 3),
                "pm4py_read_csv_median_s": round(statistics.median(t["read_csv_s"] for t in finished), 3),
                "pm4py_peak_rss_mb": round(max(t["peak_rss_mb"] for t in finished)),
                "pm4py_process_median_s": round(statistics.median(t["process_s"] for t in finished), 3),
                "speedup_vs_dfg": round(dfg_s / ours_s, 1),
                "speedup_vs_format_dfg": round(total_s / ours_s, 1),
                "speedup_whole_process": round(
                    statistics.median(t["process_s"] for t in finished)
                    / statistics.median(r["process_s"] for r in ours),
                    1,
                ),
                "identical_counts": same_counts(ours_out, theirs_out, int(ours[-1]["repeats"])),
            }
        else:
            line |= {"pm4py": f"did not finish within {timeout:.0f} s"}
        print(json.dumps(line), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pm4py-runs", type=int, default=3)
    parser.add_argument("--pm4py-timeout", type=float, default=900)
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args.runs, args.pm4py_runs, args.pm4py_timeout)


if __name__ == "__main__":
    main()
