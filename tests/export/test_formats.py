"""Every data format parses back with an independent reader; counts, names and figures survive."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict

import networkx as nx
import pytest

from journeymap.engine import by_touchpoint
from journeymap.errors import InvalidInput
from journeymap.export import FORMATS, export_journey
from journeymap.model import ENTRY, Journey

YFILES = "{http://www.yworks.com/xml/graphml}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def node_names(journey: Journey) -> dict[str, str]:
    """Node id -> name, with line breaks as ``\n`` (the exports normalise ``\r\n``)."""
    names = {
        ENTRY: "Entry",
        **{t.id: t.name for t in journey.touchpoints},
        **{o.id: o.name for o in journey.outcomes},
    }
    return {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in names.items()}


def probabilities(journey: Journey) -> dict[tuple[str, str], float]:
    out: dict[str, float] = defaultdict(float)
    for t in journey.transitions:
        out[t.source] += t.weight
    return {(t.source, t.target): t.weight / out[t.source] for t in journey.transitions}


def test_every_format_is_listed_and_named(journey: Journey) -> None:
    assert set(FORMATS) == {
        "graphml",
        "gexf",
        "cytoscape",
        "d3",
        "dot",
        "mermaid",
        "mermaid-journey",
        "csv",
        "cypher",
    }
    for fmt in FORMATS:
        result = export_journey(journey, fmt)
        assert result.content and result.filename.startswith(journey.id + ".")
        assert result.media_type


def test_unknown_format_is_refused_with_the_choices(journey: Journey) -> None:
    with pytest.raises(InvalidInput, match=r"graphml.*cypher"):
        export_journey(journey, "pdf")


@pytest.mark.parametrize("with_analysis", [False, True])
def test_graphml_reads_back_with_yed_labels(journey: Journey, with_analysis: bool) -> None:
    content = export_journey(journey, "graphml", with_analysis).content
    g = nx.read_graphml(io.BytesIO(content))
    names = node_names(journey)
    assert set(g.nodes) == set(names)
    assert g.number_of_edges() == len(journey.transitions)
    for node, data in g.nodes(data=True):
        assert data["label"] == names[node]
    for tp in journey.touchpoints:
        assert g.nodes[tp.id]["stage"] == tp.stage
        assert g.nodes[tp.id]["experience"] == pytest.approx(tp.experience)
        assert g.nodes[tp.id]["satisfaction"] == pytest.approx(tp.experience - tp.expected)
    root = ET.fromstring(content)
    keys = {k.get("yfiles.type"): k.get("id") for k in root.iter(GRAPHML + "key") if k.get("yfiles.type")}
    assert set(keys) == {"nodegraphics", "edgegraphics"}
    for node in root.iter(GRAPHML + "node"):
        labels = [label.text for label in node.iter(YFILES + "NodeLabel")]
        assert labels == [names[node.get("id", "")]]
    edge_ids = [e.get("id") for e in root.iter(GRAPHML + "edge")]
    assert len(edge_ids) == len(set(edge_ids)) == len(journey.transitions)
    assert None not in edge_ids


def test_graphml_with_analysis_carries_the_engine_figures(journey: Journey) -> None:
    from journeymap.engine import analyze

    analysis = analyze(journey)
    g = nx.read_graphml(io.BytesIO(export_journey(journey, "graphml", True).content))
    for tid, figures in by_touchpoint(analysis).items():
        for name in ("reach", "pain", "priority", "carried", "removal_effect"):
            if figures[name] is None:
                assert name not in g.nodes[tid]
            else:
                assert g.nodes[tid][name] == pytest.approx(figures[name])
    entrants = journey.effective_entrants
    for (u, v), p in probabilities(journey).items():
        assert g.edges[u, v]["probability"] == pytest.approx(p)
        if u == ENTRY:
            assert g.edges[u, v]["expected_customers"] == pytest.approx(entrants * p)
    for o in journey.outcomes:
        assert g.nodes[o.id]["probability"] == pytest.approx(analysis["outcomes"][o.id])


def test_plain_exports_have_no_analysis_figures(journey: Journey) -> None:
    g = nx.read_graphml(io.BytesIO(export_journey(journey, "graphml").content))
    assert not any("reach" in d or "priority" in d for _, d in g.nodes(data=True))
    assert not any("probability" in d for _, _, d in g.edges(data=True))


@pytest.mark.parametrize("with_analysis", [False, True])
def test_gexf_reads_back_with_declared_attributes(journey: Journey, with_analysis: bool) -> None:
    content = export_journey(journey, "gexf", with_analysis).content
    g = nx.read_gexf(io.BytesIO(content))
    names = node_names(journey)
    assert {n: d["label"] for n, d in g.nodes(data=True)} == names
    assert g.number_of_edges() == len(journey.transitions)
    for tp in journey.touchpoints:
        assert g.nodes[tp.id]["stage"] == tp.stage
        assert g.nodes[tp.id]["importance"] == pytest.approx(tp.weight)
    declared = {a.get("title") for a in ET.fromstring(content).iter() if a.tag.endswith("attribute")}
    assert {"stage", "experience", "satisfaction", "type"} <= declared
    if with_analysis:
        assert {"reach", "priority", "carried"} <= declared
    edge_ids = [e.get("id") for e in ET.fromstring(content).iter() if e.tag.endswith("}edge")]
    assert len(set(edge_ids)) == len(journey.transitions)


def test_cytoscape_has_stages_as_compound_parents(journey: Journey) -> None:
    document = json.loads(export_journey(journey, "cytoscape").content)
    nodes = {n["data"]["id"]: n["data"] for n in document["elements"]["nodes"]}
    edges = document["elements"]["edges"]
    assert set(nodes) == set(node_names(journey)) | {s.id for s in journey.stages}
    for stage in journey.stages:
        assert nodes[stage.id]["type"] == "stage" and nodes[stage.id]["name"] == stage.name
    names = node_names(journey)
    for tp in journey.touchpoints:
        assert nodes[tp.id]["parent"] == tp.stage
        assert nodes[tp.id]["name"] == names[tp.id]
    assert len(edges) == len(journey.transitions)
    ids = [e["data"]["id"] for e in edges] + list(nodes)
    assert len(ids) == len(set(ids))  # Cytoscape.js needs ids unique across nodes and edges
    g = nx.cytoscape_graph(document)
    assert g.number_of_edges() == len(journey.transitions)


@pytest.mark.parametrize("with_analysis", [False, True])
def test_d3_node_link_round_trips(journey: Journey, with_analysis: bool) -> None:
    document = json.loads(export_journey(journey, "d3", with_analysis).content)
    g = nx.node_link_graph(document, edges="links")
    assert {n: d["label"] for n, d in g.nodes(data=True)} == node_names(journey)
    assert {(u, v) for u, v in g.edges} == {(t.source, t.target) for t in journey.transitions}
    for t in journey.transitions:
        data = g.edges[t.source, t.target]
        assert data.get("customers") == t.customers and data.get("share") == t.share
    assert [s["id"] for s in document["graph"]["stages"]] == [s.id for s in journey.stages]
    if with_analysis:
        for (u, v), p in probabilities(journey).items():
            assert g.edges[u, v]["probability"] == pytest.approx(p)


def test_lanes_personas_and_notes_travel_in_graphml_gexf_and_csv() -> None:
    from journeymap.model import parse_journey
    from tests.annotated import AWKWARD, annotated_document

    journey = parse_journey(annotated_document())
    g = nx.read_graphml(io.BytesIO(export_journey(journey, "graphml").content))
    assert g.nodes["shop"]["lane"] == "front-stage"
    assert g.nodes["shop"]["personas"] == "regular,tourist"
    assert g.nodes["shop"]["notes"] == AWKWARD
    assert "personas" not in g.nodes["pay"]
    assert g.edges["shop", "lost"]["personas"] == "tourist,regular"
    gexf = nx.read_gexf(io.BytesIO(export_journey(journey, "gexf").content))
    assert gexf.nodes["care"]["lane"] == "Partner: courier"
    with zipfile.ZipFile(io.BytesIO(export_journey(journey, "csv").content)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8"))))
    assert {r["id"]: r["lane"] for r in rows if r[":LABEL"] == "Touchpoint"} == {
        "shop": "front-stage",
        "pay": "back-stage",
        "care": "Partner: courier",
    }
