"""Each export read back by its consumer's own library: python-igraph, networkx, Cytoscape.js, Graphviz."""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import pytest

from journeymap.display import percent
from journeymap.engine import analyze, by_touchpoint
from journeymap.errors import InvalidInput
from journeymap.export import export_journey, palette
from journeymap.files import load_journey
from journeymap.model import ENTRY, Journey
from tests.export.conftest import JS
from tests.export.journeys import FIXTURES
from tests.export.test_formats import node_names

GEXF_13 = "{http://gexf.net/1.3}"
VIZ_13 = "{http://gexf.net/1.3/viz}"


@pytest.mark.parametrize("with_analysis", [False, True])
def test_graphml_reads_into_igraph_without_warnings(
    journey: Journey, with_analysis: bool, tmp_path: Path
) -> None:
    path = tmp_path / "journey.graphml"
    path.write_bytes(export_journey(journey, "graphml", with_analysis).content)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # igraph reports a clashing edge `id` key as a RuntimeWarning
        g = igraph.Graph.Read_GraphML(str(path))
    assert g.is_directed()
    assert {v["id"]: v["label"] for v in g.vs} == node_names(journey)
    assert sorted((g.vs[e.source]["id"], g.vs[e.target]["id"]) for e in g.es) == sorted(
        (t.source, t.target) for t in journey.transitions
    )
    assert g["name"] == journey.name.replace("\r\n", "\n")
    if with_analysis:
        reach = by_touchpoint(analyze(journey))
        for v in g.vs.select(type_eq="touchpoint"):
            assert v["reach"] == pytest.approx(reach[v["id"]]["reach"])


@pytest.mark.parametrize("with_analysis", [False, True])
def test_gexf_13_carries_viz_and_the_journey_meta(journey: Journey, with_analysis: bool) -> None:
    content = export_journey(journey, "gexf", with_analysis).content
    root = ET.fromstring(content)
    assert root.tag == GEXF_13 + "gexf" and root.get("version") == "1.3"
    meta = root.find(GEXF_13 + "meta")
    assert meta is not None and meta.get("lastmodifieddate") is None  # no clock: same bytes every run
    assert meta.findtext(GEXF_13 + "title") == journey.name.replace("\r\n", "\n")
    assert f"entrants={journey.effective_entrants}" in (meta.findtext(GEXF_13 + "description") or "")
    g = nx.read_gexf(io.BytesIO(content), version="1.3")
    assert {n: d["label"] for n, d in g.nodes(data=True)} == node_names(journey)
    rows = {str(r["id"]): r for r in _node_rows(journey)}
    half = palette.extent(float(r.get("satisfaction", 0)) for r in rows.values())
    positions = set()
    for node, data in g.nodes(data=True):
        viz = data["viz"]
        colour = "#{:02x}{:02x}{:02x}".format(*(viz["color"][c] for c in "rgb"))
        assert colour == palette.node_fill(rows[node], half)
        assert 10 <= viz["size"] <= 40
        positions.add((viz["position"]["x"], viz["position"]["y"]))
    assert len(positions) == g.number_of_nodes()  # every node placed, none on another
    x = {n: d["viz"]["position"]["x"] for n, d in g.nodes(data=True)}
    stage_order = {s.id: i for i, s in enumerate(journey.stages)}
    for tp in journey.touchpoints:  # stages run left to right, entry first, outcomes last
        assert x[ENTRY] < x[tp.id] < min(x[o.id] for o in journey.outcomes)
        for other in journey.touchpoints:
            if stage_order[tp.stage] < stage_order[other.stage]:
                assert x[tp.id] < x[other.id]
    edges = list(root.iter(GEXF_13 + "edge"))  # networkx reads no edge viz: the XML itself
    thickness = [float(e.find(VIZ_13 + "thickness").get("value", "0")) for e in edges]  # type: ignore[union-attr]
    assert len(edges) == len(journey.transitions) and min(thickness) >= 1 and max(thickness) <= 8
    assert export_journey(journey, "gexf", with_analysis).content == content


def _node_rows(journey: Journey) -> list[dict[str, Any]]:
    from journeymap.export.tables import journey_tables

    return list(journey_tables(journey).nodes)


READ_WITH_CYTOSCAPE = """
const cytoscape = require("cytoscape");
const doc = JSON.parse(require("fs").readFileSync(0, "utf8"));
const cy = cytoscape({ headless: true });
cy.json(doc);
console.log(JSON.stringify({
  name: cy.data("name"),
  id: cy.data("id"),
  entrants: cy.data("entrants"),
  nodes: cy.nodes().map(n => [n.id(), n.data("name"), n.isChild() ? n.parent().id() : null]),
  edges: cy.edges().map(e => [e.source().id(), e.target().id()]),
  json: cy.json().data,
}));
"""


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_cytoscape_js_keeps_the_graph_data_through_cy_json(path: Path, node_modules: Path) -> None:
    journey = load_journey(path)
    content = export_journey(journey, "cytoscape", True).content
    run = subprocess.run(
        ["node", "-e", READ_WITH_CYTOSCAPE],
        input=content,
        cwd=JS,
        capture_output=True,
        check=True,
    )
    seen = json.loads(run.stdout)
    assert (seen["name"], seen["id"]) == (journey.name, journey.id)
    assert seen["entrants"] == journey.effective_entrants
    assert seen["json"]["success_probability"] == pytest.approx(analyze(journey)["success_probability"])
    parents = {n: p for n, _, p in seen["nodes"]}
    names = {n: name for n, name, _ in seen["nodes"]}
    assert {tp.id: parents[tp.id] for tp in journey.touchpoints} == {
        tp.id: tp.stage for tp in journey.touchpoints
    }
    assert {n: names[n] for n in node_names(journey)} == node_names(journey)
    assert sorted(map(tuple, seen["edges"])) == sorted((t.source, t.target) for t in journey.transitions)


def _dot_labels(journey: Journey, with_analysis: bool) -> dict[str, str]:
    """Node id -> label as Graphviz itself reads the DOT (``dot -Tjson``)."""
    run = subprocess.run(
        ["dot", "-Tjson"], input=export_journey(journey, "dot", with_analysis).content, capture_output=True
    )
    assert run.returncode == 0, run.stderr.decode()
    objects = json.loads(run.stdout)["objects"]
    return {o["name"]: o["label"] for o in objects if "label" in o and "nodes" not in o}


def test_dot_analysis_labels_read_as_the_cli_prints_them(journey: Journey) -> None:
    analysis = by_touchpoint(analyze(journey))
    labels = _dot_labels(journey, True)
    for tid, figures in analysis.items():
        lines = labels[tid].split("\\n")  # line breaks as DOT escapes them
        assert "removal_effect" not in labels[tid]
        if figures["removal_effect"] is not None:
            assert f"removal effect {percent(figures['removal_effect'])}" in lines
        reach = [line for line in lines if line.startswith("reach ")]
        assert len(reach) == 1 and math.isclose(float(reach[0].split()[1]), figures["reach"], rel_tol=5e-3)
    plain = _dot_labels(journey, False)
    assert not any(re.search(r"\\nreach ", label) for label in plain.values())
    assert any(re.search(r"\\nreach ", label) for label in labels.values())


def test_mermaid_journey_refuses_with_analysis_clearly(journey: Journey) -> None:
    with pytest.raises(InvalidInput, match=r"mermaid-journey .* without the analysis"):
        export_journey(journey, "mermaid-journey", with_analysis=True)


def test_a_cjk_font_covers_every_fixture_name() -> None:
    """Graphviz (via fontconfig) and Chromium find a font for every Chinese character of the fixtures."""
    text = "".join(
        t.name + s.name for p in FIXTURES for j in [load_journey(p)] for t in j.touchpoints for s in j.stages
    )
    cjk = sorted({ch for ch in text if "\u3400" <= ch <= "\u9fff"})
    assert cjk, "the fixtures have Chinese names"
    charset = " ".join(f"{ord(ch):x}" for ch in cjk)
    fonts = subprocess.run(["fc-list", f":charset={charset}", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "no font covers the fixtures' Chinese names: run `make system-deps`"
