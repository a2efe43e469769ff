"""DOT through Debian's graphviz, Mermaid through a parser of its text structure."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from hypothesis import given, settings

from journeymap.export import export_journey
from journeymap.export.mermaid import escape
from journeymap.export.tables import main_path
from journeymap.model import ENTRY, PHASES, Journey
from tests.export.test_formats import node_names
from tests.strategies import journeys

SVG = "{http://www.w3.org/2000/svg}"


def render_svg(dot_source: bytes) -> ET.Element:
    dot = shutil.which("dot")
    assert dot, "graphviz's dot is needed: make system-deps"
    done = subprocess.run([dot, "-Tsvg"], input=dot_source, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert b"syntax error" not in done.stderr
    return ET.fromstring(done.stdout)


@pytest.mark.parametrize("with_analysis", [False, True])
def test_dot_renders_with_clusters_nodes_and_edges(journey: Journey, with_analysis: bool) -> None:
    root = render_svg(export_journey(journey, "dot", with_analysis).content)
    groups: dict[str, list[str]] = {"node": [], "edge": [], "cluster": []}
    texts: list[str] = []
    for g in root.iter(SVG + "g"):
        if g.get("class") in groups:
            title = g.find(SVG + "title")
            groups[str(g.get("class"))].append(title.text if title is not None and title.text else "")
    for t in root.iter(SVG + "text"):
        texts.append(t.text or "")
    names = node_names(journey)
    assert sorted(groups["node"]) == sorted(names)
    assert sorted(groups["edge"]) == sorted(f"{t.source}->{t.target}" for t in journey.transitions)
    phases = {s.phase for s in journey.stages}
    assert sorted(groups["cluster"]) == sorted(
        [f"cluster_{s.id}" for s in journey.stages] + [f"cluster_phase_{p}" for p in phases]
    )
    for name in names.values():  # every line of every name is drawn, unescaped
        for line in name.split("\n"):
            assert line.strip() in [t.strip() for t in texts] or not line.strip()


def test_dot_colours_by_satisfaction_and_widths_by_customers() -> None:
    from tests.export.journeys import odd_journey

    journey = odd_journey()
    text = export_journey(journey, "dot").content.decode()
    widths = {m[0]: float(m[1]) for m in re.findall(r'id="([^"]+)", penwidth=([\d.]+)', text)}
    assert widths["entry->end"] > widths["entry->o"]  # 70 customers against 30
    fills = dict(re.findall(r'^\s*"([^"]+)" \[fillcolor="(#[0-9a-f]{6})"', text, re.M))
    assert fills["a_b"] == "#b2182b"  # the most negative satisfaction: the red end of the scale
    assert fills["0start"] == "#f7f7f7"  # as expected: white


MERMAID_NODE = re.compile(r'^(n\d+)(\(\(|\(\[|\[)"([^"]*)"(\)\)|\]\)|\])$')
MERMAID_EDGE = re.compile(r'^(n\d+) -->\|"([^"]*)"\| (n\d+)$')
MERMAID_SUBGRAPH = re.compile(r'^subgraph (s\d+)\["([^"]*)"\]$')
MERMAID_STYLE = re.compile(r"^style (n\d+) fill:#[0-9a-f]{6},color:#[0-9a-f]{6}$")
MERMAID_LINKSTYLE = re.compile(r"^linkStyle (\d+) stroke-width:[\d.]+px$")
ENTITY = re.compile(r"#(quot|lt|gt|amp|\d+);")


def unescape(label: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    text = label.replace("<br>", "\n")
    return ENTITY.sub(lambda m: named.get(m.group(1)) or chr(int(m.group(1))), text)


def parse_flowchart(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]], dict[str, list[str]]]:
    """Nodes (id -> label), edges and subgraph members; fails on any line it does not know."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("%%")]
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    subgraphs: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines[1:]:
        if m := MERMAID_SUBGRAPH.match(line):
            assert current is None, "subgraphs are not nested"
            current = m[1]
            subgraphs[unescape(m[2])] = []
        elif line == "end":
            assert current is not None
            current = None
        elif m := MERMAID_NODE.match(line):
            nodes[m[1]] = m[3]
            if current is not None:
                subgraphs[list(subgraphs)[-1]].append(m[1])
        elif m := MERMAID_EDGE.match(line):
            edges.append((m[1], m[3], m[2]))
        else:
            assert MERMAID_STYLE.match(line) or MERMAID_LINKSTYLE.match(line), f"unknown line {line!r}"
    assert current is None, "unclosed subgraph"
    for label in nodes.values():
        assert not re.search(r'["`;:<>]', ENTITY.sub("", label.replace("<br>", ""))), label
    return nodes, edges, subgraphs


def test_mermaid_flowchart_structure_and_escaping(journey: Journey) -> None:
    text = export_journey(journey, "mermaid").content.decode()
    nodes, edges, subgraphs = parse_flowchart(text)
    names = node_names(journey)
    by_label = {unescape(label).split("\n")[0]: nid for nid, label in nodes.items()}
    assert len(nodes) == len(names)
    decoded = sorted(unescape(label) for label in nodes.values())
    outcome_shares = [n for n in decoded if n not in names.values()]
    assert not outcome_shares, outcome_shares
    assert sorted(names.values()) == decoded
    assert len(edges) == len(journey.transitions)
    node_of = {names[k]: v for k, v in ((k, by_label[names[k].split("\n")[0]]) for k in names)}
    assert {(e[0], e[1]) for e in edges} == {
        (node_of[names[t.source]], node_of[names[t.target]]) for t in journey.transitions
    }
    assert list(subgraphs) == [s.name.replace("\r\n", "\n") for s in journey.stages]
    for stage in journey.stages:
        members = {node_of[names[t.id]] for t in journey.touchpoints if t.stage == stage.id}
        assert set(subgraphs[stage.name.replace("\r\n", "\n")]) == members
    assert len(re.findall(r"^\s*linkStyle", text, re.M)) == len(journey.transitions)


def test_mermaid_escape_round_trips_hostile_text() -> None:
    from tests.export.journeys import ODD_NAMES

    for name in ODD_NAMES.values():
        escaped = escape(name)
        assert unescape(escaped) == name.replace("\r\n", "\n")
        assert not re.search(r'["`;:{}\[\]|<>]', ENTITY.sub("", escaped.replace("<br>", "")))


def parse_journey_diagram(text: str) -> tuple[str, list[tuple[str, list[tuple[str, int]]]]]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("%%")]
    assert lines[0] == "journey"
    assert lines[1].startswith("title ")
    sections: list[tuple[str, list[tuple[str, int]]]] = []
    for line in lines[2:]:
        if line.startswith("section "):
            sections.append((line[len("section ") :], []))
            continue
        m = re.fullmatch(r"(.+?): ([1-5]): Customer", line)
        assert m, f"not a task line: {line!r}"
        task = re.sub(r"#\w+;", "", m[1])  # entity codes are decoded by Mermaid before parsing
        assert not re.search(r"[:#;]", task), line
        sections[-1][1].append((unescape(m[1]), int(m[2])))
    return lines[1][len("title ") :], sections


def test_mermaid_journey_follows_the_main_path(journey: Journey) -> None:
    text = export_journey(journey, "mermaid-journey").content.decode()
    _, sections = parse_journey_diagram(text)
    route = main_path(journey)
    touchpoints = {t.id: t for t in journey.touchpoints}
    expected = [" ".join(touchpoints[n].name.split()) for n in route if n in touchpoints]
    tasks = [task for name, items in sections if name != "Outcome" for task, _ in items]
    assert tasks == expected
    off_path = len(journey.touchpoints) - len(expected)
    assert ("Non-linear journey" in text) == (off_path > 0)
    for name, _items in sections:
        if name == "Outcome":
            assert route[-1] not in touchpoints and route[-1] != ENTRY
    faces = [face for _, items in sections for _, face in items]
    assert all(1 <= f <= 5 for f in faces)


def main_path_by_brute_force(journey: Journey) -> list[str]:
    """The first of all simple entry-to-outcome paths when each step is ranked as the
    main path ranks it: touchpoints customers go on to by probability, then outcomes."""
    outcomes = {o.id for o in journey.outcomes}
    weights = {(t.source, t.target): t.weight for t in journey.transitions}
    ranking: dict[str, list[str]] = {}
    for node in {t.source for t in journey.transitions}:
        ways = [(-w, v) for (u, v), w in weights.items() if u == node]
        ranking[node] = [v for w, v in sorted(ways) if w < 0 and v not in outcomes]
        ranking[node] += [v for _, v in sorted(ways) if v in outcomes]
    g = nx.DiGraph((u, v) for u, ways in ranking.items() for v in ways)
    paths = [p for o in outcomes if o in g for p in nx.all_simple_paths(g, ENTRY, o)]
    return min(paths, key=lambda p: [ranking[u].index(v) for u, v in itertools.pairwise(p)])


def test_main_path_goes_the_busiest_way_onward(journey: Journey) -> None:
    route = main_path(journey)
    outcomes = {o.id for o in journey.outcomes}
    assert route[0] == ENTRY and route[-1] in outcomes
    assert len(route) == len(set(route)) and not outcomes & set(route[:-1])
    assert route == main_path_by_brute_force(journey)


@settings(max_examples=40, deadline=None)
@given(journeys(max_touchpoints=7))
def test_main_path_matches_brute_force_on_random_journeys(journey: Journey) -> None:
    assert main_path(journey) == main_path_by_brute_force(journey)


def test_main_path_of_mei_su_runs_through_every_stage() -> None:
    from journeymap.files import load_journey
    from tests.export.journeys import FIXTURES

    mei_su = load_journey(next(p for p in FIXTURES if p.stem == "mei-su-electronics"))
    # brand image (600 of 1000) -> convenience -> product range (680) -> prices (500)
    # -> staff (560) -> relationship (180, the only touchpoint on) -> comes back (110)
    assert main_path(mei_su) == [
        "entry",
        "brand_image",
        "convenience",
        "product_range",
        "price_tag",
        "staff_service",
        "relationship",
        "repeat_customer",
    ]


def test_phases_cover_every_stage(journey: Journey) -> None:
    assert {s.phase for s in journey.stages} <= set(PHASES)
