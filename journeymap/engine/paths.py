"""Exact top-k simple paths from ``entry`` to an outcome (DESIGN.md §3, "Paths").

A path never repeats a node and only uses transitions with a positive
probability (a transition no customer takes carries no path). ``rank="pain"``
orders by ``pain_mass = probability · pain`` descending, ``rank="probability"``
by probability descending; ties go to the higher probability, then to the
lexicographically smaller list of node ids.

Why the answer is exact without enumerating every path
------------------------------------------------------
The search is best-first over *prefixes* (partial simple paths from entry),
each keyed by an **admissible upper bound** on the score of every simple path
that extends it:

* probability: ``p(prefix) · Pmax(u)``, where ``Pmax(u)`` is the best
  probability of any walk from the prefix's last node ``u`` to an allowed
  outcome (Dijkstra on ``−log p`` from the outcomes over the reversed graph).
  Walks include every simple completion, so no completion can beat it.
* pain mass: a completion with probability ``p'`` and further pain ``c'``
  scores ``p·p'·(c + c') ≤ p·(c·Pmax(u) + M(u))`` with ``M(u)`` an upper
  bound on ``p'·c'``. On nodes outside loops ``M(u) = max_w P(u,w)·(π_w·Pmax(w)
  + M(w))``; inside a strongly connected component S, ``M(u) = Pmax(u)·C(u)``
  with ``C(u)`` = all pain of S plus the best pain bound past S (a simple path
  visits each node at most once). Both are computed once, sinks first, over
  the condensation. Ties on pain mass fall to the probability bound, so the
  heap orders prefixes by the pair (pain-mass bound, probability bound).

Complete paths go into the result as they are generated; the search stops when
k paths are held and the best remaining prefix bound is *strictly* below the
k-th held path. Every path not generated then extends a prefix whose bound is
lower, so it ranks below the k-th path: the list equals a brute-force
enumeration sorted the same way. Bounds are computed in log space (products of
1e-300 probabilities do not underflow the ordering) and inflated by 1e-9
relative, far above floating-point error, so ties at the k-th place are always
explored and broken by the documented rule. Reported numbers are the real
products and sums along the path, as a brute force would compute them.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from itertools import count
from typing import Any

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.bounds import NEG_INF, best_log_probability, log_add, pain_bounds
from journeymap.engine.chain import Chain
from journeymap.errors import LimitExceeded

SLACK = 1e-9
MAX_STEPS = 3_000_000
Link = tuple[int, Any] | None  # (node, parent link): a prefix as a persistent list


@dataclass(frozen=True)
class FoundPath:
    """One complete path: node indices, real probability and pain, and ordering keys."""

    nodes: tuple[int, ...]
    ids: tuple[str, ...]
    probability: float
    log_probability: float
    pain: float

    @property
    def pain_mass(self) -> float:
        return self.probability * self.pain

    @property
    def log_pain_mass(self) -> float:
        return self.log_probability + math.log(self.pain) if self.pain > 0 else NEG_INF

    def log_key(self, rank: str) -> tuple[float, ...]:
        if rank == "pain":
            return (self.log_pain_mass, self.log_probability)
        return (self.log_probability,)

    def order_key(self, rank: str) -> tuple[Any, ...]:
        """Sort key, best first; the log value only separates exact underflows to 0."""
        p = (-self.probability, -self.log_probability if self.probability == 0 else 0.0)
        if rank == "pain":
            pm = self.pain_mass
            return (-pm, -self.log_pain_mass if pm == 0 else 0.0, *p, self.ids)
        return (*p, self.ids)


class _Worst:
    """Heap item that puts the worst held path on top."""

    __slots__ = ("key", "path")

    def __init__(self, path: FoundPath, rank: str) -> None:
        self.path = path
        self.key = path.order_key(rank)

    def __lt__(self, other: _Worst) -> bool:
        return self.key > other.key


def _inflate(value: float) -> float:
    return value + SLACK * (1.0 + abs(value)) if value != NEG_INF else value


def search(chain: Chain, k: int, rank: str, targets: NDArray[np.bool_], pain: list[float]) -> list[FoundPath]:
    """The k best simple paths from entry to a node with ``targets[node]``, best first."""
    if k <= 0:
        return []
    is_target = targets.tolist()
    best_log = best_log_probability(chain, targets).tolist()
    if best_log[0] == NEG_INF:
        return []
    log_m: list[float] = []
    if rank == "pain":
        _, log_m = pain_bounds(chain, pain, is_target, best_log)
    P = chain.P
    indptr, indices, probs = P.indptr.tolist(), P.indices.tolist(), P.data.tolist()
    log_probs = np.log(P.data).tolist()
    ids = chain.ids

    def bound(node: int, log_p: float, c: float) -> tuple[float, ...]:
        prob_bound = _inflate(log_p + best_log[node])
        if rank != "pain":
            return (prob_bound,)
        ahead = log_add(math.log(c) + best_log[node] if c > 0 else NEG_INF, log_m[node])
        return (_inflate(log_p + ahead), prob_bound)

    held: list[_Worst] = []
    tie = count()
    root: Link = (0, None)
    heap: list[tuple[Any, ...]] = [(*(-b for b in bound(0, 0.0, 0.0)), next(tie), root, 1.0, 0.0, 0.0)]
    width = 2 if rank == "pain" else 1
    steps = 0
    while heap:
        top = heap[0]
        top_bound = tuple(-b for b in top[:width])
        if len(held) == k and top_bound < held[0].path.log_key(rank):
            break
        heapq.heappop(heap)
        steps += 1
        if steps > MAX_STEPS:
            raise LimitExceeded(
                f"paths: more than {MAX_STEPS} search steps for k={k}; lower k or narrow with to=/kind="
            )
        link: Link = top[width + 1]
        p, log_p, c = top[width + 2], top[width + 3], top[width + 4]
        on_path = set()
        walk = link
        while walk is not None:
            on_path.add(walk[0])
            walk = walk[1]
        u = link[0] if link is not None else 0
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            if w in on_path or best_log[w] == NEG_INF:
                continue
            p2, log_p2, c2 = p * probs[j], log_p + log_probs[j], c + pain[w]
            child: Link = (w, link)
            if is_target[w]:
                _hold(held, _complete(child, ids, p2, log_p2, c2), k, rank)
                continue
            b = bound(w, log_p2, c2)
            if len(held) == k and b < held[0].path.log_key(rank):
                continue
            heapq.heappush(heap, (*(-x for x in b), next(tie), child, p2, log_p2, c2))
    return [item.path for item in sorted(held, key=lambda item: item.key)]


def _complete(link: Link, ids: list[str], p: float, log_p: float, c: float) -> FoundPath:
    nodes: list[int] = []
    while link is not None:
        nodes.append(link[0])
        link = link[1]
    nodes.reverse()
    return FoundPath(tuple(nodes), tuple(ids[i] for i in nodes), p, log_p, c)


def _hold(held: list[_Worst], path: FoundPath, k: int, rank: str) -> None:
    item = _Worst(path, rank)
    if len(held) < k:
        heapq.heappush(held, item)
    elif item.key < held[0].key:
        heapq.heapreplace(held, item)
