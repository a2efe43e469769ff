"""The propagation engine: pure functions from a ``Journey`` to plain JSON-ready documents.

Why one module over ~300 lines: it is the engine's public door — six functions
that take a journey (or a file, or a dict) and return documents — and most of
its lines are their numpydoc sections and runnable examples; the work itself
lives in the modules they call.

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
>>> doc["success_probability"], doc["expected_pain"], doc["touchpoints"][0]["carried"]
(0.6, 4.0, -1.0)
>>> [p["nodes"] for p in top_paths(journey, k=1)["paths"]]
[['entry', 'a', 'ok']]
>>> [(row["touchpoint"], row["priority"]) for row in impact(journey)["touchpoints"]]
[('a', 4.0)]
>>> whatif(journey, {"touchpoints": {"a": {"experience": 6}}})["diff"]["expected_pain"]
-4.0
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from journeymap.engine.compiled import analyze_chain, check_alpha, compile_journey, paths_of
from journeymap.engine.economics import (
    TOTALS,
    chain_value_per_customer,
    economics_document,
    path_figures,
    terms,
)
from journeymap.engine.metrics import GraphFigures, edge_flows, pain, transition_probabilities
from journeymap.engine.observed import variants_document
from journeymap.engine.report import by_touchpoint, impact_document
from journeymap.engine.whatif import WhatIfPatch, apply_patch, differences, parse_patch
from journeymap.errors import AnalysisError
from journeymap.files import JourneySource, as_journey, read_document
from journeymap.model import Journey

__all__ = [
    "GraphFigures",
    "JourneySource",
    "analyze",
    "as_journey",
    "by_touchpoint",
    "graph_figures",
    "impact",
    "top_paths",
    "variants",
    "whatif",
]


def analyze(journey: JourneySource, alpha: float = 0.5) -> dict[str, Any]:
    """The ``analyze`` document: flow, scores, carried experience, removal effects, economics.

    Parameters
    ----------
    journey : Journey, str, os.PathLike or Mapping
        The journey: a ``Journey``, a journey file's path or a mapping of the
        file's fields (see ``as_journey``).
    alpha : float, default 0.5
        The memory of carried experience, in (0, 1].

    Returns
    -------
    dict
        ``journey``, ``entrants``, ``alpha``, ``success_probability``, ``outcomes``
        (probability of ending at each), ``outcome_carried``, ``expected_pain``,
        ``touchpoints`` (a list of rows in file order, each naming its
        ``touchpoint``: reach, scores, pain, carried, priority, removal effect and
        what it puts at stake; the same rows ``impact`` ranks), ``stages`` and
        ``economics`` (the journey's totals).

    Raises
    ------
    InvalidInput
        For an ``alpha`` outside (0, 1], or a journey file that cannot be read.
    InvalidJourney
        For a journey file or mapping that breaks the rules (every problem named).
    AnalysisError
        When customers could never leave some touchpoints (the error names them).

    Examples
    --------
    >>> doc = analyze("fixtures/auto-repair.yaml")
    >>> round(doc["success_probability"], 3), round(doc["expected_pain"], 1)
    (0.54, 990.1)
    >>> row = by_touchpoint(doc)["reception"]
    >>> row["name"], row["pain"], round(row["priority"], 1)
    ('接车 Reception & check-in', 270.0, 261.9)
    """
    journey = as_journey(journey)
    chain = compile_journey(journey)
    doc = analyze_chain(chain, alpha)
    economics = economics_document(chain, alpha)
    per_touchpoint = economics.pop("touchpoints")
    for row in doc["touchpoints"]:
        row.update(per_touchpoint[row["touchpoint"]])
    doc["economics"] = economics
    return doc


def top_paths(
    journey: JourneySource,
    k: int = 5,
    rank: str = "pain",
    to: str | None = None,
    kind: str | None = None,
    alpha: float = 0.5,
) -> dict[str, Any]:
    """The ``paths`` document: the exact top-k simple paths from entry to an outcome.

    Parameters
    ----------
    journey : Journey, str, os.PathLike or Mapping
        The journey (see ``as_journey``).
    k : int, default 5
        How many paths, at least 1.
    rank : {"pain", "probability"}, default "pain"
        Order by pain mass (probability × pain) or by probability.
    to : str, optional
        Keep only paths ending at this outcome.
    kind : {"success", "failure"}, optional
        Keep only paths ending at outcomes of this kind.
    alpha : float, default 0.5
        The memory that judges each path's customers (its ``economics``).

    Returns
    -------
    dict
        ``journey``, ``k``, ``rank`` and ``paths``: one row per path with
        ``rank``, ``nodes``, ``outcome``, ``probability``, ``customers``,
        ``pain``, ``pain_mass``, ``peak_end``, ``contributions`` and
        ``economics`` (and ``observed_customers`` on a journey with variants).

    Raises
    ------
    InvalidInput
        For a bad ``k``, ``rank``, ``to``, ``kind`` or ``alpha`` (named), or an unreadable file.
    InvalidJourney
        For a journey file or mapping that breaks the rules.
    AnalysisError
        When customers could never leave some touchpoints.
    LimitExceeded
        When the answer needs more than a million search steps (lower ``k`` or narrow it).

    Examples
    --------
    >>> doc = top_paths("fixtures/auto-repair.yaml", k=2, rank="probability")
    >>> [(p["rank"], p["nodes"][-1], round(p["probability"], 3)) for p in doc["paths"]]
    [(1, 'return_visit', 0.175), (2, 'churn', 0.1)]
    """
    journey = as_journey(journey)
    chain = compile_journey(journey)
    doc = paths_of(chain, k, rank, to, kind)
    econ, v_bar = terms(journey), chain_value_per_customer(chain)
    for row in doc["paths"]:
        row["economics"] = path_figures(econ, row, check_alpha(alpha), v_bar)
    return doc


def impact(journey: JourneySource) -> dict[str, Any]:
    """Touchpoints ranked by priority (pain delivered per entrant): ``analyze``'s rows, reordered.

    Parameters
    ----------
    journey : Journey, str, os.PathLike or Mapping
        The journey (see ``as_journey``).

    Returns
    -------
    dict
        ``journey``, ``success_probability``, ``expected_pain``, ``touchpoints``
        (``analyze``'s rows, highest priority first, ties by id), ``economics``
        (the totals) and, when no touchpoint has pain, a ``note`` saying so.

    Raises
    ------
    InvalidInput
        For a journey file that cannot be read.
    InvalidJourney
        For a journey file or mapping that breaks the rules.
    AnalysisError
        When customers could never leave some touchpoints.

    Examples
    --------
    >>> doc = impact("fixtures/auto-repair.yaml")
    >>> [(row["touchpoint"], round(row["priority"], 2)) for row in doc["touchpoints"][:2]]
    [('reception', 261.9), ('repair', 202.5)]
    """
    analysis = analyze(journey)
    doc = impact_document(analysis)
    doc["economics"] = analysis["economics"]
    return doc


def whatif(
    journey: JourneySource,
    patch: Mapping[str, Any] | WhatIfPatch | str | os.PathLike[str],
    alpha: float = 0.5,
) -> dict[str, Any]:
    """Apply a what-if patch and compare the analyses before and after.

    Parameters
    ----------
    journey : Journey, str, os.PathLike or Mapping
        The journey (see ``as_journey``).
    patch : Mapping, WhatIfPatch, str or os.PathLike
        The patch (``touchpoints``, ``transitions``, ``remove``; see
        ``journeymap.engine.whatif``), or the path of a patch file.
    alpha : float, default 0.5
        The memory of carried experience.

    Returns
    -------
    dict
        ``journey``, ``before`` and ``after`` (``analyze`` documents) and
        ``diff``: after − before of every shared number (``touchpoints`` as rows
        naming their ``touchpoint``, ``removed`` ids, ``economics`` totals).

    Raises
    ------
    InvalidInput
        For a bad ``alpha`` or an unreadable journey or patch file.
    InvalidJourney
        For a journey that breaks the rules, or a patch that does or that makes
        the journey break them (source ``patch``).
    AnalysisError
        When customers could never leave some touchpoints, before or after.

    Examples
    --------
    >>> doc = whatif("fixtures/auto-repair.yaml", {"touchpoints": {"reception": {"experience": 70}}})
    >>> round(doc["before"]["expected_pain"], 1), round(doc["after"]["expected_pain"], 1)
    (990.1, 728.2)
    """
    journey = as_journey(journey)
    if isinstance(patch, str | os.PathLike):
        patch = read_document(Path(patch))
    before = analyze(journey, alpha)
    after = analyze(apply_patch(journey, parse_patch(patch)), alpha)
    diff = differences(before, after)
    diff["economics"] = {key: after["economics"][key] - before["economics"][key] for key in TOTALS}
    return {"journey": journey.id, "before": before, "after": after, "diff": diff}


def variants(journey: JourneySource) -> dict[str, Any]:
    """The walks customers really took (a journey ingested from an event log), most common first.

    Parameters
    ----------
    journey : Journey, str, os.PathLike or Mapping
        The journey (see ``as_journey``).

    Returns
    -------
    dict
        ``journey``, ``customers``, ``variants`` (rows with ``rank``, ``nodes``,
        ``names``, ``outcome``, ``kind``, ``customers``, ``share``, ``pain``,
        ``peak_end``; empty without observed variants) and ``other``.

    Raises
    ------
    InvalidInput
        For a journey file that cannot be read.
    InvalidJourney
        For a journey file or mapping that breaks the rules.

    Examples
    --------
    >>> doc = variants("fixtures/planted-friction.yaml")
    >>> len(doc["variants"]), doc["variants"][0]["rank"]
    (6, 1)
    """
    return variants_document(as_journey(journey))


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
