"""The path search's hot loops over flat arrays (CSR adjacency, per-node bounds).

What is searched and why the answer is exact is explained in
``journeymap.engine.paths``. The functions here are plain Python that numba can
compile: ``journeymap.engine.jit`` compiles them (cached on disk, so the first
query on a machine compiles once, a few seconds, and later processes load the
machine code) for large journeys, where Python's per-edge overhead would
dominate; small journeys run them as they are, which spares the process numba's
import and the loading of its cached code (more than the whole search there).
Both run the same operations on the same IEEE doubles, so they find the same paths.

Two searches cooperate:

* **backward**: Dijkstra on ``−log p`` from the allowed outcomes over the
  reversed graph. A node it has settled knows ``h`` = its best ``−log`` probability
  to an outcome; every unsettled node is at least ``radius`` away (the smallest key
  on the backward heap), which is an admissible bound too. The state is a few flat
  arrays (distances, settled flags, a binary heap in two arrays) that can be
  advanced a little at a time.
* **forward**: best-first over prefixes keyed by admissible bounds. With
  ``backward_per_step`` > 0 the backward search advances that many nodes per
  forward step, so the bound is computed only as far as the search needs it;
  a popped prefix whose bound has risen since it was queued is queued again with
  the higher key. With 0, the backward search has already been run to the end.

Keys are pairs ``(a, b)``, smaller is better: for ``rank=probability`` ``a`` is the
negated, slightly inflated log-probability bound and ``b`` is 0; for ``rank=pain``
they are the negated (pain-mass bound, probability bound). A complete path's log
key is ``(log pain_mass, log p)`` or ``(log p, 0)``.

Why one module of ~400 lines: the two searches advance each other step by step
over the same flat arrays, and numba compiles them as one unit; split, the
algorithm would be read in pieces that only make sense together.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np

NEG_INF = -math.inf
INF = math.inf
STEPS = 1  # why ``top_paths`` gave up: it ran ``max_steps`` steps ...
TIED = 2  # ... or popped ``max_tied`` prefixes level with the next


def start_backward(n_nodes: int, n_edges: int, sources: Any) -> Any:
    """A backward search with only ``sources`` queued: distances, settled flags, heap, size."""
    dist = np.full(n_nodes, INF)
    settled = np.zeros(n_nodes, np.bool_)
    keys = np.empty(n_edges + len(sources))
    values = np.empty(n_edges + len(sources), np.int32)
    size = 0
    for s in sources:
        dist[s] = 0.0
        size = _push(keys, values, size, 0.0, s)
    return dist, settled, keys, values, size


def advance_backward(
    indptr: Any,
    indices: Any,
    costs: Any,
    dist: Any,
    settled: Any,
    keys: Any,
    values: Any,
    size: int,
    count: int,
) -> int:
    """Settle up to ``count`` more nodes (``count`` < 0: all); returns the heap's new size.

    ``indptr, indices, costs`` are the REVERSED graph in CSR form (an edge u -> v of the
    journey is stored in row v), costs non-negative. Dijkstra with lazy deletion.
    """
    while size and count != 0:
        d, u = keys[0], values[0]
        size = _pop(keys, values, size)
        if settled[u]:
            continue
        settled[u] = True
        count -= 1
        for j in range(indptr[u], indptr[u + 1]):
            v = indices[j]
            through = d + costs[j]
            if through < dist[v]:
                dist[v] = through
                size = _push(keys, values, size, through, v)
    return size


def log_add(a: float, b: float) -> float:
    """``log(exp(a) + exp(b))`` without overflow or underflow."""
    if a == NEG_INF:
        return b
    if b == NEG_INF:
        return a
    high, low = (a, b) if a >= b else (b, a)
    return high + math.log1p(math.exp(low - high))


def pain_bounds(
    indptr: Any,
    indices: Any,
    log_probs: Any,
    pain: Any,
    is_target: Any,
    best_log: Any,
    labels: Any,
    sinks_first: Any,
) -> Any:
    """``log M(u)`` for every node: an upper bound on ``p'·c'`` over the completions from u
    (their probability times the pain they still collect), computed sinks first over the
    condensation, with ``C(u)``, an upper bound on the pain a simple path still collects.

    Outside loops ``C(u) = max_w π_w + C(w)`` and ``M(u) = max_w P(u,w)·(π_w·Pmax(w) + M(w))``
    over successors w that can still reach an allowed outcome; inside a strongly
    connected component S, ``C(u)`` = all pain of S plus the best ``π_w + C(w)`` of an
    edge leaving S (a simple path visits each node at most once), and
    ``M(u) = Pmax(u)·C(u)``. ``labels`` are the components, ``sinks_first`` their order.
    """
    n = len(best_log)
    starts = np.zeros(len(sinks_first) + 1, np.int64)  # members of each component, by node
    for u in range(n):
        starts[labels[u] + 1] += 1
    starts = np.cumsum(starts)
    fill = starts[:-1].copy()
    members = np.empty(n, np.int64)
    for u in range(n):
        members[fill[labels[u]]] = u
        fill[labels[u]] += 1
    cub = np.full(n, NEG_INF)
    log_m = np.full(n, NEG_INF)
    for label in sinks_first:
        first, last = starts[label], starts[label + 1]
        if last - first == 1:
            u = members[first]
            if is_target[u]:
                cub[u] = 0.0
                continue
            for j in range(indptr[u], indptr[u + 1]):
                w = indices[j]
                if best_log[w] == NEG_INF:
                    continue
                cub[u] = max(cub[u], pain[w] + cub[w])
                ahead = log_add(math.log(pain[w]) + best_log[w] if pain[w] > 0 else NEG_INF, log_m[w])
                log_m[u] = max(log_m[u], log_probs[j] + ahead)
            continue
        total, leaving = 0.0, NEG_INF
        for i in range(first, last):
            u = members[i]
            total += pain[u]
            for j in range(indptr[u], indptr[u + 1]):
                w = indices[j]
                if labels[w] != label and best_log[w] > NEG_INF:
                    leaving = max(leaving, pain[w] + cub[w])
        total += leaving
        for i in range(first, last):
            u = members[i]
            log_m[u] = best_log[u] + math.log(total) if total > 0 else NEG_INF
            cub[u] = total
    return log_m


def _inflated(value: float, slack: float) -> float:
    return value + slack * (1.0 + abs(value)) if value != NEG_INF else value


def _near(a: float, b: float, slack: float) -> bool:
    return a == b or abs(a - b) <= slack * (1.0 + abs(a))


def _worse(a: float, b: float, limit_a: float, limit_b: float) -> bool:
    return a > limit_a or (a == limit_a and b > limit_b)


def _bound(
    u: int, dist: Any, settled: Any, radius: float, indptr: Any, indices: Any, log_probs: Any, is_target: Any
) -> float:
    """A lower bound on ``h(u)``: exact once settled; else the larger of the backward radius
    and one step of Bellman's equation over bounds of the successors (0 at an outcome)."""
    if settled[u] or radius == INF:
        return float(dist[u])
    if is_target[u]:
        return 0.0
    ahead = INF
    for j in range(indptr[u], indptr[u + 1]):
        w = indices[j]
        h = 0.0 if is_target[w] else (dist[w] if settled[w] else radius)
        ahead = min(ahead, h - log_probs[j])
    return max(radius, ahead)


def _key(
    w: int, lp: float, c: float, h: float, log_m: Any, pain_rank: bool, slack: float
) -> tuple[float, float]:
    """The key of a prefix ending at ``w`` with log probability ``lp``, pain ``c``, bound ``h``."""
    if pain_rank:
        ahead = log_add(math.log(c) - h if c > 0 else NEG_INF, log_m[w])
        return -_inflated(lp + ahead, slack), -_inflated(lp - h, slack)
    return -_inflated(lp - h, slack), 0.0


def top_paths(
    forward: Any,
    pain: Any,
    is_target: Any,
    reverse: Any,
    labels: Any,
    sinks_first: Any,
    k: int,
    pain_rank: bool,
    slack: float,
    max_steps: int,
    backward_per_step: int,
    max_tied: int,
) -> tuple[Any, Any, Any, Any, Any, int]:
    """The best-first search; returns the candidate paths as flat arrays (nodes of every
    path one after the other, each path's end offset, probability, log probability, pain)
    and whether the search gave up (the candidates are then incomplete): ``STEPS`` after
    ``max_steps`` steps, ``TIED`` after ``max_tied`` prefixes popped with the same key as the
    next one (many paths tie; ``journeymap.engine.ties`` decides those exactly), else 0.

    ``forward`` is the graph as CSR ``(indptr, indices, p, log p)``, ``reverse`` the
    reversed graph ``(indptr, indices, −log p)``, ``labels``/``sinks_first`` the strong
    components. By pain the pain bounds need ``h`` everywhere, so the backward search runs
    to the end first; by probability it advances ``backward_per_step`` nodes per forward
    step. Every complete path not pruned when generated is a candidate (the caller sorts
    them with the documented tie-break and keeps k); the pruning limit is the k-th best
    log key among them.
    """
    indptr, indices, probs, log_probs = forward
    r_indptr, r_indices, r_costs = reverse
    dist, settled, b_keys, b_values, b_size = start_backward(
        len(r_indptr) - 1, len(r_indices), np.nonzero(is_target)[0]
    )
    log_m = np.empty(0)
    if pain_rank:
        b_size = advance_backward(r_indptr, r_indices, r_costs, dist, settled, b_keys, b_values, b_size, -1)
        settled[:] = True  # an unreached node is now known to be unreachable: h = inf
        log_m = pain_bounds(indptr, indices, log_probs, pain, is_target, -dist, labels, sinks_first)
        backward_per_step = 0
    node = [0]
    parent = [-1]
    edge = [-1]  # the transition that led to each prefix's last node
    logp = [0.0]
    collected = [0.0]
    found = [0]
    found.pop()
    kept = [(0.0, 0.0)]  # min-heap of the k best complete log keys: the k-th is on top
    kept.pop()
    limit_a, limit_b = INF, INF
    mark = np.full(len(dist), -1, np.int32)
    heap = [(-INF, -INF, 0)]
    steps = 0
    tied = 0
    stopped = 0
    while heap:
        a, b, q = heap[0]
        if _worse(a, b, limit_a, limit_b):
            break
        steps += 1
        if steps > max_steps:
            stopped = STEPS
            break
        heapq.heappop(heap)
        if heap and _near(a, heap[0][0], slack) and _near(b, heap[0][1], slack):
            tied += 1
            if tied > max_tied:
                stopped = TIED
                break
        if backward_per_step:
            b_size = advance_backward(
                r_indptr, r_indices, r_costs, dist, settled, b_keys, b_values, b_size, backward_per_step
            )
        radius = b_keys[0] if b_size else INF
        u = node[q]
        h = _bound(u, dist, settled, radius, indptr, indices, log_probs, is_target)
        if h == INF:
            continue
        a, b = _key(u, logp[q], collected[q], h, log_m, pain_rank, slack)
        if _worse(a, b, limit_a, limit_b):
            continue
        if heap and _worse(a, b, heap[0][0], heap[0][1]):  # its bound rose past the next prefix's
            heapq.heappush(heap, (a, b, q))
            continue
        walk = q
        while walk >= 0:
            mark[node[walk]] = q
            walk = parent[walk]
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            if mark[w] == q:
                continue
            h = _bound(w, dist, settled, radius, indptr, indices, log_probs, is_target)
            if h == INF:
                continue
            lp = logp[q] + log_probs[j]
            c = collected[q] + pain[w] if pain_rank else 0.0  # by probability: summed at the end
            a, b = _key(w, lp, c, h, log_m, pain_rank, slack)
            if _worse(a, b, limit_a, limit_b):  # every completion ranks below the k-th kept path
                continue
            child = len(node)
            node.append(w)
            parent.append(q)
            edge.append(j)
            logp.append(lp)
            collected.append(c)
            if not is_target[w]:
                heapq.heappush(heap, (a, b, child))
                continue
            found.append(child)
            log_key = (lp + math.log(c) if c > 0 else NEG_INF, lp) if pain_rank else (lp, 0.0)
            if len(kept) < k:
                heapq.heappush(kept, log_key)
            elif log_key > kept[0]:
                heapq.heapreplace(kept, log_key)
            if len(kept) == k:
                limit_a, limit_b = -kept[0][0], -kept[0][1]
    paths, ends, p, log_p, pain_of = _candidates(node, parent, edge, logp, found, probs, pain)
    return paths, ends, p, log_p, pain_of, stopped


def _candidates(node: Any, parent: Any, edge: Any, logp: Any, found: Any, probs: Any, pain: Any) -> Any:
    """The complete paths ``found`` as flat arrays: nodes (entry first), end offsets, p, log p,
    pain. Probability and pain are multiplied and summed along each path from entry, in the
    order an incremental computation during the search would use, so they are the same floats."""
    ends = np.empty(len(found), np.int64)
    total = 0
    for i, q in enumerate(found):
        walk = q
        while walk >= 0:
            total += 1
            walk = parent[walk]
        ends[i] = total
    nodes = np.empty(total, np.int64)
    edges = np.empty(total, np.int64)
    p = np.empty(len(found))
    log_p = np.empty(len(found))
    path_pain = np.empty(len(found))
    start = 0
    for i, q in enumerate(found):
        position = ends[i] - 1
        walk = q
        while walk >= 0:
            nodes[position], edges[position] = node[walk], edge[walk]
            position -= 1
            walk = parent[walk]
        product, collected = 1.0, 0.0
        for position in range(start + 1, ends[i]):
            product *= probs[edges[position]]
            collected += pain[nodes[position]]
        p[i], log_p[i], path_pain[i] = product, logp[q], collected
        start = ends[i]
    return nodes, ends, p, log_p, path_pain


def _push(keys: Any, values: Any, size: int, key: float, value: int) -> int:
    """Sift ``(key, value)`` up into the heap of ``size`` items; returns the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i], values[i] = keys[parent], values[parent]
        i = parent
    keys[i], values[i] = key, value
    return size + 1


def _pop(keys: Any, values: Any, size: int) -> int:
    """Remove the smallest item (read it from index 0 first); returns the new size."""
    size -= 1
    key, value = keys[size], values[size]
    i = 0
    while 2 * i + 1 < size:
        child = 2 * i + 1
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= key:
            break
        keys[i], values[i] = keys[child], values[child]
        i = child
    keys[i], values[i] = key, value
    return size
