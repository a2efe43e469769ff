"""Export and map timings on a 200-touchpoint journey, against networkx's bare writers.

    .venv/bin/python benchmarks/export_bench.py [--repeat 7]

The peer is networkx itself: ``write_graphml``/``generate_gexf``/``node_link_data``
(+ ``json.dumps``) on the same flat graph, without the journey flattening, analysis or yEd graphics
that ``export_journey`` adds. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from journeymap.export import FORMATS, export_journey, map_html
from journeymap.export.networkx_formats import tables_graph
from journeymap.export.tables import journey_tables
from tests.export.journeys import big_journey


def median_ms(task: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    journey = big_journey()
    flat = tables_graph(journey_tables(journey))
    peers: dict[str, Callable[[], object]] = {
        "graphml": lambda: nx.write_graphml(flat.copy(), io.BytesIO()),
        "gexf": lambda: "\n".join(nx.generate_gexf(flat)),
        "d3": lambda: json.dumps(nx.node_link_data(flat, edges="links"), ensure_ascii=False, indent=2),
    }
    print(
        f"journey: {len(journey.touchpoints)} touchpoints, {len(journey.transitions)} transitions; "
        f"median of {repeat}\n"
    )
    print("| format | export (ms) | with analysis (ms) | networkx writer alone (ms) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for fmt in FORMATS:
        ours = median_ms(lambda fmt=fmt: export_journey(journey, fmt), repeat)
        analysed = median_ms(lambda fmt=fmt: export_journey(journey, fmt, with_analysis=True), repeat)
        peer = median_ms(peers[fmt], repeat) if fmt in peers else None
        peer_text = f"{peer:.1f}" if peer is not None else "—"
        ratio = f"{ours / peer:.1f}×" if peer else "—"
        print(f"| {fmt} | {ours:.1f} | {analysed:.1f} | {peer_text} | {ratio} |")
    print(f"| map page | {median_ms(lambda: map_html(journey), repeat):.1f} | (always analysed) | — | — |")


if __name__ == "__main__":
    main()
