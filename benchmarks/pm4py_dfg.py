"""The pm4py side of ``bench_ingest.py``; runs ONLY inside ``benchmarks/.venv-pm4py``.

pm4py is AGPL: it is installed in that separate venv and never imported by
journeymap or its tests. Usage: ``pm4py_dfg.py EVENTS.csv OUT.json``; prints
timings as JSON on stdout and writes the directly-follows graph to OUT.json;
with ``--performance``, ``discover_performance_dfg`` instead and each pair's
median time (the ``dfg_s`` timing is then that call's).
"""

from __future__ import annotations

import json
import re
import sys
import time

import pandas as pd
import pm4py


def main(csv_path: str, out_path: str, performance: bool = False) -> None:
    start = time.perf_counter()
    df = pd.read_csv(csv_path, dtype={"customer_id": str, "event": str})
    df["ts"] = pd.to_datetime(df["ts"], unit="ms", utc=True)
    loaded = time.perf_counter()
    # discover_dfg sorts for the directly-follows pairs but takes start/end activities from
    # the frame's row order, so the frame is first put in (case, time, file order) order.
    df = pm4py.format_dataframe(df, case_id="customer_id", activity_key="event", timestamp_key="ts")
    formatted = time.perf_counter()
    if performance:  # the time side: each directly-follows pair's median seconds
        perf = pm4py.discover_performance_dfg(df)[0]
        done = time.perf_counter()
        with open(out_path, "w") as fh:
            json.dump([[a, b, float(v["median"])] for (a, b), v in perf.items()], fh)
        report(start, loaded, formatted, done)
        return
    dfg, starts, ends = pm4py.discover_dfg(df)
    done = time.perf_counter()
    with open(out_path, "w") as fh:
        json.dump(
            {
                "dfg": [[a, b, int(n)] for (a, b), n in dfg.items()],
                "start": {k: int(v) for k, v in starts.items()},
                "end": {k: int(v) for k, v in ends.items()},
            },
            fh,
        )
    report(start, loaded, formatted, done)


def report(start: float, loaded: float, formatted: float, done: float) -> None:
    """Timings and peak memory as one JSON line on stdout."""
    # VmHWM, not ru_maxrss: a child's ru_maxrss also counts its parent's peak before exec
    with open("/proc/self/status") as fh:
        peak_mb = int(re.search(r"VmHWM:\s+(\d+)", fh.read())[1]) / 1024
    timings = {"read_csv_s": loaded - start, "format_s": formatted - loaded, "dfg_s": done - formatted}
    print(json.dumps(timings | {"peak_rss_mb": peak_mb}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--performance" in sys.argv[3:])
