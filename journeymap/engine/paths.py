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

The work depends on how tight the bounds are, not on the number of paths: on
acyclic journeys the probability bound is exact, so the search walks almost
straight to each answer (one Dijkstra plus about k × path length expansions).
Exact ties must all be explored to apply the tie-break; a search that would need
more than ``MAX_STEPS`` expansions (e.g. millions of equally likely paths) raises
``LimitExceeded`` instead of running unbounded.
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
MAX_STEPS = 1_000_000
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


class _Held:
    """The k best complete paths so far; ``limit`` is the negated log key of the k-th
    (a float for ``probability``, a pair for ``pain``: the search's heap keys)."""

    def __init__(self, k: int, rank: str) -> None:
        self.k, self.rank = k, rank
        self.items: list[_Worst] = []
        self.limit: Any = (math.inf, math.inf) if rank == "pain" else math.inf

    def offer(self, path: FoundPath) -> None:
        item = _Worst(path, self.rank)
        if len(self.items) < self.k:
            heapq.heappush(self.items, item)
        elif item.key < self.items[0].key:
            heapq.heapreplace(self.items, item)
        else:
            return
        if len(self.items) == self.k:
            negated = tuple(-x for x in self.items[0].path.log_key(self.rank))
            self.limit = negated if self.rank == "pain" else negated[0]

    def best_first(self) -> list[FoundPath]:
        return [item.path for item in sorted(self.items, key=lambda item: item.key)]


def _inflated(value: float) -> float:
    """``value`` raised by a relative 1e-9: an upper bound safe from rounding."""
    return value + SLACK * (1.0 + abs(value)) if value != NEG_INF else value


def search(chain: Chain, k: int, rank: str, targets: NDArray[np.bool_], pain: list[float]) -> list[FoundPath]:
    """The k best simple paths from entry to a node with ``targets[node]``, best first."""
    if k <= 0:
        return []
    is_target = targets.tolist()
    best_log = best_log_probability(chain, targets).tolist()
    if best_log[0] == NEG_INF:
        return []
    if rank == "pain":
        _, log_m = pain_bounds(chain, pain, is_target, best_log)

        def key(node: int, log_p: float, c: float) -> Any:
            """Negated (pain-mass bound, probability bound), both in log space."""
            ahead = log_add(math.log(c) + best_log[node] if c > 0 else NEG_INF, log_m[node])
            return (-_inflated(log_p + ahead), -_inflated(log_p + best_log[node]))
    else:

        def key(node: int, log_p: float, c: float) -> Any:
            """Negated probability bound in log space (``_inflated``, inlined: the hot path)."""
            bound = log_p + best_log[node]
            return -(bound + SLACK * (1.0 + abs(bound)))

    indptr, indices, probs, log_probs = chain.adjacency
    held = _Held(k, rank)
    tie = count()
    root: Link = (0, None)
    heap: list[tuple[Any, ...]] = [(key(0, 0.0, 0.0), next(tie), root, 1.0, 0.0, 0.0)]
    for steps in count(1):
        if not heap or heap[0][0] > held.limit:
            break
        if steps > MAX_STEPS:
            raise LimitExceeded(
                f"paths: more than {MAX_STEPS} search steps for k={k}; lower k or narrow with to=/kind="
            )
        _, _, link, p, log_p, c = heapq.heappop(heap)
        on_path = set()
        walk = link
        while walk is not None:
            on_path.add(walk[0])
            walk = walk[1]
        for j in range(indptr[link[0]], indptr[link[0] + 1]):
            w = indices[j]
            if w in on_path or best_log[w] == NEG_INF:
                continue
            child_key = key(w, log_p + log_probs[j], c + pain[w])
            if child_key > held.limit:  # every completion ranks below the k-th held path
                continue
            if is_target[w]:  # a complete path: its key is its own (inflated) score
                held.offer(_complete((w, link), chain.ids, p * probs[j], log_p + log_probs[j], c))
            else:
                heapq.heappush(
                    heap, (child_key, next(tie), (w, link), p * probs[j], log_p + log_probs[j], c + pain[w])
                )
    return held.best_first()


def _complete(link: Link, ids: list[str], p: float, log_p: float, c: float) -> FoundPath:
    nodes: list[int] = []
    while link is not None:
        nodes.append(link[0])
        link = link[1]
    nodes.reverse()
    return FoundPath(tuple(nodes), tuple(ids[i] for i in nodes), p, log_p, c)
