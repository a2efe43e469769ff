"""Journey <-> networkx.DiGraph: the one seam between models and graphs.

The graph carries everything in the journey file, so the round trip is lossless:

* ``G.graph``: ``id``, ``name``, ``description``, ``scale`` (dict or None),
  ``entrants`` (as written, may be None), ``stages`` (ordered list of dicts) and
  ``personas``, ``opportunities`` (lists of dicts), ``notes``, ``evidence``
  (each None when the journey has none);
* node ``"entry"``: ``type="entry"``;
* touchpoint nodes: ``type="touchpoint"`` plus every touchpoint field but ``id``;
* outcome nodes: ``type="outcome"`` plus ``name``, ``kind`` (success | failure),
  ``description``;
* edges: ``customers`` *or* ``share`` (the one the file used), ``index``,
  the transition's position in the file, and ``personas`` when given.

Node insertion order is entry, touchpoints, outcomes, each in file order.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from journeymap.model import ENTRY, Journey, Outcome, Scale, Stage, Touchpoint, Transition


def to_graph(journey: Journey) -> nx.DiGraph:
    """Build the journey graph (see the module docstring for its attributes)."""
    g = nx.DiGraph(
        id=journey.id,
        name=journey.name,
        description=journey.description,
        scale=journey.scale.model_dump() if journey.scale else None,
        entrants=journey.entrants,
        stages=[s.model_dump() for s in journey.stages],
        **journey.model_dump(include={"personas", "opportunities", "notes", "evidence"}),
    )
    g.add_node(ENTRY, type="entry")
    for tp in journey.touchpoints:
        g.add_node(tp.id, type="touchpoint", **tp.model_dump(exclude={"id"}))
    for o in journey.outcomes:
        g.add_node(o.id, type="outcome", **o.model_dump(exclude={"id"}))
    for i, t in enumerate(journey.transitions):
        weight = {"customers": t.customers} if t.customers is not None else {"share": t.share}
        extra = {"personas": t.personas} if t.personas is not None else {}
        g.add_edge(t.source, t.target, index=i, **weight, **extra)
    return g


def from_graph(g: nx.DiGraph) -> Journey:
    """Rebuild the journey from a graph made by ``to_graph`` (or edited in its shape)."""
    touchpoints, outcomes = [], []
    for node, data in g.nodes(data=True):
        fields = {k: v for k, v in data.items() if k != "type"}
        if data.get("type") == "touchpoint":
            touchpoints.append(Touchpoint(id=node, **fields))
        elif data.get("type") == "outcome":
            outcomes.append(Outcome(id=node, **fields))
    edges = sorted(g.edges(data=True), key=lambda e: (e[2].get("index", float("inf")), str(e[0]), str(e[1])))
    transitions = [
        Transition(
            **{"from": u, "to": v},
            customers=d.get("customers"),
            share=d.get("share"),
            personas=d.get("personas"),
        )
        for u, v, d in edges
    ]
    meta: dict[str, Any] = g.graph
    return Journey(
        id=meta["id"],
        name=meta["name"],
        description=meta.get("description"),
        scale=Scale(**meta["scale"]) if meta.get("scale") else None,
        entrants=meta.get("entrants"),
        stages=[Stage(**s) for s in meta["stages"]],
        touchpoints=touchpoints,
        outcomes=outcomes,
        transitions=transitions,
        **{k: meta.get(k) for k in ("personas", "opportunities", "notes", "evidence")},
    )
