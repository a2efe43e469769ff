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
    """A JSON-safe float: no ``-0.0``.

    Parameters
    ----------
    value : float
        Any real number (a numpy scalar too).

    Returns
    -------
    float
        ``value`` as a plain float, ``-0.0`` made ``0.0``.

    Raises
    ------
    AnalysisError
        When ``value`` is not finite (scores or importances too large to multiply).

    Examples
    --------
    >>> number(-0.0), number(2)
    (0.0, 2.0)
    >>> number(float("inf"))
    Traceback (most recent call last):
    journeymap.errors.AnalysisError: a number overflowed ...
    """
    result = float(value) + 0.0
    if not math.isfinite(result):
        raise AnalysisError(TOO_LARGE)
    return result


def optional(value: float | None) -> float | None:
    """``number`` of a value that may be missing.

    Parameters
    ----------
    value : float or None
        A number, or None.

    Returns
    -------
    float or None
        ``number(value)``, or None.

    Raises
    ------
    AnalysisError
        When ``value`` is not finite.

    Examples
    --------
    >>> optional(None), optional(-0.0)
    (None, 0.0)
    """
    return None if value is None else number(value)


def numbers(values: NDArray[np.float64]) -> list[float]:
    """``number`` over an array, vectorised.

    Parameters
    ----------
    values : numpy.ndarray
        Floats.

    Returns
    -------
    list of float
        Plain floats, ``-0.0`` made ``0.0``.

    Raises
    ------
    AnalysisError
        When any value is not finite.

    Examples
    --------
    >>> numbers(np.array([1.5, -0.0]))
    [1.5, 0.0]
    """
    if not np.isfinite(values).all():
        raise AnalysisError(TOO_LARGE)
    result: list[float] = (np.asarray(values, dtype=np.float64) + 0.0).tolist()
    return result


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


def provenance(tp: Touchpoint) -> dict[str, Any]:
    """Where a touchpoint's score came from and, when measured or given, the evidence.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    dict
        ``source``, and when the touchpoint has them ``measures`` (``evidence``),
        ``responses`` (survey answers), ``time`` (the dwell) and ``expected_wait_s``
        (the expected wait, in seconds).

    Examples
    --------
    >>> provenance(Touchpoint(id="a", name="A", stage="s", experience=5, responses=12, expected_wait="2m"))
    {'source': 'survey', 'responses': 12, 'expected_wait_s': 120.0}
    """
    found: dict[str, Any] = {"source": tp.score_source, **evidence(tp)}
    if tp.responses is not None:
        found["responses"] = tp.responses
    if tp.time is not None:
        found["time"] = tp.time.model_dump()
    if tp.expected_wait is not None:
        found["expected_wait_s"] = number(seconds(tp.expected_wait))
    return found


def evidence(tp: Touchpoint) -> dict[str, Any]:
    """The measures behind a touchpoint's score (value, n, target, score), when it has any.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    dict
        ``{"measures": [...]}``, or ``{}`` without measures.

    Examples
    --------
    >>> from journeymap.model import Measured
    >>> rework = Measured(measure="rework", value=0.3, n=9, target=0.1)
    >>> evidence(Touchpoint(id="a", name="A", stage="s", experience=5, measures=[rework]))
    {'measures': [{'measure': 'rework', 'value': 0.3, 'n': 9, 'target': 0.1}]}
    >>> evidence(Touchpoint(id="a", name="A", stage="s", experience=5))
    {}
    """
    return {"measures": [m.model_dump(exclude_none=True) for m in tp.measures]} if tp.measures else {}


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


def peak_end(satisfactions: list[float]) -> float | None:
    """``(peak + end) / 2`` over a path's satisfactions.

    The peak is the largest magnitude (a tie goes to the negative one), the end the last one.

    Parameters
    ----------
    satisfactions : list of float
        The satisfactions of the touchpoints along the path, in order.

    Returns
    -------
    float or None
        The peak-end score; None without touchpoints.

    Examples
    --------
    >>> peak_end([1.0, -3.0, 3.0, 2.0])
    -0.5
    >>> peak_end([]) is None
    True
    """
    if not satisfactions:
        return None
    peak = max(satisfactions, key=lambda s: (abs(s), -s))
    return (peak + satisfactions[-1]) / 2


def paths_document(
    chain: Chain, found: list[FoundPath], k: int, rank: str, to: str | None, kind: str | None
) -> dict[str, Any]:
    """The ``paths`` document: ranked paths with probability, customers, pain and contributions.

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    found : list of FoundPath
        The paths found, best first (``journeymap.engine.paths.search``).
    k : int
        How many paths were asked for.
    rank : str
        ``"pain"`` or ``"probability"``.
    to, kind : str or None
        The outcome filter the paths were found with.

    Returns
    -------
    dict
        ``journey``, ``k``, ``rank``, ``to``, ``kind``, ``paths`` (one row each) and,
        when ranking by pain with no pain anywhere, ``note``.

    Raises
    ------
    AnalysisError
        When a number overflows.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.engine.paths import search
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> found = search(chain, 2, "pain", chain.outcome_mask(None, None))
    >>> doc = paths_document(chain, found, 2, "pain", None, None)
    >>> [(p["nodes"], p["pain_mass"]) for p in doc["paths"]]
    [(['entry', 'a', 'ok'], 2.4), (['entry', 'a', 'lost'], 1.6)]
    """
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
