"""Carried experience: how satisfaction (and pain) travels forward with customers.

With memory ``α ∈ (0, 1]`` (DESIGN.md §3)::

    carried_v = α·s_v + (1 − α)·m_in(v),     carried_entry = 0,
    m_in(v)   = Σ_u flow(u→v)·carried_u / Σ_u flow(u→v),   flow(u→v) = reach_u·P(u→v),

and for an outcome ``carried_o = m_in(o)``. In matrix form ``(I − (1−α) W) c = α s``
with ``W`` the row-normalised inflow matrix; ``W`` is sub-stochastic and
``1 − α < 1``, so the system is a non-singular M-matrix even with loops, solved
with one sparse LU in the chain's topological order. A touchpoint no customer
reaches has no inflow: its ``m_in`` is taken as 0 (so ``carried_v = α·s_v``); an
outcome no customer reaches has ``carried = None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.chain import Chain

if TYPE_CHECKING:  # scipy loads when a figure needs a solve, not with the engine
    import scipy.sparse as sp

    from journeymap.engine.solver import OrderedLU

Vector = NDArray[np.float64]


def carried_experience(chain: Chain, satisfaction: Vector, alpha: float) -> tuple[Vector, list[float | None]]:
    """Carried experience of the touchpoints (array) and of the outcomes (list).

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    satisfaction : numpy.ndarray
        Each touchpoint's satisfaction, aligned with ``journey.touchpoints``.
    alpha : float
        The memory, in (0, 1].

    Returns
    -------
    tuple of (numpy.ndarray, list of float or None)
        Carried experience of each touchpoint, and of each outcome (None where no
        customer arrives).

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> carried, at_outcomes = carried_experience(chain, chain.scores.satisfaction, 0.5)
    >>> carried.tolist(), at_outcomes
    ([-1.0], [-1.0, -1.0])
    """
    t = chain.n_transient
    mean_in, inflow = inflow_means(chain)
    rhs = np.concatenate(([0.0], alpha * satisfaction))
    carried = carried_system(chain, mean_in, alpha).solve(rhs)
    carried[0] = 0.0
    at_outcomes = mean_in[t:, :t] @ carried
    outcome_values: list[float | None] = [
        float(v) if inflow[t + i] > 0 else None for i, v in enumerate(at_outcomes)
    ]
    return carried[1:], outcome_values


def inflow_means(chain: Chain) -> tuple[sp.csr_matrix, Vector]:
    """``W`` (row v: the flow-weighted means' weights over v's predecessors) and each node's inflow.

    Parameters
    ----------
    chain : Chain
        The compiled journey.

    Returns
    -------
    tuple of (scipy.sparse.csr_matrix, numpy.ndarray)
        ``W`` over all nodes (entry, touchpoints, outcomes) and the expected inflow of each.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> w, inflow = inflow_means(chain)
    >>> w.toarray()[1:].tolist(), inflow.tolist()
    ([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]], [0.0, 1.0, 0.6, 0.4])
    """
    import scipy.sparse as sp

    t = chain.n_transient
    reach = np.concatenate((chain.solver.reach, np.zeros(chain.n_nodes - t)))
    flow = sp.csr_matrix(sp.diags(reach) @ chain.P)
    inflow = np.asarray(flow.sum(axis=0), dtype=np.float64).ravel()
    safe = np.where(inflow > 0, inflow, 1.0)
    return sp.csr_matrix(sp.diags(1.0 / safe) @ flow.T), inflow


def carried_system(chain: Chain, mean_in: sp.csr_matrix, alpha: float) -> OrderedLU:
    """The factorised ``I − (1−α) W`` over the transient nodes (entry first).

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    mean_in : scipy.sparse.csr_matrix
        ``W`` of ``inflow_means``.
    alpha : float
        The memory, in (0, 1].

    Returns
    -------
    OrderedLU
        The factorisation; ``solve(b)`` gives ``(I − (1−α) W)⁻¹ b``.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> system = carried_system(chain, inflow_means(chain)[0], 0.5)
    >>> (0.5 * system.solve(np.array([0.0, -2.0]))).tolist()  # α·s solved: carried at entry and a
    [0.0, -1.0]
    """
    import scipy.sparse as sp

    from journeymap.engine.solver import OrderedLU

    t = chain.n_transient
    system = sp.identity(t, format="csr") - (1.0 - alpha) * mean_in[:t, :t]
    return OrderedLU(system, chain.solver.order)
