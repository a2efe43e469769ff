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

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from journeymap.engine.chain import Chain
from journeymap.engine.solver import OrderedLU

Vector = NDArray[np.float64]


def carried_experience(chain: Chain, satisfaction: Vector, alpha: float) -> tuple[Vector, list[float | None]]:
    """Carried experience of the touchpoints (array) and of the outcomes (list).

    ``satisfaction`` is aligned with ``journey.touchpoints``.
    """
    t = chain.n_transient
    solver = chain.solver
    reach = np.concatenate((solver.reach, np.zeros(chain.n_nodes - t)))
    flow = sp.csr_matrix(sp.diags(reach) @ chain.P)
    inflow = np.asarray(flow.sum(axis=0)).ravel()
    safe = np.where(inflow > 0, inflow, 1.0)
    mean_in = sp.csr_matrix(sp.diags(1.0 / safe) @ flow.T)  # row v: weights of predecessors u
    system = sp.identity(t, format="csr") - (1.0 - alpha) * mean_in[:t, :t]
    rhs = np.concatenate(([0.0], alpha * satisfaction))
    carried = OrderedLU(system, solver.order).solve(rhs)
    carried[0] = 0.0
    at_outcomes = mean_in[t:, :t] @ carried
    outcome_values: list[float | None] = [
        float(v) if inflow[t + i] > 0 else None for i, v in enumerate(at_outcomes)
    ]
    return carried[1:], outcome_values
