"""Independent oracles for the engine tests: exact fractions and brute-force enumeration."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from journeymap.model import ENTRY, Journey


def exact_probabilities(
    journey: Journey, number: Callable[[float], Fraction] = Fraction
) -> dict[str, dict[str, Fraction]]:
    """P(u→v) as fractions (weights are read exactly from their float values, or by ``number``)."""
    totals: dict[str, Fraction] = defaultdict(Fraction)
    for t in journey.transitions:
        totals[t.source] += number(t.weight)
    probs: dict[str, dict[str, Fraction]] = defaultdict(dict)
    for t in journey.transitions:
        if t.weight > 0:
            probs[t.source][t.target] = number(t.weight) / totals[t.source]
    return probs


def solve(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Gauss-Jordan elimination over fractions."""
    n = len(rhs)
    a = [[*row[:], rhs[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if a[r][col] != 0)
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[r][col] != 0:
                factor = a[r][col] / a[col][col]
                a[r] = [x - factor * y for x, y in zip(a[r], a[col], strict=True)]
    return [a[i][n] / a[i][i] for i in range(n)]


def success_probability(journey: Journey, lost: str | None = None) -> Fraction:
    """Exact success probability; with ``lost``, customers reaching that touchpoint fail."""
    probs = exact_probabilities(journey)
    states = [ENTRY, *(tp.id for tp in journey.touchpoints)]
    pos = {s: i for i, s in enumerate(states)}
    kinds = journey.outcome_kinds()
    n = len(states)
    matrix = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    rhs = [Fraction(0)] * n
    for s in states:
        if s == lost:
            continue  # h[lost] = 0
        for target, p in probs[s].items():
            if target in pos:
                matrix[pos[s]][pos[target]] -= p
            elif kinds[target] == "success":
                rhs[pos[s]] += p
    return solve(matrix, rhs)[0]


def removal_effect(journey: Journey, touchpoint: str) -> Fraction:
    base = success_probability(journey)
    return 1 - success_probability(journey, lost=touchpoint) / base


def exact_reach(journey: Journey) -> dict[str, Fraction]:
    """N[entry, v] as fractions: solve x = e_entry + Qᵀ x."""
    probs = exact_probabilities(journey)
    states = [ENTRY, *(tp.id for tp in journey.touchpoints)]
    pos = {s: i for i, s in enumerate(states)}
    n = len(states)
    matrix = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for s in states:
        for target, p in probs[s].items():
            if target in pos:
                matrix[pos[target]][pos[s]] -= p
    rhs = [Fraction(int(i == 0)) for i in range(n)]
    return dict(zip(states, solve(matrix, rhs), strict=True))


def float_probabilities(journey: Journey) -> dict[str, dict[str, float]]:
    totals: dict[str, float] = defaultdict(float)
    for t in journey.transitions:
        totals[t.source] += t.weight
    probs: dict[str, dict[str, float]] = defaultdict(dict)
    for t in journey.transitions:
        if t.weight > 0:
            probs[t.source][t.target] = t.weight / totals[t.source]
    return probs


def exact(value: float) -> Fraction:
    """A file number as the decimal it was written as (0.1 is 1/10, not the nearest binary float)."""
    return Fraction(repr(float(value)))


def all_paths(journey: Journey, ends: set[str] | None = None) -> list[dict[str, Any]]:
    """Every simple positive-probability path from entry to an outcome (in ``ends``), with its
    float numbers (products and sums along the path, from entry) and its exact ones."""
    probs = float_probabilities(journey)
    exact_probs = exact_probabilities(journey, exact)
    outcomes = set(journey.outcome_kinds())
    ends = outcomes if ends is None else ends
    pains = {tp.id: tp.weight * max(0.0, tp.expected - tp.experience) for tp in journey.touchpoints}
    exact_pains = {
        tp.id: exact(tp.weight) * max(Fraction(0), exact(tp.expected) - exact(tp.experience))
        for tp in journey.touchpoints
    }
    found: list[dict[str, Any]] = []

    def walk(path: list[str]) -> None:
        node = path[-1]
        if node in outcomes:
            if node in ends:
                p, exact_p = 1.0, Fraction(1)
                for u, v in itertools.pairwise(path):
                    p *= probs[u][v]
                    exact_p *= exact_probs[u][v]
                pain, exact_pain = 0.0, Fraction(0)
                for n in path[1:-1]:
                    pain += pains[n]
                    exact_pain += exact_pains[n]
                found.append(
                    {
                        "nodes": path,
                        "probability": p,
                        "pain": pain,
                        "pain_mass": p * pain,
                        "exact_probability": exact_p,
                        "exact_pain_mass": exact_p * exact_pain,
                    }
                )
            return
        for nxt in probs[node]:
            if nxt not in path:
                walk([*path, nxt])

    walk([ENTRY])
    return found


def brute_force_top(
    journey: Journey, k: int, rank: str, ends: set[str] | None = None
) -> list[dict[str, Any]]:
    """The documented order applied exactly: pain mass or probability as fractions, then ids."""
    paths = all_paths(journey, ends)
    if rank == "pain":
        paths.sort(key=lambda p: (-p["exact_pain_mass"], -p["exact_probability"], p["nodes"]))
    else:
        paths.sort(key=lambda p: (-p["exact_probability"], p["nodes"]))
    return paths[:k]
