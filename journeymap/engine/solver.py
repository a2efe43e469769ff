"""Sparse solves on the chain: reach, success probabilities, visits of each node.

Every matrix here is ``I − c·M`` with ``M`` (sub)stochastic and ``0 < c ≤ 1`` on a
chain where every customer eventually leaves: a non-singular M-matrix. Gaussian
elimination on an M-matrix needs no pivoting, so the LU is computed in a fixed
order, the topological order of the strongly connected components, where it
only fills in inside loops (``OrderedLU``).
"""

from __future__ import annotations

import itertools
from functools import cached_property
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import splu

from journeymap.engine.components import Components
from journeymap.errors import AnalysisError

Vector = NDArray[np.float64]
BATCH = 256


class OrderedLU:
    """Sparse LU of a square matrix factorised with its rows and columns in ``order``."""

    def __init__(self, matrix: sp.csr_matrix, order: NDArray[np.intp]) -> None:
        coo = matrix.tocoo()
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        permuted = sp.csc_matrix((coo.data, (position[coo.row], position[coo.col])), shape=coo.shape)
        self._order = order
        self._lu = splu(permuted, permc_spec="NATURAL", diag_pivot_thresh=0.0)

    def solve(self, rhs: Vector, transposed: bool = False) -> Vector:
        """``x`` with ``A x = rhs`` (or ``Aᵀ x = rhs``)."""
        # scipy-stubs omit the ``trans`` argument SuperLU.solve has always had
        solved: Vector = self._lu.solve(rhs[self._order], trans="T" if transposed else "N")  # type: ignore[call-overload]
        result = np.empty_like(solved)
        result[self._order] = solved
        return result


class Absorbing(Protocol):
    """What the solver needs of a chain (``engine.chain.Chain`` has it)."""

    @property
    def name(self) -> str: ...
    @property
    def n_transient(self) -> int: ...
    @property
    def Q(self) -> sp.csr_matrix: ...
    @property
    def R(self) -> sp.csr_matrix: ...
    @property
    def outcome_success(self) -> NDArray[np.bool_]: ...
    @property
    def components(self) -> Components: ...


class ChainSolver:
    """One LU factorisation of ``I − Q`` and the quantities derived from it."""

    def __init__(self, chain: Absorbing) -> None:
        self.chain = chain
        t = chain.n_transient
        self.order = chain.components.sources_first_nodes(t)
        try:
            self.lu = OrderedLU(sp.identity(t, format="csr") - chain.Q, self.order)
        except RuntimeError as error:  # pragma: no cover - closed loops are refused earlier
            raise AnalysisError(f"journey '{chain.name}': the flow cannot be solved ({error})") from None

    @cached_property
    def reach(self) -> Vector:
        """Expected visits per entrant, ``N[entry, v]`` for every transient v."""
        rhs = np.zeros(self.chain.n_transient)
        rhs[0] = 1.0
        return np.maximum(self.lu.solve(rhs, transposed=True), 0.0)

    @cached_property
    def outcomes(self) -> Vector:
        """Probability of ending in each outcome, ``(N R)[entry, :]``."""
        flows: Vector = np.asarray(self.chain.R.T @ self.reach, dtype=np.float64)
        return np.clip(flows, 0.0, 1.0)

    @cached_property
    def success_from(self) -> Vector:
        """``h[v]``: probability of ending in a success outcome, starting at v."""
        rhs = np.asarray(self.chain.R @ self.chain.outcome_success.astype(np.float64), dtype=np.float64)
        return np.clip(self.lu.solve(rhs), 0.0, 1.0)

    @cached_property
    def success_probability(self) -> float:
        return float(np.clip(self.outcomes[self.chain.outcome_success].sum(), 0.0, 1.0))

    @cached_property
    def visits_diagonal(self) -> Vector:
        """``N[v, v]`` for every transient v: 1 outside loops, else from the loop's own block."""
        t = self.chain.n_transient
        labels = self.chain.components.labels[:t]
        sizes = np.bincount(labels, minlength=self.chain.components.count)
        diag = np.ones(t)
        looped = np.flatnonzero(sizes[labels] > 1)
        if len(looped) == 0:
            return diag
        order = looped[np.argsort(labels[looped], kind="stable")]
        loops = self.chain.Q[order][:, order].tocsr()  # every loop is now a diagonal block
        cuts = [0, *(np.flatnonzero(np.diff(labels[order])) + 1).tolist(), len(order)]
        for start, stop in itertools.pairwise(cuts):
            diag[order[start:stop]] = block_inverse_diagonal(loops[start:stop, start:stop])
        return diag

    @cached_property
    def visit_probability(self) -> Vector:
        """Probability that an entrant ever visits v: ``N[entry, v] / N[v, v]``."""
        return np.clip(self.reach / self.visits_diagonal, 0.0, 1.0)


def block_inverse_diagonal(block: sp.csr_matrix) -> Vector:
    """Diagonal of ``(I − Q_S)⁻¹`` for one loop S: sparse LU, unit columns solved in batches.

    Parameters
    ----------
    block : scipy.sparse.csr_matrix
        ``Q_S``: the transition probabilities within the loop.

    Returns
    -------
    numpy.ndarray
        The expected visits of each node of the loop per visit started there.

    Examples
    --------
    >>> half = sp.csr_matrix(np.array([[0.0, 0.5], [0.5, 0.0]]))
    >>> block_inverse_diagonal(half).round(6).tolist()  # 1 / (1 - 0.25)
    [1.333333, 1.333333]
    """
    size = block.shape[0]
    lu = splu(sp.csc_matrix(sp.identity(size, format="csc") - block))
    diag = np.empty(size)
    for start in range(0, size, BATCH):
        stop = min(size, start + BATCH)
        rhs = np.zeros((size, stop - start))
        rhs[np.arange(start, stop), np.arange(stop - start)] = 1.0
        diag[start:stop] = lu.solve(rhs)[np.arange(start, stop), np.arange(stop - start)]
    return diag
