"""Engine benchmark: exact top-10 paths versus networkx, and the full analysis.

Generates seeded, staged journeys (mostly forward flow between consecutive stages,
some skips, some loops back one stage, exits to several outcomes along the way),
then times in the same run, on the same journey:

* top-10 paths by probability: ``networkx.shortest_simple_paths`` on ``−log p``
  weights (with a virtual end node after the outcomes) versus ``top_paths``, and
  checks that both give the same paths;
* ``analyze`` (flow, removal effects of every touchpoint, carried experience) and
  ``top_paths`` by pain mass.

The query alone is timed on our compiled chain and on networkx's DiGraph, each built
once outside the timer (nothing query-specific is kept between calls: bounds are computed
per query), in alternating rounds so both see the same machine load: "alternating 1:1"
runs one of our calls after each networkx call, so ours starts with caches another
library has just filled (the harsh case for a sub-millisecond query); "repeated" runs
``--repeat`` of ours after each networkx call (caches warm, the usual micro-benchmark).
"Chain compiled just before" runs each of our queries on a chain compiled right before
it. "From the Journey" is ``top_paths(journey)`` on a validated ``Journey`` that has been
asked once before (it keeps its compiled chain) against networkx on its prebuilt graph. "Search"
is the ten paths with probability and pain (networkx gives node lists only);
"document" adds the JSON document with per-touchpoint contributions. The targets are
for one core, so run it with BLAS on one thread:

    make bench      # = OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_engine.py

(``--sizes 2000:10000`` to choose sizes, ``--repeat``/``--nx-repeat`` for the repetitions).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from itertools import islice
from typing import Any

import networkx as nx
import numpy as np

from journeymap.engine import analyze, top_paths
from journeymap.engine.chain import Chain
from journeymap.engine.compiled import compile_journey, paths_of
from journeymap.engine.paths import search
from journeymap.model import Journey

OUTCOMES = [("purchase", "success"), ("repeat", "success"), ("abandon", "failure"), ("complain", "failure")]


def generate(touchpoints: int, transitions: int, profile: str = "branching", seed: int = 7) -> Journey:
    """The validated journey of ``generate_document``."""
    return Journey.model_validate(generate_document(touchpoints, transitions, profile, seed))


def generate_document(
    touchpoints: int, transitions: int, profile: str = "branching", seed: int = 7
) -> dict[str, Any]:
    """A seeded staged journey file with about ``transitions`` weighted transitions.

    ``branching``: every transition's count is drawn alike (heavy-tailed), so the most
    likely paths are early exits. ``funnel``: each touchpoint's first forward transition
    is its main route (ten times the customers), so likely paths run through many stages.
    """
    rng = np.random.default_rng(seed)
    main_weight = 10 if profile == "funnel" else 1
    stages = max(4, round(math.sqrt(touchpoints) / 2))
    per_stage = np.array_split(np.arange(touchpoints), stages)
    ids = [f"t{i}" for i in range(touchpoints)]
    stage_of = np.concatenate([np.full(len(block), s) for s, block in enumerate(per_stage)])
    edges: dict[tuple[str, str], int] = {}

    def add(u: str, v: str, main: bool = False) -> None:
        edges[(u, v)] = int(rng.integers(1, 1000) * (1 + rng.pareto(2.0)) * (main_weight if main else 1))

    for i in per_stage[0]:
        add("entry", ids[i])
    fan_out = max(1, transitions // touchpoints - 1)
    for i in range(touchpoints):
        s = stage_of[i]
        if s + 1 < stages:
            chosen = rng.choice(per_stage[s + 1], size=min(fan_out, len(per_stage[s + 1])), replace=False)
            for n, j in enumerate(chosen):
                add(ids[i], ids[j], main=n == 0)
            if rng.random() < 0.15 and s + 2 < stages:
                add(ids[i], ids[int(rng.choice(per_stage[s + 2]))])
        if s > 0 and rng.random() < 0.1:
            add(ids[i], ids[int(rng.choice(per_stage[s - 1]))])  # a loop back
        if s + 1 == stages or rng.random() < 0.3:
            out = OUTCOMES[int(rng.integers(0, 4))] if s + 1 < stages else OUTCOMES[int(rng.integers(0, 2))]
            add(ids[i], out[0])
            if s + 1 == stages:
                add(ids[i], "abandon")
    entered = {v for (_, v) in edges}
    for i in range(touchpoints):
        if ids[i] not in entered:
            s = stage_of[i]
            source = "entry" if s == 0 else ids[int(rng.choice(per_stage[s - 1]))]
            add(source, ids[i])
    while len(edges) < transitions:  # top up with forward transitions to the requested size
        i = int(rng.integers(0, touchpoints))
        s = stage_of[i]
        if s + 1 < stages:
            add(ids[i], ids[int(rng.choice(per_stage[s + 1]))])
    doc: dict[str, Any] = {
        "id": f"bench-{profile}-{touchpoints}",
        "name": f"Benchmark journey, {touchpoints} touchpoints",
        "scale": {"min": 0, "max": 10},
        "stages": [{"id": f"s{s}", "name": f"Stage {s}", "phase": "sale"} for s in range(stages)],
        "touchpoints": [
            {
                "id": ids[i],
                "name": f"Touchpoint {i}",
                "stage": f"s{stage_of[i]}",
                "experience": int(rng.integers(2, 11)),
                "expectation": int(rng.integers(4, 11)),
                "importance": int(rng.integers(1, 10)),
            }
            for i in range(touchpoints)
        ],
        "outcomes": [{"id": o, "name": o, "kind": k} for o, k in OUTCOMES],
        "transitions": [{"from": u, "to": v, "customers": w} for (u, v), w in edges.items()],
    }
    return doc


def nx_graph(journey: Journey) -> nx.DiGraph:
    """The journey for networkx: ``−log p`` weights and a virtual ``__end__`` after the outcomes."""
    totals: dict[str, float] = {}
    for t in journey.transitions:
        totals[t.source] = totals.get(t.source, 0.0) + t.weight
    g = nx.DiGraph()
    for t in journey.transitions:
        if t.weight > 0:
            g.add_edge(t.source, t.target, weight=-math.log(t.weight / totals[t.source]))
    for o in journey.outcomes:
        g.add_edge(o.id, "__end__", weight=0.0)
    return g


def compiled(journey: Journey) -> Chain:
    """Our counterpart of networkx's weighted DiGraph: the compiled chain with its adjacency
    lists, probabilities and ``−log p`` weights (no query work: bounds are computed per query)."""
    chain = compile_journey(journey)
    _ = (chain.arrays, chain.reverse_arrays, chain.node_pain, chain.entrants)
    return chain


def nx_top(g: nx.DiGraph, k: int) -> list[list[str]]:
    return [p[:-1] for p in islice(nx.shortest_simple_paths(g, "entry", "__end__", weight="weight"), k)]


def median_ms(
    fn: Callable[[Any], Any], repeat: int, setup: Callable[[], Any] = lambda: None
) -> tuple[float, Any]:
    """Median wall time of ``fn(setup())`` in ms (``setup`` is not timed) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        arg = setup()
        start = time.perf_counter()
        result = fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, result


def interleaved(
    ours: Callable[[Any], Any],
    setup: Callable[[], Any],
    theirs: Callable[[], Any],
    rounds: int,
    per_round: int,
) -> tuple[float, float, Any, Any]:
    """Medians (ms) of ours and theirs timed in alternation, so both see the same machine load."""
    mine: list[float] = []
    other: list[float] = []
    ours_result = theirs_result = None
    for _ in range(rounds):
        start = time.perf_counter()
        theirs_result = theirs()
        other.append(time.perf_counter() - start)
        for _ in range(per_round):
            arg = setup()
            start = time.perf_counter()
            ours_result = ours(arg)
            mine.append(time.perf_counter() - start)
    return statistics.median(mine) * 1e3, statistics.median(other) * 1e3, ours_result, theirs_result


def run(touchpoints: int, transitions: int, profile: str, repeat: int, nx_repeat: int) -> None:
    journey = generate(touchpoints, transitions, profile)
    print(f"\n== {profile}: {touchpoints} touchpoints, {len(journey.transitions)} transitions ==")
    row = "{:<56} {:>10.2f} ms"
    if nx_repeat:
        g = nx_graph(journey)
        chain = compiled(journey)
        targets = chain.outcome_mask()
        per_round = max(1, repeat // nx_repeat)
        variants: list[tuple[str, Callable[[Any], Any], Callable[[], Any], Callable[[], Any], int]] = [
            # (label, ours, setup for ours, theirs, our calls per networkx call)
            (
                "search, alternating 1:1 (cold)",
                lambda c: search(c, 10, "probability", targets),
                lambda: chain,
                lambda: nx_top(g, 10),
                1,
            ),
            (
                "search, repeated (warm)",
                lambda c: search(c, 10, "probability", targets),
                lambda: chain,
                lambda: nx_top(g, 10),
                repeat,
            ),
            (
                "document, alternating 1:1 (cold)",
                lambda c: paths_of(c, 10, "probability"),
                lambda: chain,
                lambda: nx_top(g, 10),
                1,
            ),
            (
                "document, repeated (warm)",
                lambda c: paths_of(c, 10, "probability"),
                lambda: chain,
                lambda: nx_top(g, 10),
                repeat,
            ),
            (
                "search, chain compiled just before",
                lambda c: search(c, 10, "probability", targets),
                lambda: compiled(journey),
                lambda: nx_top(g, 10),
                per_round,
            ),
            (
                "document, from the Journey (after its first query)",
                lambda _: top_paths(journey, k=10, rank="probability"),
                lambda: None,
                lambda: nx_top(g, 10),
                repeat,
            ),
        ]
        theirs: Any = None
        for label, ours_fn, setup, theirs_fn, calls in variants:
            ours_ms, nx_ms, _, theirs = interleaved(ours_fn, setup, theirs_fn, nx_repeat, calls)
            print(
                row.format(f"ours: {label}", ours_ms)
                + f"   networkx {nx_ms:7.2f} ms   {nx_ms / ours_ms:5.0f}x"
            )
        ours = paths_of(chain, 10, "probability")
        lengths = sorted({len(p["nodes"]) for p in ours["paths"]})
        same = _same_paths(ours, theirs, g)
        print(f"identical paths: {same}; path lengths {lengths}")
    t_an, doc = median_ms(lambda _: analyze(journey), repeat)
    print(
        row.format("analyze (flow, removal effects, carried)", t_an)
        + f"   success {doc['success_probability']:.4f}"
    )
    t_pain, _ = median_ms(lambda _: top_paths(journey, k=10, rank="pain"), repeat)
    print(row.format("top-10 by pain mass, from the Journey", t_pain))


def _same_paths(ours: dict[str, Any], theirs: list[list[str]], g: nx.DiGraph) -> bool:
    """Same list; where probabilities tie exactly, networkx's order among them is arbitrary."""
    mine = [p["nodes"] for p in ours["paths"]]
    if mine == theirs:
        return True
    weights = [round(nx.path_weight(g, p, "weight"), 12) for p in theirs]
    mine_w = [round(-math.log(p["probability"]), 12) for p in ours["paths"]]
    return weights == mine_w and sorted(map(tuple, mine)) == sorted(map(tuple, theirs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["2000:10000", "20000:100000"])
    parser.add_argument("--profiles", nargs="*", default=["branching", "funnel"])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--nx-repeat", type=int, default=15)
    args = parser.parse_args()
    for size in args.sizes:
        n, m = (int(x) for x in size.split(":"))
        for profile in args.profiles:
            run(n, m, profile, args.repeat, args.nx_repeat)


if __name__ == "__main__":
    main()
