"""The propagation engine: pure functions from a ``Journey`` to plain JSON-ready documents.

>>> from journeymap.model import parse_journey
>>> journey = parse_journey({"id": "tiny", "name": "Tiny",
...     "stages": [{"id": "s", "name": "S", "phase": "sale"}],
...     "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 4,
...                      "expectation": 6, "importance": 2}],
...     "outcomes": [{"id": "ok", "name": "OK", "kind": "success"},
...                  {"id": "lost", "name": "Lost", "kind": "failure"}],
...     "transitions": [{"from": "entry", "to": "a", "customers": 10},
...                     {"from": "a", "to": "ok", "customers": 6},
...                     {"from": "a", "to": "lost", "customers": 4}]})
>>> doc = analyze(journey)
>>> doc["success_probability"], doc["expected_pain"], doc["touchpoints"]["a"]["carried"]
(0.6, 4.0, -1.0)
>>> [p["nodes"] for p in top_paths(journey, k=1)["paths"]]
[['entry', 'a', 'ok']]
>>> [(row["touchpoint"], row["priority"]) for row in impact(journey)["touchpoints"]]
[('a', 4.0)]
>>> whatif(journey, {"touchpoints": {"a": {"experience": 6}}})["diff"]["expected_pain"]
-4.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journeymap.engine.compiled import analyze_chain, check_alpha, compile_journey, paths_of
from journeymap.engine.economics import TOTALS, economics_document, path_figures, terms, value_per_customer
from journeymap.engine.metrics import GraphFigures, edge_flows, pain, transition_probabilities
from journeymap.engine.report import impact_document
from journeymap.engine.whatif import WhatIfPatch, apply_patch, differences, parse_patch
from journeymap.errors import AnalysisError
from journeymap.model import Journey

__all__ = ["GraphFigures", "analyze", "graph_figures", "impact", "top_paths", "whatif"]


def analyze(journey: Journey, alpha: float = 0.5) -> dict[str, Any]:
    """The ``analyze`` document of DESIGN.md §4: flow, scores, carried experience, removal effects.

    Raises ``InvalidInput`` for an ``alpha`` outside (0, 1] and ``AnalysisError`` when
    customers could never leave some touchpoints (the error names them).
    """
    chain = compile_journey(journey)
    doc = analyze_chain(chain, alpha)
    doc["economics"] = economics_document(chain, alpha)
    return doc


def top_paths(
    journey: Journey,
    k: int = 5,
    rank: str = "pain",
    to: str | None = None,
    kind: str | None = None,
    alpha: float = 0.5,
) -> dict[str, Any]:
    """The ``paths`` document: the exact top-k simple paths (see ``journeymap.engine.paths``).

    ``rank`` is ``"pain"`` (pain mass) or ``"probability"``; ``to`` keeps paths ending at
    one outcome, ``kind`` paths ending at outcomes of that kind. Each path carries its
    economics (``journeymap.engine.economics.path_figures``; ``alpha`` judges its customers).
    """
    chain = compile_journey(journey)
    doc = paths_of(chain, k, rank, to, kind)
    econ, v_bar = terms(journey), value_per_customer(journey, chain.solver.outcomes)
    for row in doc["paths"]:
        row["economics"] = path_figures(econ, row, check_alpha(alpha), v_bar)
    return doc


def impact(journey: Journey) -> dict[str, Any]:
    """Touchpoints ordered by priority (pain delivered per entrant), with removal effects
    and what each puts at stake (``journeymap.engine.economics``)."""
    analysis = analyze(journey)
    doc = impact_document(analysis)
    economics = analysis["economics"]
    for row in doc["touchpoints"]:
        row.update(economics["touchpoints"][row["touchpoint"]])
    doc["economics"] = {key: value for key, value in economics.items() if key != "touchpoints"}
    return doc


def whatif(journey: Journey, patch: Mapping[str, Any] | WhatIfPatch, alpha: float = 0.5) -> dict[str, Any]:
    """Apply a patch (see ``journeymap.engine.whatif``) and compare the analyses before and after."""
    before = analyze(journey, alpha)
    after = analyze(apply_patch(journey, parse_patch(patch)), alpha)
    diff = differences(before, after)
    diff["economics"] = {key: after["economics"][key] - before["economics"][key] for key in TOTALS}
    return {"journey": journey.id, "before": before, "after": after, "diff": diff}


def graph_figures(journey: Journey) -> GraphFigures:
    """The derived values a graph store writes beside a journey: reach, pain, ``p`` and flow.

    Parameters
    ----------
    journey : Journey
        A valid journey.

    Returns
    -------
    GraphFigures
        ``reach`` of entry, touchpoints and outcomes (for an outcome, the probability
        of ending there; empty when customers could be caught in a loop with no way
        out), ``pain`` of each touchpoint, and P(u→v) and the expected customers of
        each transition in file order (``flow`` is ``None`` without reach).

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> figures = graph_figures(parse_journey(_TINY))
    >>> figures.reach["a"], figures.reach["ok"], figures.pain, list(figures.p), list(figures.flow)
    (1.0, 0.6, {'a': 4.0}, [1.0, 0.6, 0.4], [10.0, 6.0, 4.0])
    """
    reach: dict[str, float] = {}
    try:
        chain = compile_journey(journey)
    except AnalysisError:
        pass
    else:
        t, solver = chain.n_transient, chain.solver
        reach = dict(zip(chain.ids[:t], solver.reach.tolist(), strict=True))
        reach.update(zip(chain.ids[t:], solver.outcomes.tolist(), strict=True))
    flows = edge_flows(journey, reach, journey.effective_entrants)
    return GraphFigures(
        reach=reach,
        pain={tp.id: pain(tp) for tp in journey.touchpoints},
        p=list(transition_probabilities(journey).values()),
        flow=[flows.get((t.source, t.target)) for t in journey.transitions],
    )
