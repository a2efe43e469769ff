"""What customers really walked: observed variants with pain, and model paths with their observed customers.

A journey ingested from an event log carries ``variants`` (see the journey
file). Their pain is counted along the sequence, each visit of a touchpoint
again (a loop walked twice hurts twice); ``peak_end`` is DESIGN §3's over the
satisfactions of the visits in order. A model path's ``observed_customers`` is
the number of customers whose walk was exactly that route: the listed count, 0
when the route is not listed and nothing was left in "other", and otherwise
unknown (``None``) with ``observed_at_most``, the most it can be (no more than
the least common listed variant, nor than "other").
"""

from __future__ import annotations

from typing import Any

from journeymap.engine.json_values import number, optional
from journeymap.engine.metrics import pain, satisfaction
from journeymap.engine.path_document import peak_end
from journeymap.model import Journey


def variants_document(journey: Journey) -> dict[str, Any]:
    """The ``variants`` document: each observed walk with customers, share, pain and peak-end.

    Parameters
    ----------
    journey : Journey
        The journey (its ``variants``; none gives an empty list).

    Returns
    -------
    dict
        ``journey``, ``customers``, ``variants`` (``rank``, ``nodes``, ``names``,
        ``outcome``, ``kind``, ``customers``, ``share``, ``pain``, ``peak_end``) and ``other``.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> j = parse_journey({"id": "j", "name": "J", "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...   "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 4, "expectation": 6}],
    ...   "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
    ...   "transitions": [{"from": "entry", "to": "a", "customers": 3},
    ...                   {"from": "a", "to": "ok", "customers": 3}],
    ...   "variants": {"top": [{"nodes": ["a", "ok"], "customers": 3}]}})
    >>> row = variants_document(j)["variants"][0]
    >>> row["pain"], row["peak_end"], row["share"]
    (2.0, -2.0, 1.0)
    """
    touchpoints = {tp.id: tp for tp in journey.touchpoints}
    outcomes = {o.id: o for o in journey.outcomes}
    found = journey.variants
    listed = found.top if found else []
    other = found.other_customers if found else 0.0
    total = sum(v.customers for v in listed) + other
    rows = []
    for rank, variant in enumerate(listed, start=1):
        visits = [touchpoints[n] for n in variant.nodes if n in touchpoints]
        end = outcomes.get(variant.nodes[-1])
        rows.append(
            {
                "rank": rank,
                "nodes": variant.nodes,
                "names": [_name(n, journey) for n in variant.nodes],
                "outcome": variant.nodes[-1],
                "kind": end.kind if end else None,
                "customers": number(variant.customers),
                "share": number(variant.customers / total) if total else None,
                "pain": number(sum(pain(tp) for tp in visits)),
                "peak_end": optional(peak_end([satisfaction(tp) for tp in visits])),
            }
        )
    return {
        "journey": journey.id,
        "customers": number(total),
        "variants": rows,
        "other": {"customers": number(other), "variants": found.other_variants if found else 0},
    }


def with_observed(paths: dict[str, Any], journey: Journey) -> dict[str, Any]:
    """The ``paths`` document with each path's observed customers (when the journey has variants).

    Parameters
    ----------
    paths : dict
        A ``paths`` document of ``journey``.
    journey : Journey
        The journey the paths are of.

    Returns
    -------
    dict
        ``paths`` with ``observed_customers`` (and ``observed_at_most`` when unknown)
        on every path; unchanged without variants.

    Examples
    --------
    >>> from journeymap.engine import top_paths
    >>> from journeymap.files import load_journey
    >>> planted = load_journey("fixtures/planted-friction.yaml")
    >>> doc = with_observed(top_paths(planted, k=2, rank="probability"), planted)
    >>> [p["observed_customers"] for p in doc["paths"]]
    [500.0, 236.0]
    """
    found = journey.variants
    if found is None:
        return paths
    counts = {tuple(v.nodes): v.customers for v in found.top}
    least = min(counts.values(), default=found.other_customers)
    for path in paths["paths"]:
        seen = counts.get(tuple(path["nodes"][1:]))
        if seen is not None:
            path["observed_customers"] = number(seen)
        elif found.other_customers == 0:
            path["observed_customers"] = 0
        else:
            path["observed_customers"] = None
            path["observed_at_most"] = number(min(least, found.other_customers))
    return paths


def _name(node: str, journey: Journey) -> str:
    names = {tp.id: tp.name for tp in journey.touchpoints} | {o.id: o.name for o in journey.outcomes}
    return names.get(node, node)
