"""The journey as an absorbing Markov chain (DESIGN.md §3, "Flow").

Nodes are indexed ``entry`` (0), then touchpoints, then outcomes, each in file
order. Transient states are ``entry`` and the touchpoints; outcomes absorb.
``P(u→v) = weight(u,v) / Σ_x weight(u,x)`` (customers or shares alike; computed
by ``engine.metrics.normalised``, the one home of that formula).

The fundamental matrix ``N = (I − Q)⁻¹`` is never formed: one sparse LU
factorisation of ``I − Q`` (``scipy.sparse.linalg.splu``) answers every
question by triangular solves:

* ``reach = N[entry, :]`` solves ``(I − Q)ᵀ x = e_entry``;
* ``h = N R s`` (the probability of ending in success from each state) solves
  ``(I − Q) h = R s``;
* ``diag(N)`` is needed only inside strongly connected components of ``Q``
  (a node outside every loop is visited at most once, ``N[v, v] = 1``), so it
  is computed per component from that component's own block.

Journeys are mostly forward flows with small loops, so every sparse system is
factorised with its nodes in topological order of the strongly connected
components (block-triangular form, ``OrderedLU``): the factors then fill in only
inside loops, which keeps 20,000 touchpoints well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.metrics import Scores, normalised, scores
from journeymap.errors import AnalysisError, InvalidJourney
from journeymap.model import ENTRY, Journey, graph_problems, transition_ends

if TYPE_CHECKING:
    import scipy.sparse as sp

    from journeymap.engine.components import Components
    from journeymap.engine.exact import ExactNumbers
    from journeymap.engine.solver import ChainSolver

Vector = NDArray[np.float64]


@dataclass(frozen=True)
class Chain:
    """Indexed transition probabilities of one journey (see the module docstring)."""

    journey: Journey
    ids: list[str]
    index: dict[str, int]
    n_transient: int
    outcome_success: NDArray[np.bool_]
    indptr: NDArray[np.int32]
    """P in compressed rows: row u's transitions are ``indptr[u]:indptr[u+1]`` of ``indices``
    (their targets, ascending) and ``probabilities``; only transitions with a positive weight."""
    indices: NDArray[np.int32]
    probabilities: NDArray[np.float64]

    @cached_property
    def P(self) -> sp.csr_matrix:
        """The transition probabilities as a scipy sparse matrix (row u, column v: P(u→v)).

        scipy is imported here, not with the module: the path search by probability
        works on the arrays alone, so ``journeymap paths`` does not load scipy (~0.2 s)."""
        import scipy.sparse as sp

        size = self.n_nodes
        return sp.csr_matrix((self.probabilities, self.indices, self.indptr), shape=(size, size))

    @property
    def name(self) -> str:
        """The journey's id (for messages)."""
        return self.journey.id

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
        from journeymap.engine.solver import ChainSolver

        return ChainSolver(self)

    @cached_property
    def exact(self) -> ExactNumbers:
        """Exact probabilities and pains, for deciding ties (``journeymap.engine.exact``)."""
        from journeymap.engine.exact import ExactNumbers

        return ExactNumbers(self.journey)

    @cached_property
    def components(self) -> Components:
        """Strongly connected components of the whole graph, sinks first."""
        from journeymap.engine.components import strong_components

        return strong_components(self.P)

    @cached_property
    def arrays(self) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64], NDArray[np.float64]]:
        """``indptr, indices, probabilities, log probabilities`` of P as arrays (for compiled code)."""
        return self.indptr, self.indices, self.probabilities, np.log(self.probabilities)

    @cached_property
    def reverse_arrays(self) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
        """``indptr, indices, −log P`` of the reversed graph (row v holds the edges into v,
        their sources ascending)."""
        indptr, indices, _, log_p = self.arrays
        sources = np.repeat(np.arange(self.n_nodes, dtype=np.int32), np.diff(indptr))
        order = np.lexsort((sources, indices))
        return _offsets(indices, self.n_nodes), sources[order], -log_p[order]

    @cached_property
    def scores(self) -> Scores:
        return scores(self.journey)

    @cached_property
    def entrants(self) -> float:
        return self.journey.effective_entrants

    @cached_property
    def node_pain(self) -> NDArray[np.float64]:
        """Pain of every node (0 for entry and outcomes), by node index."""
        if not np.isfinite(self.scores.pain).all():
            raise AnalysisError(
                f"journey '{self.journey.id}': a pain overflowed (scores or importances too big)"
            )
        pains = np.zeros(self.n_nodes)
        pains[1 : self.n_transient] = self.scores.pain
        return pains

    def outcome_mask(self, to: str | None = None, kind: str | None = None) -> NDArray[np.bool_]:
        """Nodes a path may end at: outcomes, optionally one id or one kind."""
        mask = np.zeros(self.n_nodes, dtype=bool)
        for i, o in enumerate(self.journey.outcomes):
            mask[self.n_transient + i] = (to is None or o.id == to) and (kind is None or o.kind == kind)
        return mask


def build_chain(journey: Journey) -> Chain:
    """Index the journey and normalise its transition weights into probabilities.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    Chain
        Node ids (entry, touchpoints, outcomes), the probability matrix ``P`` and the solver.

    Raises
    ------
    InvalidJourney
        For structural faults of a journey built without validation.
    AnalysisError
        When customers at some node can never reach an outcome (a node without
        weighted exits, or a closed loop).

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = build_chain(parse_journey(_TINY))
    >>> chain.ids, chain.P.toarray()[1].tolist()
    (['entry', 'a', 'ok', 'lost'], [0.0, 0.0, 0.6, 0.4])
    """
    ids = [ENTRY, *(tp.id for tp in journey.touchpoints), *(o.id for o in journey.outcomes)]
    index = {node: i for i, node in enumerate(ids)}
    n_transient = 1 + len(journey.touchpoints)
    if len(index) != len(ids):
        raise InvalidJourney(graph_problems(journey), journey.id)
    ends = transition_ends(journey)  # numbered once per journey, by validation if it ran
    if len(ends.codes) != len(ids):  # an id no node has (codes are the node numbers otherwise)
        raise InvalidJourney(graph_problems(journey), journey.id)
    rows, cols, weights = ends.src, ends.dst, ends.weight
    if (rows >= n_transient).any() or (cols == 0).any() or (rows == cols).any():
        raise InvalidJourney(graph_problems(journey), journey.id)
    probabilities, totals = normalised(rows, weights, len(ids))
    if not np.isfinite(totals).all():
        names = ", ".join(f"'{ids[i]}'" for i in np.flatnonzero(~np.isfinite(totals)))
        raise AnalysisError(f"journey '{journey.id}': the weights leaving {names} overflow a float")
    _refuse_dead_ends(journey, ids, totals[:n_transient].astype(np.float64))
    keep = np.flatnonzero(weights > 0)
    keep = keep[np.lexsort((cols[keep], rows[keep]))]  # by source, then target
    rows, cols = rows[keep], cols[keep]
    if ((rows[1:] == rows[:-1]) & (cols[1:] == cols[:-1])).any():
        raise InvalidJourney(graph_problems(journey), journey.id)  # duplicate transitions
    indptr, indices = _offsets(rows, len(ids)), cols.astype(np.int32)
    success = np.array([o.kind == "success" for o in journey.outcomes], dtype=bool)
    chain = Chain(journey, ids, index, n_transient, success, indptr, indices, probabilities[keep])
    if not ends.can_finish:  # else validation's flow rules held: no touchpoint is trapped
        _refuse_closed_loops(chain)
    return chain


def _offsets(rows: NDArray[np.int64] | NDArray[np.int32], size: int) -> NDArray[np.int32]:
    """CSR row offsets of edges sorted by row: row u's edges are ``offsets[u]:offsets[u+1]``."""
    offsets = np.zeros(size + 1, np.int32)
    np.cumsum(np.bincount(rows, minlength=size), out=offsets[1:])
    return offsets


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
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

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
    import scipy.sparse as sp

    coo = matrix.tocoo()
    return sp.csr_matrix((coo.data, (coo.row, coo.col)), shape=(size, size))
