"""The journey as an absorbing Markov chain (DESIGN.md §3, "Flow").

Nodes are indexed ``entry`` (0), then touchpoints, then outcomes, each in file
order. Transient states are ``entry`` and the touchpoints; outcomes absorb.
``P(u→v) = weight(u,v) / Σ_x weight(u,x)`` (customers or shares alike).

The fundamental matrix ``N = (I − Q)⁻¹`` is never formed: one sparse LU
factorisation of ``I − Q`` (``scipy.sparse.linalg.splu``) answers every
question by triangular solves:

* ``reach = N[entry, :]`` solves ``(I − Q)ᵀ x = e_entry``;
* ``h = N R s`` (the probability of ending in success from each state) solves
  ``(I − Q) h = R s``;
* ``diag(N)`` is needed only inside strongly connected components of ``Q``
  (a node outside every loop is visited at most once, ``N[v, v] = 1``), so it
  is computed per component from that component's own block.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import splu

from journeymap.engine.metrics import scores
from journeymap.errors import AnalysisError, InvalidJourney
from journeymap.model import ENTRY, Journey, graph_problems

Vector = NDArray[np.float64]
DIAG_BATCH = 256


@dataclass(frozen=True)
class Chain:
    """Indexed transition probabilities of one journey (see the module docstring)."""

    journey: Journey
    ids: list[str]
    index: dict[str, int]
    n_transient: int
    outcome_success: NDArray[np.bool_]
    P: sp.csr_matrix

    @property
    def n_nodes(self) -> int:
        return len(self.ids)

    @cached_property
    def Q(self) -> sp.csr_matrix:
        t = self.n_transient
        return self.P[:t, :t].tocsr()

    @cached_property
    def R(self) -> sp.csr_matrix:
        t = self.n_transient
        return self.P[:t, t:].tocsr()

    @cached_property
    def solver(self) -> ChainSolver:
        return ChainSolver(self)

    @cached_property
    def node_pain(self) -> list[float]:
        """Pain of every node (0 for entry and outcomes), by node index."""
        pains = scores(self.journey).pain.tolist()
        return [0.0, *pains, *([0.0] * (self.n_nodes - self.n_transient))]

    def outcome_mask(self, to: str | None = None, kind: str | None = None) -> NDArray[np.bool_]:
        """Nodes a path may end at: outcomes, optionally one id or one kind."""
        mask = np.zeros(self.n_nodes, dtype=bool)
        for i, o in enumerate(self.journey.outcomes):
            mask[self.n_transient + i] = (to is None or o.id == to) and (kind is None or o.kind == kind)
        return mask


def build_chain(journey: Journey) -> Chain:
    """Index the journey and normalise its transition weights into probabilities.

    Raises ``InvalidJourney`` for structural faults of a journey built without
    validation, and ``AnalysisError`` when customers at some node can never
    reach an outcome (a node without weighted exits, or a closed loop).
    """
    ids = [ENTRY, *(tp.id for tp in journey.touchpoints), *(o.id for o in journey.outcomes)]
    index = {node: i for i, node in enumerate(ids)}
    n_transient = 1 + len(journey.touchpoints)
    if len(index) != len(ids):
        raise InvalidJourney(graph_problems(journey), journey.id)
    try:
        rows = np.fromiter((index[t.source] for t in journey.transitions), np.int64, len(journey.transitions))
        cols = np.fromiter((index[t.target] for t in journey.transitions), np.int64, len(journey.transitions))
    except KeyError:
        raise InvalidJourney(graph_problems(journey), journey.id) from None
    weights = np.fromiter((t.weight for t in journey.transitions), np.float64, len(journey.transitions))
    if (rows >= n_transient).any() or (cols == 0).any() or (rows == cols).any():
        raise InvalidJourney(graph_problems(journey), journey.id)
    totals = np.bincount(rows, weights=weights, minlength=len(ids))
    _refuse_dead_ends(journey, ids, totals[:n_transient].astype(np.float64))
    keep = weights > 0
    probs = weights[keep] / totals[rows[keep]]
    size = len(ids)
    P = sp.csr_matrix((probs, (rows[keep], cols[keep])), shape=(size, size))
    if P.nnz != int(keep.sum()):
        raise InvalidJourney(graph_problems(journey), journey.id)  # duplicate transitions
    P.sort_indices()
    success = np.array([o.kind == "success" for o in journey.outcomes], dtype=bool)
    chain = Chain(journey, ids, index, n_transient, success, P)
    _refuse_closed_loops(chain)
    return chain


def _refuse_dead_ends(journey: Journey, ids: list[str], totals: Vector) -> None:
    dead = [ids[i] for i in np.flatnonzero(totals <= 0)]
    if dead:
        names = ", ".join(f"'{d}'" for d in dead)
        raise AnalysisError(
            f"journey '{journey.id}': no customers leave {names} (no transition with a positive weight); "
            "customers reaching it could never finish"
        )


def _refuse_closed_loops(chain: Chain) -> None:
    """Refuse nodes reachable from entry from which no outcome can be reached."""
    size = chain.n_nodes
    t = chain.n_transient
    reached = breadth_first_order(chain.P, 0, directed=True, return_predecessors=False)
    # reverse graph plus a virtual sink fed by every outcome
    sink_edges = sp.csr_matrix(
        (np.ones(size - t), (np.arange(t, size), np.full(size - t, size))), shape=(size + 1, size + 1)
    )
    grown = _pad(chain.P, size + 1)
    reverse = (grown + sink_edges).T.tocsr()
    finishing = breadth_first_order(reverse, size, directed=True, return_predecessors=False)
    can_finish = np.zeros(size + 1, dtype=bool)
    can_finish[finishing] = True
    stuck = [chain.ids[i] for i in sorted(reached) if i < t and not can_finish[i]]
    if stuck:
        names = ", ".join(f"'{s}'" for s in stuck)
        raise AnalysisError(
            f"journey '{chain.journey.id}': customers entering {names} can never reach an outcome "
            "(a loop with no way out)"
        )


def _pad(matrix: sp.csr_matrix, size: int) -> sp.csr_matrix:
    coo = matrix.tocoo()
    return sp.csr_matrix((coo.data, (coo.row, coo.col)), shape=(size, size))


class ChainSolver:
    """One LU factorisation of ``I − Q`` and the quantities derived from it."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        t = chain.n_transient
        system = (sp.identity(t, format="csc") - chain.Q.tocsc()).tocsc()
        try:
            self._lu = splu(system)
        except RuntimeError as error:  # pragma: no cover - closed loops are refused earlier
            raise AnalysisError(
                f"journey '{chain.journey.id}': the flow cannot be solved ({error})"
            ) from None

    @cached_property
    def reach(self) -> Vector:
        """Expected visits per entrant, ``N[entry, v]`` for every transient v."""
        rhs = np.zeros(self.chain.n_transient)
        rhs[0] = 1.0
        # scipy-stubs omit the ``trans`` argument SuperLU.solve has always had
        solved: Vector = self._lu.solve(rhs, trans="T")  # type: ignore[call-overload]
        return np.maximum(solved, 0.0)

    @cached_property
    def outcomes(self) -> Vector:
        """Probability of ending in each outcome, ``(N R)[entry, :]``."""
        flows: Vector = np.asarray(self.chain.R.T @ self.reach, dtype=np.float64)
        return np.clip(flows, 0.0, 1.0)

    @cached_property
    def success_from(self) -> Vector:
        """``h[v]``: probability of ending in a success outcome, starting at v."""
        rhs = self.chain.R @ self.chain.outcome_success.astype(np.float64)
        solved: Vector = self._lu.solve(rhs)
        return np.clip(solved, 0.0, 1.0)

    @cached_property
    def success_probability(self) -> float:
        return float(np.clip(self.outcomes[self.chain.outcome_success].sum(), 0.0, 1.0))

    @cached_property
    def visits_diagonal(self) -> Vector:
        """``N[v, v]`` for every transient v, per strongly connected component of Q."""
        Q = self.chain.Q
        diag = np.ones(self.chain.n_transient)
        count, labels = connected_components(Q, directed=True, connection="strong")
        self_loops = Q.diagonal()
        sizes = np.bincount(labels, minlength=count)
        single = sizes[labels] == 1
        diag[single] = 1.0 / (1.0 - self_loops[single])
        order = np.argsort(labels, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(sizes)))
        for label in np.flatnonzero(sizes > 1):
            members = order[bounds[label] : bounds[label + 1]]
            diag[members] = _block_inverse_diagonal(Q, members)
        return diag

    @cached_property
    def visit_probability(self) -> Vector:
        """Probability that an entrant ever visits v: ``N[entry, v] / N[v, v]``."""
        return np.clip(self.reach / self.visits_diagonal, 0.0, 1.0)


def _block_inverse_diagonal(Q: sp.csr_matrix, members: NDArray[np.intp]) -> Vector:
    """Diagonal of ``(I − Q_S)⁻¹`` for one component S, solved in column batches."""
    block = Q[members][:, members]
    size = len(members)
    lu = splu((sp.identity(size, format="csc") - block).tocsc())
    diag = np.empty(size)
    for start in range(0, size, DIAG_BATCH):
        stop = min(size, start + DIAG_BATCH)
        rhs = np.zeros((size, stop - start))
        rhs[np.arange(start, stop), np.arange(stop - start)] = 1.0
        solved = lu.solve(rhs)
        diag[start:stop] = solved[np.arange(start, stop), np.arange(stop - start)]
    return diag
