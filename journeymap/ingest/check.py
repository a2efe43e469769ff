"""The model check: does the chain reproduce what customers who started at each touchpoint did?

For each first touchpoint f, ``observed`` is the share of customers who began at
f and ended in a success outcome (counted from their walks); ``model`` is the
chain's probability of ending in success from f. A first-order chain mixes
customers who share a later touchpoint, so the two drift apart when history
matters; at an order that captures the history they agree. The check flags the
largest gap when it is at least ``FLAG_GAP`` (5 points) on a first touchpoint
with at least ``FLAG_CUSTOMERS`` customers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from journeymap.ingest.order import success_from

FLAG_GAP = 0.05
FLAG_CUSTOMERS = 30


def model_check(
    transitions: Mapping[tuple[str, str], float],
    first_touch: list[tuple[str, str, int]],
    success: set[str],
    order: int,
) -> dict[str, Any]:
    """The check document: per first touchpoint observed and modelled success shares, the largest gap.

    Parameters
    ----------
    transitions : Mapping
        Customers per (source, target) of the chain.
    first_touch : list of tuple
        (first touchpoint, last node, customers) of the customers' walks.
    success : set of str
        The ids of the success outcomes.
    order : int
        The order of the chain (reported in the document).

    Returns
    -------
    dict
        ``order``, ``by_first_touchpoint`` (``touchpoint``, ``customers``, ``observed``,
        ``model``, ``gap``; most customers first), ``largest_gap`` (a row, or ``None``) and
        ``flagged`` (a gap of ``FLAG_GAP`` on ``FLAG_CUSTOMERS`` customers or more).

    Examples
    --------
    >>> t = {("entry", "a"): 2, ("entry", "b"): 2, ("a", "m"): 2, ("b", "m"): 2}
    >>> t |= {("m", "ok"): 2, ("m", "no"): 2}
    >>> check = model_check(t, [("a", "ok", 2), ("b", "no", 2)], {"ok"}, 1)
    >>> [(r["touchpoint"], r["observed"], r["model"]) for r in check["by_first_touchpoint"]]
    [('a', 1.0, 0.5), ('b', 0.0, 0.5)]
    >>> check["largest_gap"]["gap"], check["flagged"]
    (-0.5, False)
    """
    h = success_from(transitions, success)
    customers: Counter[str] = Counter()
    won: Counter[str] = Counter()
    for first, last, n in first_touch:
        if first in h:  # customers whose first event was an outcome have no first touchpoint
            customers[first] += n
            won[first] += n if last in success else 0
    rows: list[dict[str, Any]] = []
    for tid in sorted(customers, key=lambda t: (-customers[t], t)):
        observed = won[tid] / customers[tid]
        rows.append(
            {
                "touchpoint": tid,
                "customers": customers[tid],
                "observed": round(observed, 6),
                "model": round(h[tid], 6),
                "gap": round(h[tid] - observed, 6),
            }
        )
    largest = max(rows, key=lambda r: (abs(r["gap"]), r["customers"]), default=None)
    flagged = any(abs(r["gap"]) >= FLAG_GAP and r["customers"] >= FLAG_CUSTOMERS for r in rows)
    return {"order": order, "by_first_touchpoint": rows, "largest_gap": largest, "flagged": flagged}
