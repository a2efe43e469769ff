"""The ``analyze`` and ``impact`` documents of DESIGN.md §4 (plain dicts of float/int/str/None).

Their parts live beside this module: JSON-safe floats and the shared notes in
``json_values``, a touchpoint's score source and evidence in ``provenance``, the
``paths`` document in ``path_document``. They are importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.carried import carried_experience
from journeymap.engine.chain import Chain
from journeymap.engine.json_values import NO_PAIN, TOO_LARGE, number, numbers, optional
from journeymap.engine.metrics import gap
from journeymap.engine.path_document import paths_document, peak_end
from journeymap.engine.provenance import evidence, provenance
from journeymap.engine.removal import removal_effects

__all__ = [
    "NO_PAIN",
    "TOO_LARGE",
    "analysis_document",
    "by_touchpoint",
    "evidence",
    "impact_document",
    "number",
    "numbers",
    "optional",
    "paths_document",
    "peak_end",
    "provenance",
    "stage_aggregates",
]

Vector = NDArray[np.float64]


def analysis_document(chain: Chain, alpha: float) -> dict[str, Any]:
    """The ``analyze`` document of a compiled journey (without its economics).

    Parameters
    ----------
    chain : Chain
        The compiled journey (``journeymap.engine.compiled.compile_journey``).
    alpha : float
        The memory of carried experience, in (0, 1] (checked by the caller).

    Returns
    -------
    dict
        ``journey``, ``entrants``, ``alpha``, ``success_probability``, ``outcomes``,
        ``outcome_carried``, ``expected_pain``, ``touchpoints`` (a list of rows in
        file order, each naming its ``touchpoint``) and ``stages``.

    Raises
    ------
    AnalysisError
        When a number overflows.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> doc = analysis_document(compile_journey(parse_journey(_TINY)), 0.5)
    >>> doc["success_probability"], [(r["touchpoint"], r["priority"]) for r in doc["touchpoints"]]
    (0.6, [('a', 4.0)])
    """
    journey = chain.journey
    solver = chain.solver
    score = chain.scores
    reach = solver.reach[1:]
    priority = reach * score.pain
    carried, carried_outcomes = carried_experience(chain, score.satisfaction, alpha)
    columns = zip(
        journey.touchpoints,
        numbers(reach),
        numbers(solver.visit_probability[1:]),
        numbers(score.satisfaction),
        numbers(score.weighted),
        numbers(score.pain),
        numbers(carried),
        numbers(priority),
        removal_effects(chain),
        strict=True,
    )
    touchpoints = [
        {
            "touchpoint": tp.id,
            "name": tp.name,
            "stage": tp.stage,
            "reach": r,
            "visit_probability": visit,
            "satisfaction": sat,
            "weighted_satisfaction": weighted,
            "gap": optional(gap(tp)),
            "pain": pain,
            "carried": carry,
            "priority": prio,
            "removal_effect": removal,
            **provenance(tp),
        }
        for tp, r, visit, sat, weighted, pain, carry, prio, removal in columns
    ]
    outcome_probs = numbers(solver.outcomes)
    return {
        "journey": journey.id,
        "entrants": number(chain.entrants),
        "alpha": number(alpha),
        "success_probability": number(solver.success_probability),
        "outcomes": {o.id: outcome_probs[i] for i, o in enumerate(journey.outcomes)},
        "outcome_carried": {o.id: optional(carried_outcomes[i]) for i, o in enumerate(journey.outcomes)},
        "expected_pain": number(priority.sum()),
        "touchpoints": touchpoints,
        "stages": stage_aggregates(chain, reach, priority),
    }


def by_touchpoint(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-touchpoint rows of an ``analyze`` or ``impact`` document, keyed by touchpoint id.

    Both documents list their rows (``analyze`` in file order, ``impact`` by
    priority), each naming its ``touchpoint``; this is the lookup by id.

    Parameters
    ----------
    document : Mapping
        An ``analyze`` or ``impact`` document (or anything whose ``touchpoints``
        is a list of rows with a ``touchpoint`` field).

    Returns
    -------
    dict of str to dict
        Each row under its touchpoint id, in the document's order.

    Examples
    --------
    >>> rows = by_touchpoint({"touchpoints": [{"touchpoint": "a", "pain": 4.0},
    ...                                      {"touchpoint": "b", "pain": 0.0}]})
    >>> rows["a"]["pain"], list(rows)
    (4.0, ['a', 'b'])
    """
    return {row["touchpoint"]: row for row in document["touchpoints"]}


def stage_aggregates(chain: Chain, reach: Vector, priority: Vector) -> dict[str, Any]:
    """Per stage: Σ reach, Σ priority, reach-weighted mean satisfaction (None if unreached).

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    reach : numpy.ndarray
        Expected visits per entrant of each touchpoint, in file order.
    priority : numpy.ndarray
        ``reach × pain`` of each touchpoint, in file order.

    Returns
    -------
    dict
        ``{stage id: {"reach", "pain", "satisfaction"}}`` in the file's stage order.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> stage_aggregates(compile_journey(parse_journey(_TINY)), np.array([1.0]), np.array([4.0]))
    {'s': {'reach': 1.0, 'pain': 4.0, 'satisfaction': -2.0}}
    """
    journey = chain.journey
    stage_ids = list(dict.fromkeys([s.id for s in journey.stages] + [tp.stage for tp in journey.touchpoints]))
    position = {sid: i for i, sid in enumerate(stage_ids)}
    of = np.array([position[tp.stage] for tp in journey.touchpoints], dtype=np.int64)
    size = len(stage_ids)
    reach_sum = np.bincount(of, weights=reach, minlength=size)
    pain_sum = np.bincount(of, weights=priority, minlength=size)
    weighted = np.bincount(of, weights=reach * chain.scores.satisfaction, minlength=size)
    return {
        sid: {
            "reach": number(reach_sum[i]),
            "pain": number(pain_sum[i]),
            "satisfaction": number(weighted[i] / reach_sum[i]) if reach_sum[i] > 0 else None,
        }
        for i, sid in enumerate(stage_ids)
    }


def impact_document(analysis: dict[str, Any]) -> dict[str, Any]:
    """The analysis's touchpoint rows ordered by priority (desc, then id): one row shape for both.

    Parameters
    ----------
    analysis : dict
        An ``analyze`` document.

    Returns
    -------
    dict
        ``journey``, ``success_probability``, ``expected_pain``, ``touchpoints``
        (copies of the analysis rows, highest priority first) and, when no
        touchpoint has pain, ``note``.

    Examples
    --------
    >>> doc = impact_document({"journey": "j", "success_probability": 1.0, "expected_pain": 3.0,
    ...     "touchpoints": [{"touchpoint": "a", "priority": 1.0, "pain": 1.0},
    ...                     {"touchpoint": "b", "priority": 2.0, "pain": 2.0}]})
    >>> [row["touchpoint"] for row in doc["touchpoints"]]
    ['b', 'a']
    """
    rows = [dict(row) for row in analysis["touchpoints"]]
    rows.sort(key=lambda r: (-r["priority"], r["touchpoint"]))
    document = {
        "journey": analysis["journey"],
        "success_probability": analysis["success_probability"],
        "expected_pain": analysis["expected_pain"],
        "touchpoints": rows,
    }
    if not any(row["pain"] for row in rows):
        document["note"] = NO_PAIN
    return document
