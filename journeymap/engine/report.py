"""The JSON documents of DESIGN.md §4 (plain dicts of float/int/str/None)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from journeymap.durations import seconds
from journeymap.engine.carried import carried_experience
from journeymap.engine.chain import Chain
from journeymap.engine.metrics import gap
from journeymap.engine.paths import FoundPath
from journeymap.engine.removal import removal_effects
from journeymap.errors import AnalysisError
from journeymap.model import Touchpoint

Vector = NDArray[np.float64]


NO_PAIN = "no pain measured: add survey answers or behavioural measures, or rank by probability"
"""The ``note`` of a ranking by pain when every touchpoint's pain is 0 (the order then says nothing)."""

TOO_LARGE = "a number overflowed (scores or importances too large to multiply)"


def number(value: float) -> float:
    """A JSON-safe float: no ``-0.0``; an overflow is an ``AnalysisError``."""
    result = float(value) + 0.0
    if not math.isfinite(result):
        raise AnalysisError(TOO_LARGE)
    return result


def optional(value: float | None) -> float | None:
    return None if value is None else number(value)


def numbers(values: NDArray[np.float64]) -> list[float]:
    """``number`` over an array, vectorised."""
    if not np.isfinite(values).all():
        raise AnalysisError(TOO_LARGE)
    result: list[float] = (np.asarray(values, dtype=np.float64) + 0.0).tolist()
    return result


def analysis_document(chain: Chain, alpha: float) -> dict[str, Any]:
    """The ``analyze`` document: flow, scores, carried experience, removal effects, stages."""
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


def provenance(tp: Touchpoint) -> dict[str, Any]:
    """Where a touchpoint's score came from and, when measured or given, the evidence: survey
    responses, the measures, the dwell time and the expected wait (``expected_wait_s``, seconds)."""
    found: dict[str, Any] = {"source": tp.score_source, **evidence(tp)}
    if tp.responses is not None:
        found["responses"] = tp.responses
    if tp.time is not None:
        found["time"] = tp.time.model_dump()
    if tp.expected_wait is not None:
        found["expected_wait_s"] = number(seconds(tp.expected_wait))
    return found


def evidence(tp: Touchpoint) -> dict[str, Any]:
    """The measures behind a touchpoint's score (value, n, target, score), when it has any."""
    return {"measures": [m.model_dump(exclude_none=True) for m in tp.measures]} if tp.measures else {}


def stage_aggregates(chain: Chain, reach: Vector, priority: Vector) -> dict[str, Any]:
    """Per stage: Σ reach, Σ priority, reach-weighted mean satisfaction (None if unreached)."""
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
    """The analysis's touchpoint rows ordered by priority (desc, then id): one row shape for both."""
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


def peak_end(satisfactions: list[float]) -> float | None:
    """``(peak + end) / 2`` over a path's satisfactions; the peak is the largest magnitude
    (a tie goes to the negative one), the end the last one; None without touchpoints.

    >>> peak_end([1.0, -3.0, 3.0, 2.0])
    -0.5
    """
    if not satisfactions:
        return None
    peak = max(satisfactions, key=lambda s: (abs(s), -s))
    return (peak + satisfactions[-1]) / 2


def paths_document(
    chain: Chain, found: list[FoundPath], k: int, rank: str, to: str | None, kind: str | None
) -> dict[str, Any]:
    """The ``paths`` document: ranked paths with probability, customers, pain and contributions."""
    journey = chain.journey
    entrants = chain.entrants
    t = chain.n_transient
    sat_of, pain_of = chain.scores.satisfaction, chain.scores.pain
    rows = []
    for position, path in enumerate(found, start=1):
        steps = [i for i in path.nodes if 0 < i < t]
        sats = [sat_of.item(i - 1) for i in steps]
        outcome = journey.outcomes[path.nodes[-1] - t]
        rows.append(
            {
                "rank": position,
                "nodes": list(path.ids),
                "outcome": outcome.id,
                "kind": outcome.kind,
                "probability": number(path.probability),
                "customers": number(entrants * path.probability),
                "pain": number(path.pain),
                "pain_mass": number(path.pain_mass),
                "peak_end": optional(peak_end(sats)),
                "contributions": [
                    {
                        "touchpoint": chain.ids[i],
                        "pain": number(pain_of.item(i - 1)),
                        "satisfaction": number(sat),
                        "source": journey.touchpoints[i - 1].score_source,
                        **evidence(journey.touchpoints[i - 1]),
                    }
                    for i, sat in zip(steps, sats, strict=True)
                ],
            }
        )
    document = {"journey": journey.id, "k": k, "rank": rank, "to": to, "kind": kind, "paths": rows}
    if rank == "pain" and not pain_of.any():
        document["note"] = NO_PAIN
    return document
