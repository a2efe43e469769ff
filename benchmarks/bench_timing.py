"""Ingest with timing and behavioural measures vs the ingest before them, and vs pm4py's
``discover_performance_dfg``: same run, same file (``bench_ingest.py``'s generated logs).

* ours: ``ingest_events`` with a mapping that turns every measure on (wait, rework,
  repeat_contact with a 1-day window, back_step, drop_off), in a fresh process;
* before: the same command on the source tree of ``--baseline`` (a git revision before
  timing existed; exported to a temporary folder and put first on ``PYTHONPATH``);
* pm4py: ``read_csv`` + ``format_dataframe`` + ``discover_performance_dfg`` in its own
  venv (AGPL, never imported by journeymap); whole process as the parent sees it.

Also checked: every transition's median time equals pm4py's median for that pair. Both
source trees are compiled to bytecode first, as pip does on install (pm4py's venv has it),
so no timed process compiles modules (an environment with ``PYTHONDONTWRITEBYTECODE`` set
would otherwise do so in every run).

Usage: ``.venv/bin/python benchmarks/bench_timing.py --sizes 10000000 --runs 3 --baseline a9ea48e``
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from bench_ingest import HERE, OURS, cache_dir, generate, mapping_file, pm4py_python

ROOT = HERE.parent
TIMES = OURS.replace(
    "counts = [[t.source, t.target, int(t.weight)] for t in result.journey.transitions]",
    "counts = [[t.source, t.target, t.time.median_s if t.time else None]"
    " for t in result.journey.transitions]",
)


def measured_mapping() -> Path:
    doc = yaml.safe_load(mapping_file().read_text())
    doc["measures"] = {
        "wait": {"target": "2m"},
        "rework": {"target": 0.1},
        "repeat_contact": {"target": 0.1, "window": "1d"},
        "back_step": {"target": 0.1},
        "drop_off": {"target": 0.2},
    }
    path = cache_dir() / "mapping_measures.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def run(script: str, args: list[str], pythonpath: str | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1]) | {"process_s": time.perf_counter() - start}  # type: ignore[no-any-return]


def baseline_tree(revision: str, folder: Path) -> str:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "journeymap"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return str(folder)


def bench(events: int, runs: int, baseline: str, pm4py_runs: int) -> None:
    csv = generate(events)
    with tempfile.TemporaryDirectory() as tmp:
        out, theirs_out = Path(tmp) / "ours.json", Path(tmp) / "pm4py.json"
        old_src = baseline_tree(baseline, Path(tmp))
        for tree in (Path(old_src), ROOT):  # bytecode first, as pip writes it on install (pm4py's is)
            compileall.compile_dir(tree / "journeymap", quiet=1)
        # once untimed: the first big ingest on a machine compiles numba's loops (cached on disk)
        run(TIMES, [str(generate(1_000_000)), str(measured_mapping()), str(out)])
        ours, before = [], []
        for _ in range(runs):  # interleaved, so load changes hit both alike
            before.append(run(OURS, [str(csv), str(mapping_file()), str(Path(tmp) / "before.json")], old_src))
            ours.append(run(TIMES, [str(csv), str(measured_mapping()), str(out)]))
        theirs = []
        for _ in range(pm4py_runs):
            start = time.perf_counter()
            done = subprocess.run(
                [str(pm4py_python()), str(HERE / "pm4py_dfg.py"), str(csv), str(theirs_out), "--performance"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            theirs.append(
                json.loads(done.stdout.strip().splitlines()[-1]) | {"process_s": time.perf_counter() - start}
            )
        med = statistics.median
        line: dict[str, Any] = {
            "events": events,
            "ours_s": [round(r["seconds"], 3) for r in ours],
            "before_s": [round(r["seconds"], 3) for r in before],
            "ratio_to_before": round(med(r["seconds"] for r in ours) / med(r["seconds"] for r in before), 2),
            "ours_peak_mb": [round(r["peak_rss_mb"]) for r in ours],
            "before_peak_mb": [round(r["peak_rss_mb"]) for r in before],
            "ours_process_s": round(med(r["process_s"] for r in ours), 3),
        }
        if theirs:
            pm_process = med(t["process_s"] for t in theirs)
            mine = {(a, b): m for a, b, m in json.loads(out.read_text()) if m is not None}
            pm = {(a, b): m for a, b, m in json.loads(theirs_out.read_text()) if a != b}
            line |= {
                "pm4py_perf_dfg_s": round(med(t["dfg_s"] for t in theirs), 3),
                "pm4py_format_s": round(med(t["format_s"] for t in theirs), 3),
                "pm4py_process_s": round(pm_process, 3),
                "pm4py_peak_mb": round(max(t["peak_rss_mb"] for t in theirs)),
                "whole_process_speedup": round(pm_process / line["ours_process_s"], 1),
                "same_medians": mine.keys() == pm.keys() and all(abs(mine[k] - pm[k]) < 1e-6 for k in pm),
            }
        print(json.dumps(line), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pm4py-runs", type=int, default=1)
    parser.add_argument("--baseline", default="a9ea48e")
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args.runs, args.baseline, args.pm4py_runs)


if __name__ == "__main__":
    main()
