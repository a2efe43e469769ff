"""Every format, on random valid journeys (with loops, shares, zero-weight transitions)."""

from __future__ import annotations

import io
import json

import networkx as nx
from hypothesis import HealthCheck, given, settings

from journeymap.export import FORMATS, export_journey
from journeymap.model import Journey
from tests.export.test_text_formats import parse_flowchart, parse_journey_diagram
from tests.strategies import journeys


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(max_touchpoints=8))
def test_every_format_exports_and_parses_back(journey: Journey) -> None:
    results = {
        fmt: export_journey(journey, fmt, with_analysis=fmt != "mermaid-journey").content for fmt in FORMATS
    }
    nodes = 1 + len(journey.touchpoints) + len(journey.outcomes)
    edges = len(journey.transitions)
    for g in (nx.read_graphml(io.BytesIO(results["graphml"])), nx.read_gexf(io.BytesIO(results["gexf"]))):
        assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)
    d3 = nx.node_link_graph(json.loads(results["d3"]), edges="links")
    assert (d3.number_of_nodes(), d3.number_of_edges()) == (nodes, edges)
    entrants = journey.effective_entrants
    for node, data in d3.nodes(data=True):  # flow balance: customers in = visits = customers out
        inflow = sum(d3.edges[u, node]["expected_customers"] for u in d3.predecessors(node))
        outflow = sum(d3.edges[node, v]["expected_customers"] for v in d3.successors(node))
        tolerance = 1e-6 * max(1.0, entrants)
        if data["type"] == "touchpoint":
            assert abs(inflow - entrants * data["reach"]) < tolerance
            assert abs(outflow - entrants * data["reach"]) < tolerance
        elif data["type"] == "outcome":
            assert abs(inflow - data["expected_customers"]) < tolerance
        else:
            assert abs(outflow - entrants) < tolerance
    cyto = json.loads(results["cytoscape"])["elements"]
    assert len(cyto["nodes"]) == nodes + len(journey.stages) and len(cyto["edges"]) == edges
    flow_nodes, flow_edges, _ = parse_flowchart(results["mermaid"].decode())
    assert (len(flow_nodes), len(flow_edges)) == (nodes, edges)
    parse_journey_diagram(results["mermaid-journey"].decode())
    assert results["cypher"].decode().count(";\n") >= 7


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(max_touchpoints=8))
def test_map_page_renders_any_journey(journey: Journey) -> None:
    from journeymap.export import map_html

    board = map_html(journey).split('<svg class="map"')[1].split("</svg>")[0]
    assert board.count(" data-touchpoint=") == len(journey.touchpoints)
    assert board.count(" data-outcome=") == len(journey.outcomes)
    assert board.count(" data-edge=") == len(journey.transitions)
