"""Timing and behaviour in every graph export, read back by each format's consumer.

The oracle is the journey file itself, read with plain PyYAML (not the model):
each touchpoint's ``source`` (or survey/designer), ``expected_wait`` (converted
here by hand), dwell ``time`` and ``measures``; each transition's ``time`` and
``expected_wait``. The readers are python-igraph (GraphML), networkx (GEXF),
Cytoscape.js (its JSON), neo4j-admin's header rules (CSV), a real Bolt server
(the Cypher script) and Graphviz itself (DOT labels, in human units).
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import pytest
import yaml

from journeymap.export import export_journey
from journeymap.model import ENTRY, Journey, parse_journey
from tests.bolt_servers import BoltServer
from tests.export.conftest import JS
from tests.export.test_cypher import run_script
from tests.export.test_neo4j_csv import Graph, import_zip

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "planted-friction.yaml"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

SMALL: dict[str, Any] = {
    "id": "timed",
    "name": "Timed",
    "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    "touchpoints": [
        {"id": "call", "name": "Call", "stage": "s", "experience": 4, "expectation": 6, "responses": 12,
         "expected_wait": "5m", "time": {"n": 3, "median_s": 240.0, "p90_s": 1500.0, "mean_s": 410.5}},
        {"id": "visit", "name": "Visit", "stage": "s", "experience": 2, "expectation": 5,
         "source": "behaviour",
         "measures": [{"measure": "rework", "value": 0.25, "n": 8, "target": 0.1, "score": 2.5},
                      {"measure": "repeat_contact", "value": 3.0, "n": 2}]},
    ],
    "outcomes": [{"id": "ok", "name": "OK", "kind": "success"},
                 {"id": "no", "name": "No", "kind": "failure"}],
    "transitions": [
        {"from": "entry", "to": "call", "customers": 10},
        {"from": "call", "to": "visit", "customers": 8, "expected_wait": "90s",
         "time": {"n": 8, "median_s": 8280.0, "p90_s": 95040.0, "mean_s": 20000.0}},
        {"from": "call", "to": "no", "customers": 2, "expected_wait": 30},
        {"from": "visit", "to": "ok", "customers": 8},
    ],
}  # fmt: skip


def _seconds(written: str | float) -> float:
    if isinstance(written, str):
        return float(written[:-1]) * UNITS[written[-1]]
    return float(written)


def expected(raw: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
    """From the raw document: the timing and behaviour attributes each node and edge must carry."""
    nodes = {}
    for tp in raw["touchpoints"]:
        want: dict[str, Any] = {
            "score_source": tp.get("source") or ("survey" if tp.get("responses") else "designer")
        }
        if "expected_wait" in tp:
            want["expected_wait_s"] = _seconds(tp["expected_wait"])
        want.update({f"dwell_{k}": v for k, v in (tp.get("time") or {}).items()})
        for m in tp.get("measures") or []:
            key = "measure_" + m["measure"]
            want[key] = m["value"]
            want.update({f"{key}_{k}": m[k] for k in ("target", "n", "score") if k in m})
        nodes[tp["id"]] = want
    edges = {}
    for t in raw["transitions"]:
        want = {f"time_{k}": v for k, v in (t.get("time") or {}).items()}
        if "expected_wait" in t:
            want["expected_wait_s"] = _seconds(t["expected_wait"])
        edges[(t["from"], t["to"])] = want
    return nodes, edges


def same(seen: dict[str, Any], want: dict[str, Any], where: object) -> None:
    for key, value in want.items():
        assert key in seen, (where, key)
        if isinstance(value, str):
            assert seen[key] == value, (where, key)
        else:
            assert float(seen[key]) == pytest.approx(float(value), rel=1e-12), (where, key)


@pytest.fixture(params=["planted-friction", "small"])
def raw(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "small":
        return SMALL
    document: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return document


def journey_of(raw: dict[str, Any]) -> Journey:
    return parse_journey(raw)


def test_the_oracle_covers_every_kind_of_attribute(raw: dict[str, Any]) -> None:
    nodes, edges = expected(raw)
    keys = {k for want in [*nodes.values(), *edges.values()] for k in want}
    assert {"score_source", "dwell_median_s", "dwell_p90_s", "time_median_s", "time_p90_s", "time_n"} <= keys
    assert {"expected_wait_s", "measure_rework" if raw is SMALL else "measure_wait"} <= keys
    assert any(v.get("score_source") == "behaviour" for v in nodes.values())


def test_graphml_read_by_igraph_carries_timing_and_behaviour(raw: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "journey.graphml"
    path.write_bytes(export_journey(journey_of(raw), "graphml", with_analysis=True).content)
    g = igraph.Graph.Read_GraphML(str(path))
    nodes, edges = expected(raw)
    for v in g.vs:
        if v["id"] in nodes:
            same(v.attributes(), nodes[v["id"]], v["id"])
    for e in g.es:
        pair = (g.vs[e.source]["id"], g.vs[e.target]["id"])
        same(e.attributes(), edges[pair], pair)
        for key in ("time_median_s", "expected_wait_s"):  # absent means NaN in igraph, never a made-up 0
            if key not in edges[pair]:
                assert math.isnan(e.attributes().get(key, math.nan)), (pair, key)


def test_gexf_read_by_networkx_carries_timing_and_behaviour(raw: dict[str, Any]) -> None:
    content = export_journey(journey_of(raw), "gexf", with_analysis=True).content
    g = nx.read_gexf(io.BytesIO(content), version="1.3")
    nodes, edges = expected(raw)
    for tid, want in nodes.items():
        same(g.nodes[tid], want, tid)
    for pair, want in edges.items():
        same(g.edges[pair], want, pair)
        assert ("time_median_s" in g.edges[pair]) == ("time_median_s" in want)


READ_DATA_WITH_CYTOSCAPE = """
const cytoscape = require("cytoscape");
const cy = cytoscape({ headless: true });
cy.json(JSON.parse(require("fs").readFileSync(0, "utf8")));
console.log(JSON.stringify({
  nodes: cy.nodes().map(n => [n.id(), n.data()]),
  edges: cy.edges().map(e => [e.source().id(), e.target().id(), e.data()]),
}));
"""


def test_cytoscape_js_reads_timing_and_behaviour(raw: dict[str, Any], node_modules: Path) -> None:
    content = export_journey(journey_of(raw), "cytoscape", with_analysis=True).content
    run = subprocess.run(
        ["node", "-e", READ_DATA_WITH_CYTOSCAPE], input=content, cwd=JS, capture_output=True, check=True
    )
    seen = json.loads(run.stdout)
    nodes, edges = expected(raw)
    data = dict(seen["nodes"])
    for tid, want in nodes.items():
        same(data[tid], want, tid)
    for source, target, found in seen["edges"]:
        same(found, edges[(source, target)], (source, target))


def test_neo4j_admin_csv_imports_timing_and_behaviour_typed(raw: dict[str, Any]) -> None:
    graph = Graph()
    import_zip(graph, export_journey(journey_of(raw), "csv", with_analysis=True).content)
    nodes, edges = expected(raw)
    by_id = {v["id"]: v for (space, _), v in graph.nodes.items() if space == "Node"}
    for tid, want in nodes.items():
        same(by_id[tid], want, tid)
        if "dwell_n" in want:
            assert isinstance(by_id[tid]["dwell_n"], int)
    nexts = {
        (graph.nodes[s]["id"], graph.nodes[e]["id"]): p for t, s, e, p in graph.relationships if t == "NEXT"
    }
    for pair, want in edges.items():
        same(nexts[pair], want, pair)
        if "time_median_s" in want:
            assert isinstance(nexts[pair]["time_median_s"], float)


@pytest.fixture
def bolt(falkordb: BoltServer) -> Any:
    yield falkordb
    falkordb.query("MATCH (n:JourneymapExport) DETACH DELETE n")


def test_cypher_script_stores_timing_and_behaviour(raw: dict[str, Any], bolt: BoltServer) -> None:
    journey = journey_of(raw)
    run_script(bolt.driver, export_journey(journey, "cypher", with_analysis=True).content.decode())
    rows = bolt.query(
        "MATCH (n:Touchpoint {journey: $j}) RETURN n.id AS id, properties(n) AS p", j=journey.id
    )
    links = bolt.query(
        "MATCH (a {journey: $j})-[r:NEXT]->(b) RETURN a.id AS a, b.id AS b, properties(r) AS p", j=journey.id
    )
    nodes, edges = expected(raw)
    assert {r["id"] for r in rows} == set(nodes)
    for r in rows:
        same(r["p"], nodes[r["id"]], r["id"])
    assert {(r["a"], r["b"]) for r in links} == set(edges)
    for r in links:
        same(r["p"], edges[(r["a"], r["b"])], (r["a"], r["b"]))


def _read_duration(text: str) -> float:
    return float(text[:-1]) * UNITS[text[-1]]


def test_dot_labels_show_times_in_human_units(raw: dict[str, Any]) -> None:
    journey = journey_of(raw)
    run = subprocess.run(
        ["dot", "-Tjson"], input=export_journey(journey, "dot", True).content, capture_output=True, check=True
    )
    drawn = json.loads(run.stdout)
    names = {i: o["name"] for i, o in enumerate(drawn["objects"])}
    nodes, edges = expected(raw)
    labels = {(names[e["tail"]], names[e["head"]]): e for e in drawn["edges"]}
    for pair, want in edges.items():
        lines = labels[pair]["label"].split("\\n")
        if "time_median_s" in want:  # the compact time reads back to the median and p90 (2 digits)
            found = re.fullmatch(r"med (\S+) · p90 (\S+)", lines[1])
            assert found, lines
            assert _read_duration(found[1]) == pytest.approx(want["time_median_s"], rel=0.05)
            assert _read_duration(found[2]) == pytest.approx(want["time_p90_s"], rel=0.05)
            assert f"(n {want['time_n']:,})" in labels[pair]["tooltip"]
        else:
            assert len(lines) == 1
        if "expected_wait_s" in want:
            assert "expected wait " in labels[pair]["tooltip"]
    objects = {o["name"]: o for o in drawn["objects"] if "label" in o and "nodes" not in o}
    for tid, want in nodes.items():
        lines = objects[tid]["label"].split("\\n")
        assert f"source {want['score_source']}" in lines
        assert any(line.startswith("dwell med ") for line in lines) == ("dwell_median_s" in want)
    plain = subprocess.run(
        ["dot", "-Tjson"], input=export_journey(journey, "dot").content, capture_output=True
    )
    assert "med " not in plain.stdout.decode() and "source " not in plain.stdout.decode()


def test_hand_worked_dot_labels_of_the_small_journey() -> None:
    text = export_journey(journey_of(SMALL), "dot", True).content.decode()
    # 8280 s = 2.3 h, 95040 s = 1.1 d; 240 s = 4 m, 1500 s = 25 m; the rework 25 % is past its 10 %
    assert 'label="8\\nmed 2.3h · p90 1.1d"' in text
    assert 'tooltip="median 2.3h · p90 1.1d · mean 5.56h (n 8)\\nexpected wait 1.5m"' in text
    assert "source survey\\ndwell med 4m · p90 25m\\nexpected wait 5m" in text
    assert "source behaviour\\nrework 25.0% > 10.0%" in text
    assert ENTRY in text
