"""Exact first-order removal effect of every touchpoint, from one factorisation.

``removal_effect_v = 1 − P'_success / P_success`` where ``P'`` redirects every
transition into v to failure (DESIGN.md §3). Redirecting the transitions into v
changes nothing before the first visit to v, so, with ``f_v`` the probability of
ever visiting v and ``h_v`` the success probability starting at v::

    P_success = P(success without visiting v) + f_v · h_v
    P'_success = P(success without visiting v)
    ⇒ removal_effect_v = f_v · h_v / P_success,   f_v = N[entry, v] / N[v, v].

``N[entry, ·]`` and ``h`` come from two solves with the one LU factorisation of
``I − Q``; ``N[v, v]`` is 1 outside loops and comes from the loop's own block
inside one (``ChainSolver.visits_diagonal``). No journey is re-solved per node.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.chain import Chain

Vector = NDArray[np.float64]


def removal_effects(chain: Chain) -> list[float | None]:
    """Removal effect of each touchpoint (file order): 1 − P'(success)/P(success) when its customers are lost.

    Parameters
    ----------
    chain : Chain
        The compiled journey.

    Returns
    -------
    list of float or None
        One per touchpoint; None where ``P(success) = 0``.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> removal_effects(compile_journey(parse_journey(_TINY)))  # every success passes a
    [1.0]
    """
    solver = chain.solver
    total = solver.success_probability
    if total <= 0:
        return [None] * (chain.n_transient - 1)
    effect = solver.visit_probability[1:] * solver.success_from[1:] / total
    values: list[float | None] = (np.clip(effect, 0.0, 1.0) + 0.0).tolist()
    return values
