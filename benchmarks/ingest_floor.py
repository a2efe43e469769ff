"""Ingest speed floor: what each necessary step costs alone on the benchmark's log.

Answers "can ingest of 1 M events finish in X s on this machine?" by timing,
in one process on the cached log of ``bench_ingest.py``, our whole ingest and
each step any implementation needs, stripped to its minimum (no bad-row
bookkeeping, no trimming, column names and types given, encodings not timed
where noted). A design is bounded below by the sum of the steps it needs.

* DuckDB (our engine): connect, sniff the dialect, parse the CSV (every column
  touched), materialise a compact table in file order (its ``rowid`` is the
  tie-break for equal times), the window pairing each event with the next
  (customer as text, and as an integer code computed beforehand, untimed);
* pyarrow + numpy (an in-memory alternative, no spilling): multithreaded CSV
  read, integer-encoding customers, a stable sort by (customer, time), and the
  whole stripped pipeline (read, encode, sort, count pairs).

Usage: ``.venv/bin/python benchmarks/ingest_floor.py [--events 1000000] [--repeat 7]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from bench_ingest import OUTCOMES, TOUCHPOINTS, generate, mapping_file

from journeymap.ingest import ingest_events, load_mapping

NAMES = TOUCHPOINTS + list(OUTCOMES)
TEXT = pa.string()


def timed(label: str, step: Callable[[], Any], repeat: int) -> Any:
    """Run ``step`` ``repeat`` times; print min and median wall seconds; return its last result."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - start)
    row = {"step": label, "min_s": round(min(seconds), 3), "median_s": round(statistics.median(seconds), 3)}
    print(json.dumps(row), flush=True)
    return result


def duckdb_steps(csv: Path, repeat: int) -> None:
    con = duckdb.connect()
    names = "[" + ", ".join(f"'{n}'" for n in NAMES) + "]::VARCHAR[]"
    columns = "{'customer_id': 'VARCHAR', 'event': 'VARCHAR', 'ts': 'VARCHAR'}"
    dialect = "header = true, auto_detect = false, delim = ',', quote = '\"'"
    scan = f"read_csv('{csv}', {dialect}, columns = {columns})"
    timed("duckdb connect", lambda: duckdb.connect().close(), repeat)
    steps = {
        "duckdb sniff_csv": f"SELECT * FROM sniff_csv('{csv}')",
        "duckdb parse CSV only (dialect given)": (
            f"SELECT count(*), min(customer_id), max(event), max(ts) FROM {scan}"
        ),
        "duckdb parse + materialise compact table in file order": (
            "CREATE OR REPLACE TEMP TABLE ev AS SELECT customer_id AS c, "
            f"CAST(list_position({names}, event) AS UTINYINT) AS r, "
            f"CAST(ts AS BIGINT) * 1000 AS t FROM {scan}"
        ),
    }
    for label, sql in steps.items():
        timed(label, lambda sql=sql: con.execute(sql).fetchall(), repeat)
    con.execute(
        "CREATE TEMP TABLE evi AS SELECT dense_rank() OVER (ORDER BY c) AS c, r, t, rowid AS rn FROM ev"
    )
    pairs = (
        "SELECT first, r, nxt, count(*) FROM (SELECT r, row_number() OVER w = 1 AS first, "
        "lead(r) OVER w AS nxt FROM {table} WINDOW w AS (PARTITION BY c ORDER BY t, rn)) GROUP BY ALL"
    )
    timed(
        "duckdb window, customer as text",
        lambda: con.execute(pairs.format(table="(SELECT c, r, t, rowid AS rn FROM ev)")).fetchall(),
        repeat,
    )
    timed(
        "duckdb window, customer as integer (encoding untimed)",
        lambda: con.execute(pairs.format(table="evi")).fetchall(),
        repeat,
    )


def read_arrow(csv: Path) -> pa.Table:
    types = {"customer_id": TEXT, "event": TEXT, "ts": TEXT}
    return pacsv.read_csv(csv, convert_options=pacsv.ConvertOptions(column_types=types))


def numpy_pairs(csv: Path) -> tuple[Any, Any]:
    """Stripped in-memory pipeline: (first?, event, next event) -> count."""
    table = read_arrow(csv)
    customer = pc.dictionary_encode(table["customer_id"]).combine_chunks().indices.to_numpy()
    event = pc.index_in(table["event"], value_set=pa.array(NAMES)).to_numpy(zero_copy_only=False)
    when = pc.cast(table["ts"], pa.int64()).to_numpy()
    order = np.lexsort((when, customer))
    customer, event = customer[order], event[order].astype(np.int64)
    same = customer[1:] == customer[:-1]
    first = np.r_[True, ~same]
    following = np.r_[np.where(same, event[1:], -1), -1] + 1
    return np.unique(first * 10_000 + event * 100 + following, return_counts=True)  # type: ignore[no-any-return]


def arrow_steps(csv: Path, repeat: int) -> None:
    table = timed("pyarrow read_csv (multithreaded, text columns)", lambda: read_arrow(csv), repeat)
    customer = timed(
        "pyarrow dictionary_encode customers",
        lambda: pc.dictionary_encode(table["customer_id"]).combine_chunks().indices.to_numpy(),
        repeat,
    )
    when = pc.cast(table["ts"], pa.int64()).to_numpy()
    timed("numpy lexsort (customer, time), stable = file order", lambda: np.lexsort((when, customer)), repeat)
    timed("numpy stripped pipeline end to end (read, encode, sort, count)", lambda: numpy_pairs(csv), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    csv, mapping = generate(args.events), mapping_file()
    print(json.dumps({"events": args.events, "load_average": os.getloadavg()}), flush=True)
    timed(
        "ours: ingest_events end to end (as bench_ingest times it)",
        lambda: ingest_events(csv, load_mapping(mapping), journey_id="bench"),
        args.repeat,
    )
    duckdb_steps(csv, args.repeat)
    arrow_steps(csv, args.repeat)
    print(json.dumps({"load_average": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
