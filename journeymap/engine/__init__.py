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
from journeymap.engine.report import impact_document
from journeymap.engine.whatif import WhatIfPatch, apply_patch, differences, parse_patch
from journeymap.model import Journey

__all__ = ["analyze", "impact", "top_paths", "whatif"]


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
