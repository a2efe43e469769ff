"""How customers flow in the drawn exports: the customers the model sends along each
transition, an edge row's amount and label, and the journey's main path.

The writers of DOT, Mermaid, GraphML, GEXF and the map page size and label their
arrows with these; the rows themselves come from ``journeymap.export.tables``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journeymap.engine.metrics import edge_flows
from journeymap.model import ENTRY, Journey


def edge_customers(journey: Journey, analysis: dict[str, Any]) -> dict[tuple[str, str], float]:
    """Customers the model sends along each transition: entrants x reach(source) x P.

    Parameters
    ----------
    journey : Journey
        The journey.
    analysis : dict
        Its ``analyze`` document.

    Returns
    -------
    dict of (str, str) to float
        Expected customers of each transition, keyed ``(source, target)``.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/auto-repair.yaml")
    >>> from journeymap.engine import analyze
    >>> edge_customers(journey, analyze(journey))[("entry", "ad_promotion")]
    400.0
    """
    reach = {row["touchpoint"]: row["reach"] for row in analysis["touchpoints"]}
    reach[ENTRY] = 1.0
    return edge_flows(journey, reach, float(analysis["entrants"]))


def edge_amount(row: Mapping[str, Any]) -> float:
    """How much flows along an edge row: expected customers, else the file's weight.

    Parameters
    ----------
    row : dict
        An edge row of ``Tables``.

    Returns
    -------
    float
        ``expected_customers``, else ``customers``, else ``share``.

    Examples
    --------
    >>> edge_amount({"customers": 30}), edge_amount({"share": 0.25, "expected_customers": 12.5})
    (30.0, 12.5)
    """
    return float(row.get("expected_customers", row.get("customers", row.get("share", 0.0))))


def weight_label(row: Mapping[str, Any]) -> str:
    """A short label for an edge row: customers as a whole number, or a share in percent.

    Parameters
    ----------
    row : dict
        An edge row of ``Tables``.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> [weight_label(row) for row in ({"expected_customers": 12.6}, {"customers": 30}, {"share": 0.25})]
    ['13', '30', '25%']
    """
    if "expected_customers" in row:
        return f"{float(row['expected_customers']):.0f}"
    if "customers" in row:
        return f"{float(row['customers']):g}"
    return f"{float(row['share']):.0%}"


def main_path(journey: Journey) -> list[str]:
    """The journey's main path: its most probable path from ``entry`` to an outcome.

    That is the engine's ``top_paths(rank="probability", k=1)`` (exact, ties by
    the node-id list), except that a path straight from ``entry`` to an outcome
    is passed over for the most probable one through a touchpoint, so the path
    always shows some of the journey.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    list of str
        Node ids from ``entry`` to an outcome.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> j = parse_journey({"id": "j", "name": "J",
    ...   "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...   "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 5}],
    ...   "outcomes": [{"id": "ok", "name": "OK", "kind": "success"},
    ...                {"id": "no", "name": "No", "kind": "failure"}],
    ...   "transitions": [{"from": "entry", "to": "a", "customers": 10},
    ...     {"from": "a", "to": "ok", "customers": 6}, {"from": "a", "to": "no", "customers": 4}]})
    >>> main_path(j)
    ['entry', 'a', 'ok']
    """
    from journeymap.engine import top_paths

    outcomes = {o.id for o in journey.outcomes}
    direct = sum(1 for t in journey.transitions if t.source == ENTRY and t.target in outcomes)
    paths = top_paths(journey, k=direct + 1, rank="probability")["paths"]
    through = [p for p in paths if len(p["nodes"]) > 2]
    return list((through or paths)[0]["nodes"])
