"""The import graph points one way: read every import of ``journeymap`` and ``api`` (ast),
including imports inside functions and under ``TYPE_CHECKING``, and refuse an arrow that
runs up or sideways between layers, and any cycle between modules.

Layers, lowest first (a module may import its own package and any lower layer)::

    0  journeymap.errors
    1  journeymap.model, journeymap.extras
    2  journeymap.files                                          (the journey file: the engine reads paths)
    3  journeymap.engine, journeymap.queries
    4  journeymap.ingest, journeymap.export, journeymap.store,   (siblings: no arrows between them)
       journeymap.frames
    5  journeymap.cli
    6  api                                                       (above the whole library)

``journeymap/__init__.py`` (the version) sits below everything. Besides, the store
never imports the engine: a graph store writes the figures its caller computed
(``journeymap.engine.graph_figures``, handed to ``open_store``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
LAYERS: dict[str, int] = {
    "journeymap": -1,
    "journeymap.errors": 0,
    "journeymap.model": 1,
    "journeymap.extras": 1,
    "journeymap.files": 2,
    "journeymap.engine": 3,
    "journeymap.queries": 3,
    "journeymap.ingest": 4,
    "journeymap.export": 4,
    "journeymap.store": 4,
    "journeymap.frames": 4,
    "journeymap.cli": 5,
    "api": 6,
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("journeymap", "api"):
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def import_graph() -> nx.DiGraph:
    """Module -> module for every import between our own modules."""
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # ``from package import submodule`` imports the submodule, else the package
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


FORBIDDEN = {("journeymap.store", "journeymap.engine")}


def layer(module: str) -> str:
    """The layer a module belongs to: its longest prefix in ``LAYERS``."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in LAYERS:
            return prefix
    raise AssertionError(f"module {module} is in no layer: add its package to LAYERS")


def test_every_module_has_a_layer() -> None:
    for module in import_graph():
        layer(module)


def test_no_arrow_runs_up_or_sideways() -> None:
    wrong = defaultdict(list)
    for source, target in import_graph().edges:
        a, b = layer(source), layer(target)
        if a != b and (LAYERS[b] >= LAYERS[a] or (a, b) in FORBIDDEN):
            wrong[f"{a} -> {b}"].append(f"{source} -> {target}")
    assert not wrong, dict(wrong)


def test_no_import_cycle() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert not cycles, cycles


def test_the_checks_see_a_wrong_arrow_and_a_cycle() -> None:
    graph = import_graph()
    assert graph.has_edge("journeymap.cli", "journeymap.errors")  # the reader finds real imports
    graph.add_edge("journeymap.engine.chain", "journeymap.store")
    graph.add_edge("journeymap.store", "journeymap.engine.chain")
    assert LAYERS[layer("journeymap.store")] > LAYERS[layer("journeymap.engine.chain")]
    assert any(len(c) > 1 for c in nx.strongly_connected_components(graph))
