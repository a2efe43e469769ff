"""The neo4j-admin CSV zip, read the way ``neo4j-admin database import full`` reads it.

neo4j-admin is a Java tool that no Python registry ships, so ``admin_import``
below applies its documented header rules to the files: ``:ID(space)`` ids
unique within their ID space, ``:START_ID(space)``/``:END_ID(space)`` that
must name an id of that space, ``name:type`` columns converted by type, an
empty cell meaning no property. Two journeys import together into one graph.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from journeymap.engine import analyze, by_touchpoint
from journeymap.export import export_journey
from journeymap.export.tabular import FILES
from journeymap.files import load_journey
from journeymap.model import ENTRY, Journey
from tests.export.journeys import FIXTURES, odd_journey

_FIELD = re.compile(r"^(?P<name>[^:]*)(?::(?P<kind>[A-Z_]+|[a-z]+)(?:\((?P<space>[^)]*)\))?)?$")
_CONVERT = {"double": float, "float": float, "long": int, "int": int, "boolean": lambda v: v == "true"}


@dataclass
class Graph:
    """What an import makes: nodes by (space, import id), relationships as (type, start, end, props)."""

    nodes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    relationships: list[tuple[str, tuple[str, str], tuple[str, str], dict[str, Any]]] = field(
        default_factory=list
    )


def _rows(text: str) -> tuple[list[tuple[str, str | None, str | None]], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    fields = []
    for column in header:
        match = _FIELD.match(column)
        assert match, f"header {column!r} is not neo4j-admin's name:type(space)"
        fields.append((match["name"], match["kind"], match["space"]))
    return fields, rows


def admin_import(graph: Graph, archive: zipfile.ZipFile, node_files: list[str], rel_files: list[str]) -> None:
    """Add the archive's node files, then relationship files, to ``graph`` as neo4j-admin would."""
    for name in node_files:
        fields, rows = _rows(archive.read(name).decode("utf-8"))
        for row in rows:
            key, props, labels = None, {}, []
            for (prop, kind, space), cell in zip(fields, row, strict=True):
                if kind == "ID":
                    key = (space or "", cell)
                elif kind == "LABEL":
                    labels = cell.split(";")
                elif cell != "":
                    assert kind is None or kind in _CONVERT, f"{name}: unknown type {kind}"
                    props[prop] = _CONVERT[kind](cell) if kind else cell
            assert key is not None and key not in graph.nodes, f"{name}: duplicate id {key}"
            graph.nodes[key] = {"labels": labels, **props}
    for name in rel_files:
        fields, rows = _rows(archive.read(name).decode("utf-8"))
        for row in rows:
            ends: dict[str, tuple[str, str]] = {}
            kind_of, props = "", {}
            for (prop, kind, space), cell in zip(fields, row, strict=True):
                if kind in ("START_ID", "END_ID"):
                    ends[kind] = (space or "", cell)
                    assert ends[kind] in graph.nodes, f"{name}: {kind} {ends[kind]} names no node"
                elif kind == "TYPE":
                    kind_of = cell
                elif cell != "":
                    props[prop] = _CONVERT[kind](cell) if kind else cell
            graph.relationships.append((kind_of, ends["START_ID"], ends["END_ID"], props))


def import_zip(graph: Graph, content: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(content))
    admin_import(graph, archive, list(FILES[:3]), list(FILES[3:]))
    return archive


@pytest.mark.parametrize("with_analysis", [False, True])
def test_journeys_import_together_with_stages_and_in_stage(with_analysis: bool) -> None:
    journeys = [load_journey(p) for p in FIXTURES] + [odd_journey()]
    graph = Graph()
    for journey in journeys:
        import_zip(graph, export_journey(journey, "csv", with_analysis).content)
    for journey in journeys:
        mine = {k: v for k, v in graph.nodes.items() if v.get("journey") == journey.id}
        labels = Counter(v["labels"][0] for v in mine.values())
        assert labels == {
            "Journey": 1,
            "Stage": len(journey.stages),
            "Entry": 1,
            "Touchpoint": len(journey.touchpoints),
            "Outcome": len(journey.outcomes),
        }
        node = {v["id"]: v for k, v in mine.items() if k[0] == "Node"}
        assert node[ENTRY]["name"] == "Entry"
        analysis = analyze(journey) if with_analysis else None
        for tp in journey.touchpoints:
            assert node[tp.id]["experience"] == pytest.approx(tp.experience)
            assert isinstance(node[tp.id]["experience"], float)
            if analysis is not None and by_touchpoint(analysis)[tp.id]["removal_effect"] is not None:
                assert node[tp.id]["removal_effect"] == pytest.approx(
                    by_touchpoint(analysis)[tp.id]["removal_effect"]
                )
        rels = [r for r in graph.relationships if graph.nodes[r[1]].get("journey") == journey.id]
        by_type = Counter(r[0] for r in rels)
        assert by_type == {
            "HAS_STAGE": len(journey.stages),
            "STARTS_AT": 1,
            "IN_STAGE": len(journey.touchpoints),
            "NEXT": len(journey.transitions),
        }
        in_stage = {graph.nodes[s]["id"]: graph.nodes[e]["id"] for t, s, e, _ in rels if t == "IN_STAGE"}
        assert in_stage == {tp.id: tp.stage for tp in journey.touchpoints}
        nexts = [(graph.nodes[s]["id"], graph.nodes[e]["id"]) for t, s, e, _ in rels if t == "NEXT"]
        assert nexts == [(t.source, t.target) for t in journey.transitions]
        assert all(graph.nodes[e]["journey"] == journey.id for _, _, e, _ in rels)


def test_two_journeys_with_the_same_ids_do_not_collide(journey: Journey) -> None:
    twin = journey.model_copy(update={"id": journey.id + "-twin"})
    graph = Graph()
    import_zip(graph, export_journey(journey, "csv").content)
    import_zip(graph, export_journey(twin, "csv").content)  # would raise on a shared id
    entries = [v for v in graph.nodes.values() if v["labels"] == ["Entry"]]
    assert sorted(v["journey"] for v in entries) == sorted([journey.id, twin.id])


def test_zip_is_deterministic_world_readable_and_typed_for_neo4j(journey: Journey) -> None:
    first = export_journey(journey, "csv", True).content
    assert export_journey(journey, "csv", True).content == first  # byte for byte
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.namelist() == list(FILES)
    for info in archive.infolist():
        assert (info.external_attr >> 16) & 0o777 == 0o644, info.filename
        assert info.create_system == 3 and info.date_time == (1980, 1, 1, 0, 0, 0)
        text = archive.read(info.filename)
        assert not text.startswith(b"\xef\xbb\xbf"), f"{info.filename} starts with a BOM"
        header = text.decode("utf-8").splitlines()[0]
        assert ":float" not in header and ":int," not in header + ","
    nodes_header = archive.read("nodes.csv").decode().splitlines()[0].split(",")
    assert {":ID(Node)", ":LABEL", "journey", "id", "name", "experience:double"} <= set(nodes_header)
