"""Exact top-k simple paths from ``entry`` to an outcome (DESIGN.md §3, "Paths").

Why one module over ~300 lines: the exactness argument below, the bounds it
relies on and the search that uses them belong together so a reader can check
one against the other.

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

For ``rank=probability`` the bound need not be computed everywhere first: the
backward Dijkstra advances a few nodes per forward step, and a node it has not
settled yet is bounded by its radius (every unsettled node is at least that far
from an outcome) or, better, by one step of Bellman's equation over its
successors' bounds; both stay admissible. A prefix popped with a bound that has
risen since it was queued goes back on the heap. So on a large journey only the
part of the graph the answer needs is searched in either direction.

Complete paths become candidates as they are generated; the search stops when k
candidates are held and the best remaining prefix bound is *strictly* below the
k-th best candidate. Every path not generated then extends a prefix whose bound
is lower, so it ranks below the k-th path; the candidates, sorted by the
documented order (probability, then ids), give the list a brute-force
enumeration sorted the same way would. Bounds are computed in log space
(products of 1e-300 probabilities do not underflow the ordering) and inflated
by 1e-9 relative, far above floating-point error, so ties at the k-th place
are always explored and broken by the documented rule. Reported numbers are the
real products and sums along the path, as a brute force would compute them.

The work depends on how tight the bounds are, not on the number of paths: on
acyclic journeys the probability bound is exact, so the search walks almost
straight to each answer (about k × path length expansions once the bound is
known). The loops (``journeymap.engine.kernel``) run as plain Python first where
that is cheaper than loading numba, else compiled by numba (``plain_first``). Ties
within float error are all explored and put in exact order
(``settle_ties``); when many paths tie (``MAX_TIED`` prefixes popped level with
the next) or the search runs past ``MAX_STEPS``, the search starts again in
exact arithmetic with the id order as the last key (``journeymap.engine.ties``),
which walks tied prefixes in id order and stops at the k-th path; it raises
``LimitExceeded`` only if it too needs more than ``MAX_STEPS`` steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.chain import Chain

SLACK = 1e-9
NEG_INF = float("-inf")
MAX_STEPS = 1_000_000
MAX_TIED = 2_000  # prefixes popped on a tie before the exact search (``ties``) takes over
BACKWARD_PER_STEP = 1  # backward nodes settled per forward step (rank=probability)
COMPILED_FROM = 20_000  # transitions from which the search by pain runs compiled, see ``plain_first``
PLAIN_STEPS = 20_000  # steps of the plain Python search before the compiled one takes over


@dataclass(frozen=True)
class FoundPath:
    """One complete path: node indices and ids, real probability and pain."""

    nodes: tuple[int, ...]
    ids: tuple[str, ...]
    probability: float
    log_probability: float
    pain: float

    @property
    def pain_mass(self) -> float:
        return self.probability * self.pain


def order_key(rank: str, p: float, log_p: float, pain: float, ids: tuple[str, ...]) -> tuple[Any, ...]:
    """Sort key of a path, best first; the log values only separate exact underflows to 0.

    Parameters
    ----------
    rank : {"pain", "probability"}
        The order.
    p : float
        The path's probability.
    log_p : float
        Its log probability.
    pain : float
        Its pain (Σ π along it).
    ids : tuple of str
        Its node ids (the last tie-break).

    Returns
    -------
    tuple
        Smaller is better.

    Examples
    --------
    >>> import math
    >>> order_key("pain", 0.5, math.log(0.5), 2.0, ("entry", "a", "ok")) < order_key(
    ...     "pain", 0.5, math.log(0.5), 1.0, ("entry", "b", "ok"))
    True
    """
    by_probability = (-p, -log_p if p == 0 else 0.0)
    if rank == "pain":
        mass = p * pain
        log_mass = log_p + math.log(pain) if pain > 0 else NEG_INF
        return (-mass, -log_mass if mass == 0 else 0.0, *by_probability, ids)
    return (*by_probability, ids)


def needs_compiling(transitions: int | None = None, rank: str = "pain") -> bool:
    """Whether the next path query (on a journey of ``transitions`` transitions) compiles the search.

    True when the query starts with the compiled search (see ``plain_first``; ``transitions``
    not given: any query) and its machine code is neither loaded in this process nor cached
    on disk by numba (the first such query on a machine, or after an upgrade).

    Parameters
    ----------
    transitions : int, optional
        How many transitions the journey has.
    rank : {"pain", "probability"}, default "pain"
        The order asked for.

    Returns
    -------
    bool
        True when the next query will compile.

    Examples
    --------
    >>> isinstance(needs_compiling(10, "probability"), bool)
    True
    """
    if transitions is not None and plain_first(transitions, rank):
        return False
    from journeymap.engine.jit import top_paths
    from journeymap.engine.numba_cache import will_compile

    return will_compile(top_paths)


def kernel_search(compiled: bool) -> Any:
    """The search loop ``journeymap.engine.kernel.top_paths``, compiled by numba or as plain Python.

    Parameters
    ----------
    compiled : bool
        True for the compiled copy (``journeymap.engine.jit``; imports numba and loads or
        compiles its machine code), False for the plain Python loop.

    Returns
    -------
    callable
        The loop; both give the same candidates (the same operations on the same doubles).

    Examples
    --------
    >>> kernel_search(False).__module__
    'journeymap.engine.kernel'
    """
    if not compiled:
        from journeymap.engine.kernel import top_paths

        return top_paths
    from journeymap.engine.jit import top_paths as compiled_loop  # numba loads in ~0.3 s

    return compiled_loop


def plain_first(transitions: int, rank: str) -> bool:
    """Whether a query starts with the plain Python search (else with the compiled one).

    The first path search of a process runs plain where that costs less than loading numba
    (a few tenths of a second): by probability at any size, since that search settles its
    bound only as far as it walks (milliseconds on 500,000 transitions), and by pain mass
    below ``COMPILED_FROM`` transitions (the pain bounds cover the whole graph first). A
    process that asks again (a library user, the server, ``demo``) loads the compiled loop
    once and every later search takes it (tens of times faster per search). A plain search
    past ``PLAIN_STEPS`` steps is handed to the compiled one.

    Parameters
    ----------
    transitions : int
        How many transitions the journey has.
    rank : {"pain", "probability"}
        The order asked for.

    Returns
    -------
    bool
        True for the plain search first.

    Examples
    --------
    >>> plain_first(500_000, "pain")
    False
    """
    small = rank == "probability" or transitions < COMPILED_FROM
    return small and not _SEARCHED[0]


_SEARCHED = [False]  # whether this process has run a path search yet (``plain_first``)


def _candidates(chain: Chain, k: int, rank: str, targets: NDArray[np.bool_], plain: bool) -> Any:
    """The kernel's candidates: by the plain Python search for up to ``PLAIN_STEPS`` steps
    when ``plain``, and by the compiled loop past them or else."""
    from journeymap.engine.kernel import STEPS

    # the strong components bound pain mass only; a search by probability does without them
    # (and without scipy, which finds them)
    if rank == "pain":
        labels, sinks_first = chain.components.labels, chain.components.sinks_first
    else:
        labels, sinks_first = np.zeros(chain.n_nodes, np.int32), np.zeros(0, np.int64)
    arguments = (
        chain.arrays,
        chain.node_pain,
        targets,
        chain.reverse_arrays,
        labels,
        sinks_first,
        k,
        rank == "pain",
        SLACK,
    )
    if plain:
        found = kernel_search(False)(*arguments, PLAIN_STEPS, BACKWARD_PER_STEP, MAX_TIED)
        if found[-1] != STEPS:
            return found
    return kernel_search(True)(*arguments, MAX_STEPS, BACKWARD_PER_STEP, MAX_TIED)


def search(chain: Chain, k: int, rank: str, targets: NDArray[np.bool_]) -> list[FoundPath]:
    """The k best simple paths from entry to a node with ``targets[node]``, best first.

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    k : int
        How many paths (0 gives none).
    rank : {"pain", "probability"}
        The order.
    targets : numpy.ndarray of bool
        Which nodes may end a path (``chain.outcome_mask(to, kind)``).

    Returns
    -------
    list of FoundPath
        Node indices and ids, probability, log probability and pain of each path.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> [(p.ids, p.pain) for p in search(chain, 2, "pain", chain.outcome_mask(None, None))]
    [(('entry', 'a', 'ok'), 4.0), (('entry', 'a', 'lost'), 4.0)]
    """
    if k <= 0:
        return []
    plain = plain_first(len(chain.journey.transitions), rank)
    _SEARCHED[0] = True
    nodes, ends, p, log_p, collected, stopped = _candidates(chain, k, rank, targets, plain)
    if stopped:  # many paths tie (or the float search ran long): decide in exact arithmetic
        from journeymap.engine.ties import exact_top

        found = exact_top(chain, k, rank, targets, MAX_STEPS)
        return [_found(chain, path) for path in found]
    ids, flat, cuts = chain.ids, nodes.tolist(), [0, *ends.tolist()]
    ranked = []
    for a, b, path_p, path_log_p, path_pain in zip(
        cuts, cuts[1:], p.tolist(), log_p.tolist(), collected.tolist(), strict=False
    ):
        path_ids = tuple(ids[n] for n in flat[a:b])
        ranked.append(
            (order_key(rank, path_p, path_log_p, path_pain, path_ids), a, b, path_p, path_log_p, path_pain)
        )
    ranked.sort()  # candidates are distinct paths, so their keys (ending with the ids) differ
    ranked = settle_ties(chain, rank, ranked)
    return [
        FoundPath(tuple(flat[a:b]), key[-1], path_p, path_log_p, path_pain)
        for key, a, b, path_p, path_log_p, path_pain in ranked[:k]
    ]


def _found(chain: Chain, nodes: tuple[int, ...]) -> FoundPath:
    """A path's numbers as the compiled search computes them: products and sums from entry."""
    indptr, indices, probs, log_probs = chain.arrays
    pains = chain.node_pain
    p, log_p, pain = 1.0, 0.0, 0.0
    for u, v in pairwise(nodes):
        j = indptr[u] + int(np.searchsorted(indices[indptr[u] : indptr[u + 1]], v))
        p *= float(probs[j])
        log_p += float(log_probs[j])
        pain += float(pains[v])
    return FoundPath(nodes, tuple(chain.ids[n] for n in nodes), p, log_p, pain)


def settle_ties(chain: Chain, rank: str, ranked: list[Any]) -> list[Any]:
    """Candidates in float order, with every run of near-equal keys put in exact order.

    Two candidates whose log keys (log pain mass or log probability) differ by more than
    ``SLACK`` relative are far beyond float error apart, so the float order between them is
    the exact one; within a run of nearer keys the exact rationals decide
    (``journeymap.engine.exact``).

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    rank : {"pain", "probability"}
        The order.
    ranked : list of tuple
        ``(order_key, start, end, probability, log probability, pain)`` rows in float order.

    Returns
    -------
    list of tuple
        The same rows in exact order.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.model import parse_journey
    >>> tie = parse_journey({"id": "tie", "name": "Tie",
    ...     "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "touchpoints": [{"id": t, "name": t, "stage": "s", "experience": 5} for t in ("t0", "t1")],
    ...     "outcomes": [{"id": "o0", "name": "O", "kind": "success"}],
    ...     "transitions": [{"from": a, "to": b, "customers": n} for a, b, n in [
    ...         ("entry", "t0", 3), ("entry", "t1", 2), ("t0", "o0", 1), ("t0", "t1", 2), ("t1", "o0", 1)]]})
    >>> long, short = ("entry", "t0", "t1", "o0"), ("entry", "t1", "o0")
    >>> rows = sorted((order_key("probability", p, math.log(p), 0.0, ids), 0, 0, p, math.log(p), 0.0)
    ...               for ids, p in [(long, 0.6 * (2 / 3)), (short, 0.4)])
    >>> [row[0][-1] for row in rows]  # floats: 0.39999999999999997 < 0.4
    [('entry', 't1', 'o0'), ('entry', 't0', 't1', 'o0')]
    >>> [row[0][-1] for row in settle_ties(compile_journey(tie), "probability", rows)]  # 2/5 each: ids
    [('entry', 't0', 't1', 'o0'), ('entry', 't1', 'o0')]
    """
    settled: list[Any] = []
    start = 0
    for i in range(1, len(ranked) + 1):
        if i < len(ranked) and _near(_log_key(rank, ranked[i - 1]), _log_key(rank, ranked[i])):
            continue
        run = ranked[start:i]
        if len(run) > 1:
            run.sort(key=lambda row: _exact_key(chain, rank, row[0][-1]))
        settled += run
        start = i
    return settled


def _log_key(rank: str, row: Any) -> float:
    _, _, _, _, log_p, pain = row
    if rank == "pain":
        return float(log_p + math.log(pain)) if pain > 0 else NEG_INF
    return float(log_p)


def _near(a: float, b: float) -> bool:
    if a == b:
        return True
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= SLACK * (1.0 + max(abs(a), abs(b)))


def _exact_key(chain: Chain, rank: str, ids: tuple[str, ...]) -> tuple[Any, ...]:
    numbers = chain.exact
    p = numbers.path_probability(ids)
    if rank == "pain":
        return (-p * numbers.path_pain(ids), -p, ids)
    return (-p, ids)
