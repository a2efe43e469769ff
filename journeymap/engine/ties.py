"""The top-k search in exact arithmetic, for journeys where many paths tie (DESIGN.md §3, Paths).

The compiled search (``journeymap.engine.kernel``) orders prefixes by float bounds and must
explore every prefix whose bound is within float error of the k-th path, so on a journey
whose paths tie by the thousand (N stages each split 50/50 between two touchpoints: 2^N
equally likely paths) it cannot stop. This search keys every prefix by *exact* bounds
(fractions, ``journeymap.engine.exact``) and breaks equal bounds by the prefix's id list,
so complete paths leave the heap in exactly the documented order and the search stops
after the k-th:

* the key of a prefix ending at u is an upper bound on every simple completion: by
  probability ``p · Pmax(u)``; by pain mass the pair ``(p · (c · Pmax(u) + M(u)), p · Pmax(u))``
  (the bounds of ``journeymap.engine.paths``, computed exactly), and never above its
  parent's key (a child's bound is capped by its parent's, which keeps keys monotone);
* a completion's id list extends the prefix's, so it sorts after it; with keys that only
  fall along a path, a complete path popped from the heap ranks before everything
  still queued and everything those entries extend to.

Tied prefixes are then taken in id order, depth first: the ladder of 60 stages gives its
ten first paths in about 60 · 10 steps instead of 2^60.
"""

from __future__ import annotations

import heapq
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.chain import Chain
from journeymap.errors import LimitExceeded

ZERO, ONE = Fraction(0), Fraction(1)


def exact_top(
    chain: Chain, k: int, rank: str, targets: NDArray[np.bool_], max_steps: int
) -> list[tuple[int, ...]]:
    """The k best simple paths (node indices, entry first), best first, decided exactly.

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    k : int
        How many paths.
    rank : {"pain", "probability"}
        The order.
    targets : numpy.ndarray of bool
        Which nodes may end a path.
    max_steps : int
        The most heap pops before giving up.

    Returns
    -------
    list of tuple of int
        The paths as node indices, best first.

    Raises
    ------
    LimitExceeded
        After ``max_steps`` heap pops.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> exact_top(chain, 2, "probability", chain.outcome_mask(None, None), 1000)
    [(0, 1, 2), (0, 1, 3)]
    """
    bounds = _Bounds(chain, targets, rank == "pain")
    ids = chain.ids
    indptr, indices = chain.P.indptr.tolist(), chain.P.indices.tolist()
    best = bounds.best[0]
    if best is None or k <= 0:
        return []
    pain_rank = rank == "pain"
    start_key = (-bounds.mass(0, ONE, ZERO), -best) if pain_rank else (-best,)
    heap: list[Any] = [(start_key, (ids[0],), (0,), ONE, ZERO)]
    found: list[tuple[int, ...]] = []
    steps = 0
    while heap and len(found) < k:
        steps += 1
        if steps > max_steps:
            raise LimitExceeded(
                f"paths: the answer needs more than {max_steps} search steps (k={k} among many "
                "equally ranked paths); lower k, or narrow the search with to= or kind="
            )
        key, path_ids, nodes, p, collected = heapq.heappop(heap)
        u = nodes[-1]
        if targets[u]:
            found.append(nodes)
            continue
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            best_w = bounds.best[w]
            if best_w is None or w in nodes:
                continue
            p_w = p * chain.exact.probability(ids[u], ids[w])
            c_w = collected + bounds.pain[w] if pain_rank else ZERO
            child: tuple[Fraction, ...] = (max(key[0], -p_w * best_w),)
            if pain_rank:
                child = (max(key[0], -bounds.mass(w, p_w, c_w)), max(key[1], -p_w * best_w))
            heapq.heappush(heap, (child, (*path_ids, ids[w]), (*nodes, w), p_w, c_w))
    return found


class _Bounds:
    """Exact ``Pmax(u)`` (best probability of a walk from u to a target; None when none is
    reachable) and, by pain, the pains ``π``, ``C(u)`` and ``M(u)`` of ``journeymap.engine.paths``."""

    def __init__(self, chain: Chain, targets: NDArray[np.bool_], pain_rank: bool) -> None:
        self.chain = chain
        self.best = self._best(targets)
        self.pain: list[Fraction] = []
        self.ahead: list[Fraction] = []
        if pain_rank:
            self.pain = [chain.exact.pain(node) for node in chain.ids]
            self.ahead = self._ahead(targets)

    def mass(self, u: int, p: Fraction, collected: Fraction) -> Fraction:
        """The pain-mass bound of a prefix with probability p and pain ``collected`` ending at u."""
        best = self.best[u]
        assert best is not None
        return p * (collected * best + self.ahead[u])

    def _best(self, targets: NDArray[np.bool_]) -> list[Fraction | None]:
        """Dijkstra for the largest product, from the targets over the reversed graph."""
        chain, ids = self.chain, self.chain.ids
        reverse = chain.P.T.tocsr()
        indptr, indices = reverse.indptr.tolist(), reverse.indices.tolist()
        best: list[Fraction | None] = [None] * chain.n_nodes
        done = [False] * chain.n_nodes
        heap: list[tuple[Fraction, int]] = []
        for t in np.flatnonzero(targets).tolist():
            best[t] = ONE
            heap.append((-ONE, t))
        heapq.heapify(heap)
        while heap:
            neg, v = heapq.heappop(heap)
            if done[v]:
                continue
            done[v] = True
            for j in range(indptr[v], indptr[v + 1]):
                u = indices[j]
                if targets[u] or done[u]:
                    continue
                through = -neg * chain.exact.probability(ids[u], ids[v])
                known = best[u]
                if known is None or through > known:
                    best[u] = through
                    heapq.heappush(heap, (-through, u))
        return best

    def _ahead(self, targets: NDArray[np.bool_]) -> list[Fraction]:
        """``M(u)``, computed sinks first over the strongly connected components."""
        chain, ids, best, pain = self.chain, self.chain.ids, self.best, self.pain
        indptr, indices = chain.P.indptr.tolist(), chain.P.indices.tolist()
        labels = chain.components.labels.tolist()
        members: dict[int, list[int]] = {}
        for u, label in enumerate(labels):
            members.setdefault(label, []).append(u)
        most = [ZERO] * chain.n_nodes  # C(u): the pain a simple path from u can still collect
        ahead = [ZERO] * chain.n_nodes
        for label in chain.components.sinks_first.tolist():
            group = members.get(label, [])
            if len(group) == 1:
                u = group[0]
                if targets[u]:
                    continue
                for j in range(indptr[u], indptr[u + 1]):
                    w = indices[j]
                    best_w = best[w]
                    if best_w is None:
                        continue
                    most[u] = max(most[u], pain[w] + most[w])
                    step = chain.exact.probability(ids[u], ids[w])
                    ahead[u] = max(ahead[u], step * (pain[w] * best_w + ahead[w]))
                continue
            inside = set(group)
            total = sum((pain[u] for u in group), ZERO)
            leaving = ZERO
            for u in group:
                for j in range(indptr[u], indptr[u + 1]):
                    w = indices[j]
                    if w not in inside and best[w] is not None:
                        leaving = max(leaving, pain[w] + most[w])
            for u in group:
                most[u] = total + leaving
                best_u = best[u]
                ahead[u] = best_u * most[u] if best_u is not None else ZERO
        return ahead
