"""The door to the engine: whole-process ``journeymap paths`` versus a plain networkx script,
loading and validating large files, and the 50/50 ladder where every path ties.

Three parts, each printing ours and the peer side by side from the same run:

* ``door``: ``journeymap paths FILE --k 10 --rank probability --json`` as a new process
  versus ``NX_SCRIPT`` (json.load, a DiGraph on ``−log p``, ``shortest_simple_paths``) on
  the same JSON file, alternating; both lists must be identical;
* ``load``: ``load_journey`` (read, decode, validate) of a 100,000-touchpoint /
  500,000-transition JSON file in a fresh process: wall time and peak memory (VmHWM);
* ``ladder``: N stages each split 50/50 between two touchpoints (2^N paths, all tied),
  top-k by probability and by pain mass from a validated Journey (after its first query,
  which compiles it), against ``shortest_simple_paths`` on the same graph (k = 10);
* ``inprocess``: ``top_paths(journey, k=10, rank="probability")`` (the whole document) on a
  validated 2,000-touchpoint Journey after its first query, against networkx
  ``shortest_simple_paths`` k = 10 on its prebuilt graph, alternating; wall and CPU.

    .venv/bin/python -m benchmarks.bench_door [--parts door load ladder inprocess] [--runs 3]

The machine this runs on is often shared: keep ``--runs`` small and read medians. The
package's bytecode is compiled first (``compile_package``), as pip does when it installs a
package and as it did for networkx: a checkout run with ``PYTHONDONTWRITEBYTECODE`` set would
otherwise compile journeymap's sources in every timed process (~0.05 s).
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

import journeymap
from benchmarks.bench_engine import generate, generate_document, nx_graph, nx_top
from journeymap.engine import top_paths
from journeymap.model import Journey, parse_journey

NX_SCRIPT = """
import json, math, sys
from itertools import islice
import networkx as nx
doc = json.load(open(sys.argv[1]))
totals = {}
for t in doc["transitions"]:
    w = t.get("customers", t.get("share"))
    totals[t["from"]] = totals.get(t["from"], 0.0) + w
g = nx.DiGraph()
for t in doc["transitions"]:
    w = t.get("customers", t.get("share"))
    if w > 0:
        g.add_edge(t["from"], t["to"], weight=-math.log(w / totals[t["from"]]))
for o in doc["outcomes"]:
    g.add_edge(o["id"], "__end__", weight=0.0)
paths = islice(nx.shortest_simple_paths(g, "entry", "__end__", weight="weight"), 10)
print(json.dumps([p[:-1] for p in paths]))
"""

LOAD_SCRIPT = """
import sys, time
start = time.perf_counter()
from journeymap.files import load_journey
journey = load_journey(sys.argv[1])
took = time.perf_counter() - start
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(took, int(peak) / 1024, len(journey.touchpoints), len(journey.transitions))
"""


def timed_run(args: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system) of a child process, and its output. On a shared
    machine the CPU time is the steadier figure: waiting for a core is not counted."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout


def compile_package() -> None:
    """Write the bytecode of journeymap's modules (``__pycache__``, ignored by git)."""
    compileall.compile_dir(Path(journeymap.__file__).parent, quiet=1)


def door(sizes: list[tuple[int, int]], runs: int, folder: Path) -> None:
    print("== whole process: journeymap paths --k 10 --rank probability vs a networkx script ==")
    for n, m in sizes:
        path = folder / f"door-{n}.json"
        path.write_text(json.dumps(generate_document(n, m, "funnel")), encoding="utf-8")
        ours_cmd = [str(Path(sys.executable).parent / "journeymap"), "paths", str(path), "--k", "10"]
        ours_cmd += ["--rank", "probability", "--json"]
        theirs_cmd = [sys.executable, "-c", NX_SCRIPT, str(path)]
        timed_run(ours_cmd)  # compile the search once if this machine has not yet
        ours, theirs = [], []
        for _ in range(runs):
            wall, cpu, out = timed_run(ours_cmd)
            ours.append((wall, cpu))
            mine = [p["nodes"] for p in json.loads(out)["paths"]]
            wall, cpu, out = timed_run(theirs_cmd)
            theirs.append((wall, cpu))
            reference = json.loads(out)
        a_wall, a_cpu = (statistics.median(x[i] for x in ours) for i in (0, 1))
        b_wall, b_cpu = (statistics.median(x[i] for x in theirs) for i in (0, 1))
        print(
            f"{n:>7} touchpoints {m:>7} transitions: wall ours {a_wall:6.2f} s networkx {b_wall:6.2f} s "
            f"({b_wall / a_wall:4.2f}x); cpu ours {a_cpu:6.2f} s networkx {b_cpu:6.2f} s "
            f"({b_cpu / a_cpu:4.2f}x); identical paths: {mine == reference}"
        )


def load(sizes: list[tuple[int, int]], runs: int, folder: Path) -> None:
    print("== load + validate a JSON journey file in a fresh process ==")
    for n, m in sizes:
        path = folder / f"load-{n}.json"
        path.write_text(json.dumps(generate_document(n, m, "branching")), encoding="utf-8")
        rows = []
        for _ in range(runs):
            _, cpu, out = timed_run([sys.executable, "-c", LOAD_SCRIPT, str(path)])
            took, peak, tps, trs = out.split()
            rows.append((float(took), cpu, float(peak)))
        print(
            f"{tps:>7} touchpoints {trs:>7} transitions ({path.stat().st_size / 1e6:.0f} MB): "
            f"median wall {statistics.median(r[0] for r in rows):.2f} s, "
            f"cpu {statistics.median(r[1] for r in rows):.2f} s (imports included), "
            f"peak {max(r[2] for r in rows):.0f} MB"
        )


def ladder_document(levels: int) -> dict[str, Any]:
    """N stages, each split 50/50 between touchpoints l{i}a and l{i}b (pain 1 each)."""
    edges = [("entry", "l0a"), ("entry", "l0b")]
    for i in range(levels - 1):
        edges += [(f"l{i}{u}", f"l{i + 1}{v}") for u in "ab" for v in "ab"]
    edges += [(f"l{levels - 1}{u}", "ok") for u in "ab"]
    return {
        "id": f"ladder-{levels}",
        "name": f"Ladder of {levels} stages",
        "stages": [{"id": "s", "name": "S", "phase": "sale"}],
        "touchpoints": [
            {"id": f"l{i}{u}", "name": f"L{i}{u}", "stage": "s", "experience": 3, "expectation": 4}
            for i in range(levels)
            for u in "ab"
        ],
        "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
        "transitions": [{"from": u, "to": v, "customers": 1} for u, v in edges],
    }


def ladder(levels: int) -> Journey:
    """The validated journey of ``ladder_document``: 2^N paths, each with p 2^-N and pain N."""
    return parse_journey(ladder_document(levels))


def ladders(runs: int) -> None:
    print("== the 50/50 ladder (2^N tied paths), from a validated Journey after its first query ==")
    for levels in (20, 40, 60):
        journey = ladder(levels)
        g = nx.DiGraph()
        for t in journey.transitions:
            g.add_edge(t.source, t.target, weight=0.6931471805599453)
        g.add_edge("ok", "__end__", weight=0.0)
        cells = []
        for rank in ("probability", "pain"):
            for k in (1, 10):
                top_paths(journey, k=k, rank=rank)
                walls, cpus = [], []
                for _ in range(runs):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    top_paths(journey, k=k, rank=rank)
                    walls.append(time.perf_counter() - start)
                    cpus.append(time.process_time() - start_cpu)
                wall, cpu = statistics.median(walls) * 1e3, statistics.median(cpus) * 1e3
                cells.append(f"{rank} k={k} {wall:5.1f} ms (cpu {cpu:5.1f})")
        start = time.perf_counter()
        nx_top(g, 10)
        cells.append(f"networkx k=10 {(time.perf_counter() - start) * 1e3:6.1f} ms")
        print(f"{levels:>3} stages: " + " | ".join(cells))


def timed_call(fn: Any) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``fn()`` in this process, and its result."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def inprocess(sizes: list[tuple[int, int]], runs: int) -> None:
    print("== in-process: top_paths from a validated Journey (after its first query) vs networkx ==")
    for n, m in sizes:
        journey = generate(n, m, "funnel")
        ours_call = partial(top_paths, journey, k=10, rank="probability")
        theirs_call = partial(nx_top, nx_graph(journey), 10)
        first = timed_call(ours_call)[0] * 1e3
        ours, theirs = [], []
        for _ in range(runs):
            wall, cpu, reference = timed_call(theirs_call)
            theirs.append((wall, cpu))
            for _ in range(10):
                wall, cpu, doc = timed_call(ours_call)
                ours.append((wall, cpu))
        a_wall, a_cpu = (statistics.median(x[i] for x in ours) * 1e3 for i in (0, 1))
        b_wall, b_cpu = (statistics.median(x[i] for x in theirs) * 1e3 for i in (0, 1))
        same = [p["nodes"] for p in doc["paths"]] == reference
        print(
            f"{n:>7} touchpoints {len(journey.transitions):>7} transitions: first query {first:.1f} ms; "
            f"then wall ours {a_wall:6.2f} ms networkx {b_wall:7.2f} ms ({b_wall / a_wall:5.0f}x); "
            f"cpu ours {a_cpu:6.2f} ms networkx {b_cpu:7.2f} ms ({b_cpu / a_cpu:5.0f}x); "
            f"identical paths: {same}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="*", default=["door", "load", "ladder", "inprocess"])
    parser.add_argument("--door-sizes", nargs="*", default=["2000:10000", "20000:100000", "100000:500000"])
    parser.add_argument("--load-sizes", nargs="*", default=["100000:500000"])
    parser.add_argument("--inprocess-sizes", nargs="*", default=["2000:10000"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    def sizes(values: list[str]) -> list[tuple[int, int]]:
        return [(int(a), int(b)) for a, b in (v.split(":") for v in values)]

    compile_package()
    with tempfile.TemporaryDirectory() as folder:
        if "door" in args.parts:
            door(sizes(args.door_sizes), args.runs, Path(folder))
        if "load" in args.parts:
            load(sizes(args.load_sizes), args.runs, Path(folder))
    if "ladder" in args.parts:
        ladders(max(args.runs, 5))
    if "inprocess" in args.parts:
        inprocess(sizes(args.inprocess_sizes), max(args.runs, 5))


if __name__ == "__main__":
    main()
