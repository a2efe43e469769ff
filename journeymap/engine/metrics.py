"""The one home of the per-touchpoint and per-transition numbers (DESIGN.md §3).

=====================  ==============================================
satisfaction s_v       experience − expectation
weighted_satisfaction  importance × s_v
gap                    experience − ideal (None without an ideal)
pain π_v               importance × max(0, expectation − experience)
P(u→v)                 weight(u,v) / Σ_x weight(u,x) (customers or shares)
flow(u→v)              entrants × reach_u × P(u→v)
=====================  ==============================================

Expectation defaults to the experience and importance to 1 (``model.Touchpoint``).
Every other module (the chain, the exports, the graph store's derived properties,
the ingest diff) calls these functions; the scalar and the array forms compute
the same expressions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from journeymap.model import Journey, Touchpoint

Vector = NDArray[np.float64]
Edge = tuple[str, str]


def satisfaction(tp: Touchpoint) -> float:
    """``experience − expectation`` of a touchpoint (its expectation defaults to its experience).

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    float
        Satisfaction ``s_v``: negative below expectation.

    Examples
    --------
    >>> satisfaction(Touchpoint(id="c", name="C", stage="s", experience=5, expectation=7))
    -2.0
    """
    return tp.experience - tp.expected


def weighted_satisfaction(tp: Touchpoint) -> float:
    """``importance × satisfaction``.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    float
        Weighted satisfaction.

    Examples
    --------
    >>> tp = Touchpoint(id="c", name="C", stage="s", experience=5, expectation=7, importance=9)
    >>> weighted_satisfaction(tp)
    -18.0
    """
    return tp.weight * satisfaction(tp)


def gap(tp: Touchpoint) -> float | None:
    """``experience − ideal``, or None when no ideal is given.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    float or None
        The gap to the ideal; None without an ``ideal``.

    Examples
    --------
    >>> gap(Touchpoint(id="c", name="C", stage="s", experience=5, ideal=10))
    -5.0
    """
    return None if tp.ideal is None else tp.experience - tp.ideal


def pain(tp: Touchpoint) -> float:
    """``importance × max(0, expectation − experience)``: only shortfalls hurt.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    float
        Pain ``π_v`` (0 at or above expectation).

    Examples
    --------
    >>> pain(Touchpoint(id="c", name="C", stage="s", experience=5, expectation=7, importance=9))
    18.0
    >>> pain(Touchpoint(id="c", name="C", stage="s", experience=8, expectation=7, importance=9))
    0.0
    """
    return tp.weight * max(0.0, tp.expected - tp.experience)


@dataclass(frozen=True)
class Scores:
    """Per-touchpoint scores as arrays aligned with ``journey.touchpoints``."""

    satisfaction: Vector
    weighted: Vector
    pain: Vector


def scores(journey: Journey) -> Scores:
    """Satisfaction, weighted satisfaction and pain of every touchpoint, as arrays.

    Parameters
    ----------
    journey : Journey
        The journey; the arrays follow ``journey.touchpoints``.

    Returns
    -------
    Scores
        ``satisfaction``, ``weighted`` and ``pain``, one float per touchpoint.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> s = scores(parse_journey(_TINY))
    >>> s.satisfaction.tolist(), s.weighted.tolist(), s.pain.tolist()
    ([-2.0], [-4.0], [4.0])
    """
    touchpoints = journey.touchpoints
    experience = np.array([tp.experience for tp in touchpoints], dtype=np.float64)
    # the fields themselves (None becomes nan), not the ``expected``/``weight`` properties:
    # a property call per touchpoint is most of the time on 100,000 touchpoints
    expectation = np.array([tp.expectation for tp in touchpoints], dtype=np.float64)
    importance = np.array([tp.importance for tp in touchpoints], dtype=np.float64)
    expected = np.where(np.isnan(expectation), experience, expectation)  # Touchpoint.expected
    weight = np.where(np.isnan(importance), 1.0, importance)  # Touchpoint.weight
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by the documents
        sat = experience - expected
        return Scores(satisfaction=sat, weighted=weight * sat, pain=weight * np.maximum(0.0, -sat))


def normalised(sources: NDArray[np.int64], weights: Vector, size: int) -> tuple[Vector, Vector]:
    """P(u→v) of each edge and the total weight leaving each node, by node index.

    Parameters
    ----------
    sources : ndarray of int
        The source node index of each edge.
    weights : ndarray of float
        The edge weights (customers or shares), ``>= 0``.
    size : int
        The number of nodes.

    Returns
    -------
    probabilities : ndarray of float
        ``weights / totals[sources]``, 0 where the source sends no weight on.
    totals : ndarray of float
        The weight leaving each node.

    Examples
    --------
    >>> p, totals = normalised(np.array([0, 0, 1]), np.array([3.0, 1.0, 0.0]), 2)
    >>> p.tolist(), totals.tolist()
    ([0.75, 0.25, 0.0], [4.0, 0.0])
    """
    totals = np.bincount(sources, weights=weights, minlength=size).astype(np.float64)
    leaving = totals[sources]
    probabilities = np.zeros(len(weights))
    with np.errstate(over="ignore", invalid="ignore"):  # overflowing totals are refused by the chain
        np.divide(weights, leaving, out=probabilities, where=leaving > 0)
    return probabilities, totals


def transition_probabilities(journey: Journey) -> dict[Edge, float]:
    """P(u→v) of every transition, keyed ``(source, target)``, in file order.

    Parameters
    ----------
    journey : Journey
        The journey (validated or not; a source without weight gives 0).

    Returns
    -------
    dict
        ``{(source, target): probability}``.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> transition_probabilities(parse_journey(_TINY))
    {('entry', 'a'): 1.0, ('a', 'ok'): 0.6, ('a', 'lost'): 0.4}
    """
    index: dict[str, int] = {}
    sources = np.array([index.setdefault(t.source, len(index)) for t in journey.transitions], dtype=np.int64)
    weights = np.array([t.weight for t in journey.transitions], dtype=np.float64)
    probabilities, _ = normalised(sources, weights, len(index))
    return {(t.source, t.target): p for t, p in zip(journey.transitions, probabilities.tolist(), strict=True)}


def edge_flows(journey: Journey, reach: Mapping[str, float], entrants: float) -> dict[Edge, float]:
    """Customers the model sends along each transition: ``entrants × reach_u × P(u→v)``.

    Parameters
    ----------
    journey : Journey
        The journey.
    reach : mapping
        Expected visits per entrant of each source node (``entry`` is 1); the
        transitions of a source missing from it are left out.
    entrants : float
        The customers entering the journey.

    Returns
    -------
    dict
        ``{(source, target): customers}``, in file order.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> edge_flows(parse_journey(_TINY), {"entry": 1.0, "a": 1.0}, 10.0)
    {('entry', 'a'): 10.0, ('a', 'ok'): 6.0, ('a', 'lost'): 4.0}
    """
    probabilities = transition_probabilities(journey)
    return {(u, v): entrants * reach[u] * p for (u, v), p in probabilities.items() if u in reach}


@dataclass(frozen=True)
class GraphFigures:
    """Values derived from a journey that a graph store writes beside it.

    ``reach`` by node id (entry, touchpoints and outcomes; empty when customers could
    be caught in a loop with no way out), ``pain`` by touchpoint id, and ``p`` and
    ``flow`` for each transition in file order.
    """

    reach: Mapping[str, float]
    pain: Mapping[str, float]
    p: Sequence[float]
    flow: Sequence[float | None]


_TINY = {  # the journey of the examples
    "id": "tiny",
    "name": "Tiny",
    "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    "touchpoints": [
        {"id": "a", "name": "A", "stage": "s", "experience": 4, "expectation": 6, "importance": 2}
    ],
    "outcomes": [
        {"id": "ok", "name": "OK", "kind": "success"},
        {"id": "lost", "name": "Lost", "kind": "failure"},
    ],
    "transitions": [
        {"from": "entry", "to": "a", "customers": 10},
        {"from": "a", "to": "ok", "customers": 6},
        {"from": "a", "to": "lost", "customers": 4},
    ],
}
