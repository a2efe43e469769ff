"""Ingest on Spark (local) vs DuckDB vs pm4py ``discover_dfg``: same run, same file.

The logs are ``bench_ingest.py``'s (20 touchpoints, 10 events per customer, rows
shuffled, epoch-ms times), generated once into the bench cache folder.

* Spark: ``ingest_events(..., engine=SparkEngine(spark))`` in a fresh process;
  ``session_s`` is starting the JVM and the session (once per process),
  ``query_s`` each ingest after it (the first one also warms the JVM: it is
  reported, the median is over the runs after it when there are several);
* DuckDB: ``ingest_events`` in a fresh process (``bench_ingest.run_ours``);
* pm4py: ``read_csv`` + ``format_dataframe`` + ``discover_dfg`` in its own venv
  (AGPL, never imported by journeymap; ``bench_ingest.run_pm4py``).

The transition counts of Spark and DuckDB must be identical, and equal to pm4py's.

Scaling (``--scaling``): the 10 M log also as Parquet folders of 1, 4 and 16
files (written once with pyarrow), ingested with ``local[1]`` and ``local[2]``
(one and two worker threads: all this 2-core machine has), per 10 M events.

Usage::

    .venv/bin/python benchmarks/bench_spark.py --sizes 1000000 --runs 3 --pm4py-runs 1
    .venv/bin/python benchmarks/bench_spark.py --sizes 10000000 --runs 2 --pm4py-runs 1 --scaling
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from bench_ingest import cache_dir, generate, mapping_file, run_ours, run_pm4py, same_counts

SPARK = r"""
import json, sys, time
started = time.perf_counter()
from journeymap.ingest import ingest_events, load_mapping
from journeymap.ingest.spark import SparkEngine, start_session
master, memory, partitions, mapping, out, *paths = sys.argv[1:]
settings = {"spark.driver.memory": memory, "spark.sql.shuffle.partitions": partitions}
spark = start_session(master, settings)
session = time.perf_counter() - started
runs = []
for path in paths:
    start = time.perf_counter()
    result = ingest_events(path, load_mapping(mapping), journey_id="bench", engine=SparkEngine(spark))
    runs.append(time.perf_counter() - start)
counts = [[t.source, t.target, int(t.weight)] for t in result.journey.transitions]
json.dump(counts, open(out, "w"))
spark.stop()
print(json.dumps({"session_s": session, "query_s": runs, "repeats": result.summary["repeats_collapsed"]}))
"""


def run_spark(
    paths: list[Path], out: Path, master: str = "local[2]", memory: str = "3g", partitions: int = 16
) -> dict[str, Any]:
    start = time.perf_counter()
    args = [master, memory, str(partitions), str(mapping_file()), str(out), *map(str, paths)]
    done = subprocess.run([sys.executable, "-c", SPARK, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"Spark side failed:\n{done.stderr[-3000:]}")
    line: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return line | {"process_s": time.perf_counter() - start}


def parquet_folder(csv: Path, files: int) -> Path:
    """The log as a folder of ``files`` Parquet files (row order kept), written once."""
    folder = cache_dir() / f"{csv.stem}_parquet_{files}"
    if folder.exists():
        return folder
    table = pacsv.read_csv(csv)
    tmp = folder.with_suffix(".tmp")
    tmp.mkdir()
    step = -(-table.num_rows // files)
    for i in range(files):
        pq.write_table(table.slice(i * step, step), tmp / f"part-{i:05d}.parquet")
    tmp.rename(folder)
    return folder


def counts(path: Path) -> Counter[tuple[str, str]]:
    return Counter({(a, b): n for a, b, n in json.loads(path.read_text())})


def bench(events: int, runs: int, pm4py_runs: int, timeout: float) -> None:
    csv = generate(events)
    with tempfile.TemporaryDirectory() as tmp:
        spark_out, duck_out, pm4py_out = (Path(tmp) / f"{n}.json" for n in ("spark", "duck", "pm4py"))
        spark = run_spark([csv] * runs, spark_out)
        duck = [run_ours(csv, mapping_file(), duck_out) for _ in range(runs)]
        theirs = [run_pm4py(csv, pm4py_out, timeout) for _ in range(pm4py_runs)]
        queries = spark["query_s"][1:] or spark["query_s"]
        spark_s = statistics.median(queries)
        duck_s = statistics.median(r["seconds"] for r in duck)
        line: dict[str, Any] = {
            "events": events,
            "spark_session_s": round(spark["session_s"], 2),
            "spark_query_runs_s": [round(s, 2) for s in spark["query_s"]],
            "spark_query_median_s": round(spark_s, 2),
            "spark_whole_process_s": round(spark["process_s"], 2),
            "duckdb_median_s": round(duck_s, 2),
            "duckdb_whole_process_median_s": round(statistics.median(r["process_s"] for r in duck), 2),
            "spark_over_duckdb": round(spark_s / duck_s, 1),
            "identical_spark_duckdb": counts(spark_out) == counts(duck_out),
        }
        finished = [t for t in theirs if t is not None]
        if finished:
            dfg_s = statistics.median(t["format_s"] + t["dfg_s"] for t in finished)
            line |= {
                "pm4py_format_dfg_median_s": round(dfg_s, 2),
                "pm4py_whole_process_median_s": round(statistics.median(t["process_s"] for t in finished), 2),
                "identical_pm4py": same_counts(spark_out, pm4py_out, int(spark["repeats"])),
            }
        print(json.dumps(line), flush=True)


def scaling(events: int) -> None:
    """Query time per 10 M events by Parquet files and worker threads (one session per row)."""
    csv = generate(events)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "spark.json"
        for files in (1, 4, 16):
            folder = parquet_folder(csv, files)
            for threads in (1, 2):
                result = run_spark([folder, folder], out, f"local[{threads}]")
                per_10m = result["query_s"][-1] * 10_000_000 / events
                row = {"events": events, "parquet_files": files, "threads": threads}
                print(json.dumps(row | {"query_s_per_10M": round(per_10m, 2)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pm4py-runs", type=int, default=1)
    parser.add_argument("--pm4py-timeout", type=float, default=900)
    parser.add_argument("--scaling", action="store_true", help="Parquet files x threads on the largest size")
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args.runs, args.pm4py_runs, args.pm4py_timeout)
    if args.scaling:
        scaling(max(args.sizes))


if __name__ == "__main__":
    main()
