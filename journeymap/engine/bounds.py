"""Admissible bounds for the best-first path search (see ``journeymap.engine.paths``).

``log Pmax(u)``: best log probability of a walk from u to an allowed outcome.
``C(u)``: an upper bound on the pain a simple path can still collect after u.
``log M(u)``: an upper bound on ``p'·c'`` over completions from u (probability
times pain collected after u).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from journeymap.engine.chain import Chain

NEG_INF = float("-inf")


def log_add(a: float, b: float) -> float:
    """``log(exp(a) + exp(b))`` without overflow or underflow.

    >>> round(log_add(math.log(2.0), math.log(3.0)), 12) == round(math.log(5.0), 12)
    True
    """
    if a == NEG_INF:
        return b
    if b == NEG_INF:
        return a
    high, low = (a, b) if a >= b else (b, a)
    return high + math.log1p(math.exp(low - high))


def best_log_probability(chain: Chain, targets: NDArray[np.bool_]) -> NDArray[np.float64]:
    """``log Pmax(u)``: the best log probability of a walk from u to an allowed outcome."""
    sources = np.flatnonzero(targets)
    if len(sources) == 0:
        return np.full(chain.n_nodes, NEG_INF)
    dist = dijkstra(chain.reverse_costs, directed=True, indices=sources, min_only=True)
    return np.asarray(-dist, dtype=np.float64)


def pain_bounds(
    chain: Chain, pain: list[float], targets: list[bool], best_log: list[float]
) -> tuple[list[float], list[float]]:
    """``C(u)`` and ``log M(u)`` for every node, computed sinks first over the condensation.

    Outside loops ``C(u) = max_w π_w + C(w)`` and ``M(u) = max_w P(u,w)·(π_w·Pmax(w) + M(w))``
    over successors w that can still reach an allowed outcome; inside a strongly
    connected component S, ``C(u)`` = all pain of S plus the best ``π_w + C(w)`` of an
    edge leaving S, and ``M(u) = Pmax(u)·C(u)``.
    """
    components = chain.components
    members: list[list[int]] = [[] for _ in range(components.count)]
    for node, label in enumerate(components.labels.tolist()):
        members[label].append(node)
    indptr, indices, _, log_p = chain.adjacency
    cub = [NEG_INF] * chain.n_nodes
    log_m = [NEG_INF] * chain.n_nodes
    for label in components.sinks_first:
        group = members[label]
        if len(group) == 1:
            u = group[0]
            if targets[u]:
                cub[u] = 0.0
                continue
            for j in range(indptr[u], indptr[u + 1]):
                w = indices[j]
                if best_log[w] == NEG_INF:
                    continue
                cub[u] = max(cub[u], pain[w] + cub[w])
                ahead = log_add(math.log(pain[w]) + best_log[w] if pain[w] > 0 else NEG_INF, log_m[w])
                log_m[u] = max(log_m[u], log_p[j] + ahead)
            continue
        inside = set(group)
        leaving = NEG_INF
        for u in group:
            for j in range(indptr[u], indptr[u + 1]):
                w = indices[j]
                if w not in inside and best_log[w] > NEG_INF:
                    leaving = max(leaving, pain[w] + cub[w])
        total = sum(pain[u] for u in group) + leaving
        for u in group:
            cub[u] = total
            log_m[u] = best_log[u] + math.log(total) if total > 0 else NEG_INF
    return cub, log_m
