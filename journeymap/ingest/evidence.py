"""Which transition shares differ between two journeys, ranked by the evidence behind the difference.

For a transition u -> v in both journeys, each side's share is
``x / n``: ``x`` customers took u -> v out of the ``n`` who left u. The
difference is tested with the two-proportion z-test (pooled, two-sided):
``p = (x_a + x_b) / (n_a + n_b)``, ``z = (x_b/n_b - x_a/n_a) / sqrt(p (1 - p) (1/n_a + 1/n_b))``,
``p_value = erfc(|z| / sqrt 2)``. It is only computed when both sides have at least
``MIN_CUSTOMERS`` customers leaving u (a share resting on 2 customers is no evidence).

Rows come in three groups, in this order: the tested differences (largest
``|z|``, i.e. smallest ``p_value``, first, then the larger ``|delta|``), the differences with too few
customers or no counts (a designed journey gives shares only; largest
``|delta|`` first), and the one-sided transitions, taken in one journey only
(most customers, else largest share, first). Within a group ties go by the
edge's ids. p-values are per row, not adjusted for the many rows: they rank, they
do not prove.
"""

from __future__ import annotations

import math
from typing import Any

from journeymap.engine.metrics import transition_probabilities
from journeymap.model import Journey

MIN_CUSTOMERS = 20
Edge = tuple[str, str]
Counts = tuple[dict[Edge, float], dict[str, float]]  # customers per transition, leaving each node


def two_proportion_z(x_a: float, n_a: float, x_b: float, n_b: float) -> tuple[float, float] | None:
    """The pooled two-proportion z statistic of ``x_b/n_b`` against ``x_a/n_a`` and its two-sided p-value.

    Parameters
    ----------
    x_a, n_a : float
        Customers who took the transition, and who left its source, in the first journey.
    x_b, n_b : float
        The same in the second journey.

    Returns
    -------
    tuple of float, or None
        ``(z, p_value)``; None when the shares cannot differ (both 0 or both 1) or a side is empty.

    Examples
    --------
    >>> z, p = two_proportion_z(150, 473, 50, 500)
    >>> round(z, 2), p < 1e-15
    (-8.38, True)
    >>> two_proportion_z(5, 5, 9, 9) is None
    True
    """
    if n_a <= 0 or n_b <= 0:
        return None
    pooled = (x_a + x_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance <= 0:
        return None
    z = (x_b / n_b - x_a / n_a) / math.sqrt(variance)
    return z, math.erfc(abs(z) / math.sqrt(2))


def _counts(journey: Journey) -> Counts | None:
    """Customers per transition and leaving each node; None for a journey given in shares."""
    if any(t.customers is None for t in journey.transitions):
        return None
    edges = {(t.source, t.target): float(t.weight) for t in journey.transitions}
    leaving: dict[str, float] = {}
    for (source, _), n in edges.items():
        leaving[source] = leaving.get(source, 0.0) + n
    return edges, leaving


def _side(edge: Edge, share: float, counts: Counts | None) -> dict[str, Any]:
    if counts is None:
        return {"share": round(share, 6), "customers": None, "leaving": None}
    edges, leaving = counts
    return {"share": round(share, 6), "customers": edges[edge], "leaving": leaving[edge[0]]}


def transition_rows(a: Journey, b: Journey, min_customers: int = MIN_CUSTOMERS) -> list[dict[str, Any]]:
    """Every transition whose share differs, with counts on both sides, ranked by evidence (see above).

    Parameters
    ----------
    a, b : Journey
        The two journeys (``b`` is compared against ``a``: ``delta`` = b's share - a's).
    min_customers : int
        Customers leaving the source, on each side, needed for the test.

    Returns
    -------
    list of dict
        ``{"from", "to", "a": {"share", "customers", "leaving"}, "b": {...}, "delta", "z",
        "p_value", "group"}``; ``group`` is ``tested``, ``few`` or ``one-sided``; a side missing
        the transition is null.

    Examples
    --------
    >>> from journeymap.ingest.paths import journey_from_path_table
    >>> a = journey_from_path_table("path;total_conversions;total_null\\nA;30;70\\nB;1;1\\n", "a")
    >>> b = journey_from_path_table("path;total_conversions;total_null\\nA;10;90\\nB;2;0\\nC;1;0\\n", "b")
    >>> [(r["from"], r["to"], r["group"]) for r in transition_rows(a, b)]  # doctest: +NORMALIZE_WHITESPACE
    [('a', 'conversion', 'tested'), ('a', 'null', 'tested'), ('entry', 'a', 'tested'),
     ('entry', 'b', 'tested'), ('b', 'conversion', 'few'), ('c', 'conversion', 'one-sided'),
     ('b', 'null', 'one-sided'), ('entry', 'c', 'one-sided')]
    >>> row = transition_rows(a, b)[0]
    >>> row["a"], row["b"]["customers"], row["delta"]
    ({'share': 0.3, 'customers': 30.0, 'leaving': 100.0}, 10.0, -0.2)
    """
    share_a, share_b = transition_probabilities(a), transition_probabilities(b)
    counts_a, counts_b = _counts(a), _counts(b)
    rows = []
    for edge in set(share_a) | set(share_b):
        side_a = _side(edge, share_a[edge], counts_a) if edge in share_a else None
        side_b = _side(edge, share_b[edge], counts_b) if edge in share_b else None
        row: dict[str, Any] = {"from": edge[0], "to": edge[1], "a": side_a, "b": side_b}
        row |= {"delta": None, "z": None, "p_value": None, "group": "one-sided"}
        if side_a is not None and side_b is not None:
            row["delta"] = round(side_b["share"] - side_a["share"], 6)
            if row["delta"] == 0:
                continue
            counted = counts_a is not None and counts_b is not None
            row |= _tested(side_a, side_b, min_customers) if counted else {"group": "few"}
        rows.append(row)
    rows.sort(key=_evidence_order)
    return rows


GROUPS = ("tested", "few", "one-sided")


def _tested(side_a: dict[str, Any], side_b: dict[str, Any], min_customers: int) -> dict[str, Any]:
    """The z-test's fields when both sides have ``min_customers`` leaving the source, else group ``few``."""
    if min(side_a["leaving"], side_b["leaving"]) < min_customers:
        return {"group": "few"}
    tested = two_proportion_z(side_a["customers"], side_a["leaving"], side_b["customers"], side_b["leaving"])
    if tested is None:
        return {"group": "few"}
    return {"z": round(tested[0], 4), "p_value": float(f"{tested[1]:.4g}"), "group": "tested"}


def _evidence_order(row: dict[str, Any]) -> tuple[Any, ...]:
    group = GROUPS.index(row["group"])
    if row["group"] == "tested":
        key: tuple[float, ...] = (-abs(row["z"]), -abs(row["delta"]))  # |z| ranks as the p-value, never 0
    elif row["group"] == "few":
        key = (-abs(row["delta"]),)
    else:
        side = row["a"] or row["b"]
        key = (-(side["customers"] or 0.0), -side["share"])
    return (group, *key, row["from"], row["to"])
