"""Admissible bounds for the best-first path search (see ``journeymap.engine.paths``).

``log Pmax(u)``: best log probability of a walk from u to an allowed outcome.
``C(u)``: an upper bound on the pain a simple path can still collect after u.
``log M(u)``: an upper bound on ``p'·c'`` over completions from u (probability
times pain collected after u).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components, dijkstra

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
    P = chain.P
    costs = sp.csr_matrix((-np.log(P.data), P.indices, P.indptr), shape=P.shape)
    sources = np.flatnonzero(targets)
    if len(sources) == 0:
        return np.full(chain.n_nodes, NEG_INF)
    dist = dijkstra(costs.T.tocsr(), directed=True, indices=sources, min_only=True)
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
    P = chain.P
    n = chain.n_nodes
    n_comp, labels = connected_components(P, directed=True, connection="strong")
    members: list[list[int]] = [[] for _ in range(n_comp)]
    for node, label in enumerate(labels.tolist()):
        members[label].append(node)
    indptr, indices = P.indptr.tolist(), P.indices.tolist()
    log_p = np.log(P.data).tolist()
    cub = [NEG_INF] * n
    log_m = [NEG_INF] * n
    for label in _sinks_first(P, labels, n_comp):
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


def _sinks_first(P: sp.csr_matrix, labels: NDArray[np.int32], n_comp: int) -> list[int]:
    """Components in an order that puts every component after all its successors (Kahn)."""
    coo = P.tocoo()
    a, b = labels[coo.row], labels[coo.col]
    cross = a != b
    ones = np.ones(int(cross.sum()))
    forward = sp.csr_matrix((ones, (a[cross], b[cross])), shape=(n_comp, n_comp))
    forward.sum_duplicates()
    backward = forward.T.tocsr()
    left = np.diff(forward.indptr).tolist()
    indptr, indices = backward.indptr.tolist(), backward.indices.tolist()
    ready = [c for c in range(n_comp) if left[c] == 0]
    order: list[int] = []
    while ready:
        c = ready.pop()
        order.append(c)
        for j in range(indptr[c], indptr[c + 1]):
            pred = indices[j]
            left[pred] -= 1
            if left[pred] == 0:
                ready.append(pred)
    return order
