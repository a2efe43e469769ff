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
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order

from journeymap.engine.components import Components, strong_components
from journeymap.engine.metrics import Scores, normalised, scores
from journeymap.engine.solver import ChainSolver
from journeymap.errors import AnalysisError, InvalidJourney
from journeymap.model import ENTRY, Journey, graph_problems, transition_ends

if TYPE_CHECKING:
    from journeymap.engine.exact import ExactNumbers

Vector = NDArray[np.float64]


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
        return ChainSolver(self)

    @cached_property
    def exact(self) -> ExactNumbers:
        """Exact probabilities and pains, for deciding ties (``journeymap.engine.exact``)."""
        from journeymap.engine.exact import ExactNumbers

        return ExactNumbers(self.journey)

    @cached_property
    def components(self) -> Components:
        """Strongly connected components of the whole graph, sinks first."""
        return strong_components(self.P)

    @cached_property
    def arrays(self) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64], NDArray[np.float64]]:
        """``indptr, indices, probabilities, log probabilities`` of P as arrays (for compiled code)."""
        P = self.P
        return P.indptr.astype(np.int32), P.indices.astype(np.int32), P.data, np.log(P.data)

    @cached_property
    def reverse_arrays(self) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
        """``indptr, indices, −log P`` of the reversed graph (row v holds the edges into v)."""
        indptr, indices, _, log_p = self.arrays
        reverse = sp.csr_matrix((-log_p, indices, indptr), shape=self.P.shape).T.tocsr()
        return reverse.indptr.astype(np.int32), reverse.indices.astype(np.int32), reverse.data

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
    keep = weights > 0
    size = len(ids)
    P = sp.csr_matrix((probabilities[keep], (rows[keep], cols[keep])), shape=(size, size))
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
