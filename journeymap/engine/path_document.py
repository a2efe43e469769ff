"""The ``paths`` document (DESIGN.md §4): ranked paths with probability, customers, pain,
peak-end and each step's contribution."""

from __future__ import annotations

from typing import Any

from journeymap.engine.chain import Chain
from journeymap.engine.json_values import NO_PAIN, number, optional
from journeymap.engine.paths import FoundPath
from journeymap.engine.provenance import evidence


def peak_end(satisfactions: list[float]) -> float | None:
    """``(peak + end) / 2`` over a path's satisfactions.

    The peak is the largest magnitude (a tie goes to the negative one), the end the last one.

    Parameters
    ----------
    satisfactions : list of float
        The satisfactions of the touchpoints along the path, in order.

    Returns
    -------
    float or None
        The peak-end score; None without touchpoints.

    Examples
    --------
    >>> peak_end([1.0, -3.0, 3.0, 2.0])
    -0.5
    >>> peak_end([]) is None
    True
    """
    if not satisfactions:
        return None
    peak = max(satisfactions, key=lambda s: (abs(s), -s))
    return (peak + satisfactions[-1]) / 2


def paths_document(
    chain: Chain, found: list[FoundPath], k: int, rank: str, to: str | None, kind: str | None
) -> dict[str, Any]:
    """The ``paths`` document: ranked paths with probability, customers, pain and contributions.

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    found : list of FoundPath
        The paths found, best first (``journeymap.engine.paths.search``).
    k : int
        How many paths were asked for.
    rank : str
        ``"pain"`` or ``"probability"``.
    to, kind : str or None
        The outcome filter the paths were found with.

    Returns
    -------
    dict
        ``journey``, ``k``, ``rank``, ``to``, ``kind``, ``paths`` (one row each) and,
        when ranking by pain with no pain anywhere, ``note``.

    Raises
    ------
    AnalysisError
        When a number overflows.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.engine.paths import search
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> found = search(chain, 2, "pain", chain.outcome_mask(None, None))
    >>> doc = paths_document(chain, found, 2, "pain", None, None)
    >>> [(p["nodes"], p["pain_mass"]) for p in doc["paths"]]
    [(['entry', 'a', 'ok'], 2.4), (['entry', 'a', 'lost'], 1.6)]
    """
    journey = chain.journey
    entrants = chain.entrants
    t = chain.n_transient
    sat_of, pain_of = chain.scores.satisfaction, chain.scores.pain
    rows = []
    for position, path in enumerate(found, start=1):
        steps = [i for i in path.nodes if 0 < i < t]
        sats = [sat_of.item(i - 1) for i in steps]
        outcome = journey.outcomes[path.nodes[-1] - t]
        rows.append(
            {
                "rank": position,
                "nodes": list(path.ids),
                "outcome": outcome.id,
                "kind": outcome.kind,
                "probability": number(path.probability),
                "customers": number(entrants * path.probability),
                "pain": number(path.pain),
                "pain_mass": number(path.pain_mass),
                "peak_end": optional(peak_end(sats)),
                "contributions": [
                    {
                        "touchpoint": chain.ids[i],
                        "pain": number(pain_of.item(i - 1)),
                        "satisfaction": number(sat),
                        "source": journey.touchpoints[i - 1].score_source,
                        **evidence(journey.touchpoints[i - 1]),
                    }
                    for i, sat in zip(steps, sats, strict=True)
                ],
            }
        )
    document = {"journey": journey.id, "k": k, "rank": rank, "to": to, "kind": kind, "paths": rows}
    if rank == "pain" and not pain_of.any():
        document["note"] = NO_PAIN
    return document
