"""Comparing two journeys: a designed one with the one customers took, or two segments.

The two are named by their ids (``a`` and ``b`` in the document; ``b`` is
compared against ``a``). The structural part (nodes and transitions only in
one journey, transition shares with the counts behind them ranked by evidence,
scores and times that differ most) needs nothing but the two journeys; the
engine part adds how success probability and the top pain paths change.
"""

from __future__ import annotations

from typing import Any

from journeymap.durations import seconds
from journeymap.engine import analyze, top_paths
from journeymap.engine.metrics import satisfaction
from journeymap.ingest.evidence import MIN_CUSTOMERS, transition_rows
from journeymap.ingest.scores import rescale
from journeymap.model import Journey, Timing, Transition

TOP = 10


def structural_diff(a: Journey, b: Journey, top: int = TOP) -> dict[str, Any]:
    """What differs between two journeys, without running the engine.

    Parameters
    ----------
    a, b : Journey
        The journeys; ``b`` is compared against ``a`` (deltas are b - a).
    top : int
        Rows kept in each ranked list (transitions with a difference, scores, times).

    Returns
    -------
    dict
        ``a``, ``b`` (the ids), ``touchpoints`` and ``outcomes`` (``only_a``, ``only_b``),
        ``transitions`` (``evidence.transition_rows``: tested differences, then those with few
        customers, then one-sided ones), ``min_customers``, ``score_changes``, ``time_changes``.

    Examples
    --------
    >>> from journeymap.ingest.paths import journey_from_path_table
    >>> a = journey_from_path_table("path;total_conversions;total_null\\nA > B;1;1\\n", "a")
    >>> b = journey_from_path_table("path;total_conversions;total_null\\nA;1;0\\n", "b")
    >>> doc = structural_diff(a, b)
    >>> doc["a"], doc["b"], doc["touchpoints"]
    ('a', 'b', {'only_a': ['b'], 'only_b': []})
    >>> [(r["from"], r["to"], r["group"]) for r in doc["transitions"]]  # doctest: +NORMALIZE_WHITESPACE
    [('a', 'b', 'one-sided'), ('a', 'conversion', 'one-sided'), ('b', 'conversion', 'one-sided'),
     ('b', 'null', 'one-sided')]
    """
    nodes_a, nodes_b = {tp.id for tp in a.touchpoints}, {tp.id for tp in b.touchpoints}
    outcomes_a, outcomes_b = {o.id for o in a.outcomes}, {o.id for o in b.outcomes}
    rows = transition_rows(a, b)
    differing = [r for r in rows if r["group"] != "one-sided"][:top]
    return {
        "a": a.id,
        "b": b.id,
        "touchpoints": {"only_a": sorted(nodes_a - nodes_b), "only_b": sorted(nodes_b - nodes_a)},
        "outcomes": {"only_a": sorted(outcomes_a - outcomes_b), "only_b": sorted(outcomes_b - outcomes_a)},
        "min_customers": MIN_CUSTOMERS,
        "transitions": differing + [r for r in rows if r["group"] == "one-sided"],
        "score_changes": _score_changes(a, b, top),
        "time_changes": time_changes(a, b, top),
    }


def _score_changes(planned: Journey, actual: Journey, top: int) -> list[dict[str, Any]]:
    """Touchpoints in both journeys, largest score difference first.

    The second journey's scores are converted to the first journey's scale
    when both have one and they differ, so a 7 of 10 and a 70 of 100 agree.
    """
    by_id = {tp.id: tp for tp in actual.touchpoints}
    source, target = actual.scale, planned.scale

    def score(value: float) -> float:
        return value if source is None or target is None else rescale(value, source, target)

    rows: list[dict[str, Any]] = []
    for tp in planned.touchpoints:
        other = by_id.get(tp.id)
        if other is None:
            continue
        rescaled = {"experience": score(other.experience), "expectation": score(other.expected)}
        scaled = other.model_copy(update=rescaled)
        values = {
            "experience": (tp.experience, scaled.experience),
            "expectation": (tp.expected, scaled.expected),
            "importance": (tp.weight, other.weight),
            "satisfaction": (satisfaction(tp), satisfaction(scaled)),
        }
        for field, (before, after) in values.items():
            if round(after - before, 6) != 0:
                rows.append(
                    {
                        "touchpoint": tp.id,
                        "field": field,
                        "a": round(before, 6),
                        "b": round(after, 6),
                        "delta": round(after - before, 6),
                        "responses": other.responses,
                        "source": other.score_source,
                    }
                )
    rows.sort(key=lambda r: (-abs(float(r["delta"])), str(r["touchpoint"]), str(r["field"])))
    return rows[:top]


def _planned_seconds(item: Transition) -> float | None:
    """What a designed journey says a transition should take: ``expected_wait``, else its ``time``."""
    if item.expected_wait is not None:
        return seconds(item.expected_wait)
    return item.time.median_s if item.time is not None else None


def time_changes(planned: Journey, actual: Journey, top: int = TOP) -> list[dict[str, Any]]:
    """Transitions timed in the second journey against the first's time for them (``a_s``:
    its ``expected_wait``, else its ``time.median_s``) and touchpoints' measured wait against
    the first's ``expected_wait``, slowest against it first.

    Parameters
    ----------
    planned, actual : Journey
        The journey giving the plan (``a``) and the one measured (``b``).
    top : int
        Rows kept.

    Returns
    -------
    list of dict
        ``{"from", "to"}`` or ``{"touchpoint", "measure"}``, with ``a_s``, ``median_s``,
        ``p90_s``, ``n`` (of ``b``) and ``ratio`` = median_s / a_s, largest first.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> doc = {"id": "a", "name": "A", "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...   "touchpoints": [{"id": "t", "name": "T", "stage": "s", "experience": 5}],
    ...   "outcomes": [{"id": "o", "name": "O", "kind": "success"}],
    ...   "transitions": [{"from": "entry", "to": "t", "share": 1},
    ...                   {"from": "t", "to": "o", "share": 1, "expected_wait": "1m"}]}
    >>> real = dict(doc, transitions=[doc["transitions"][0], {"from": "t", "to": "o", "share": 1,
    ...   "time": {"n": 9, "median_s": 150, "p90_s": 400, "mean_s": 200}}])
    >>> time_changes(parse_journey(doc), parse_journey(real))[0]["ratio"]
    2.5
    """
    rows: list[dict[str, Any]] = []
    actual_edges = {(t.source, t.target): t for t in actual.transitions}
    for t in planned.transitions:
        other = actual_edges.get((t.source, t.target))
        if other is not None:
            rows += _time_row({"from": t.source, "to": t.target}, _planned_seconds(t), other.time)
    by_id = {tp.id: tp for tp in actual.touchpoints}
    for tp in planned.touchpoints:
        waited = [m for m in (by_id[tp.id].measures or []) if m.measure == "wait"] if tp.id in by_id else []
        if waited and tp.expected_wait is not None:  # a touchpoint's expected_wait is the wait to reach it
            wait = Timing(n=waited[0].n, median_s=waited[0].value)
            rows += _time_row({"touchpoint": tp.id, "measure": "wait"}, seconds(tp.expected_wait), wait)
    rows.sort(key=lambda r: (-(r["ratio"] or 0.0), str(r.get("from", r.get("touchpoint"))), str(r.get("to"))))
    return rows[:top]


def _time_row(where: dict[str, str], plan: float | None, time: Timing | None) -> list[dict[str, Any]]:
    if time is None or time.median_s is None:
        return []
    ratio = round(time.median_s / plan, 6) if plan else None
    return [
        where | {"a_s": plan, "median_s": time.median_s, "p90_s": time.p90_s, "n": time.n, "ratio": ratio}
    ]


def engine_diff(a: Journey, b: Journey, k: int = 5) -> dict[str, Any]:
    """Success probability, expected pain and the top ``k`` pain paths of each journey (needs the engine).

    Parameters
    ----------
    a, b : Journey
        The journeys (``b`` against ``a``).
    k : int
        Pain paths listed per journey.

    Returns
    -------
    dict
        ``success_probability`` and ``expected_pain`` (``a``, ``b``, ``delta``) and
        ``top_pain_paths`` (``a``, ``b``, the routes ``new`` in b and ``gone`` from a).

    Examples
    --------
    >>> from journeymap.ingest.paths import journey_from_path_table
    >>> a = journey_from_path_table("path;total_conversions;total_null\\nA;3;1\\n", "a")
    >>> b = journey_from_path_table("path;total_conversions;total_null\\nA;1;1\\nB;0;2\\n", "b")
    >>> doc = engine_diff(a, b)
    >>> doc["success_probability"], doc["top_pain_paths"]["new"]
    ({'a': 0.75, 'b': 0.25, 'delta': -0.5}, [['entry', 'b', 'null']])
    """
    before, after = analyze(a), analyze(b)
    paths_a = top_paths(a, k=k, rank="pain")["paths"]
    paths_b = top_paths(b, k=k, rank="pain")["paths"]
    seen_a = {tuple(p["nodes"]) for p in paths_a}
    seen_b = {tuple(p["nodes"]) for p in paths_b}
    return {
        "success_probability": _pair(before["success_probability"], after["success_probability"]),
        "expected_pain": _pair(before["expected_pain"], after["expected_pain"]),
        "top_pain_paths": {
            "a": [_path(p) for p in paths_a],
            "b": [_path(p) for p in paths_b],
            "new": [list(p) for p in sorted(seen_b - seen_a)],
            "gone": [list(p) for p in sorted(seen_a - seen_b)],
        },
    }


def _pair(before: float | None, after: float | None) -> dict[str, float | None]:
    delta = None if before is None or after is None else round(after - before, 9)
    return {"a": before, "b": after, "delta": delta}


def _path(path: dict[str, Any]) -> dict[str, Any]:
    return {key: path[key] for key in ("rank", "nodes", "probability", "pain", "pain_mass") if key in path}


def diff_journeys(a: Journey, b: Journey, top: int = TOP, k: int = 5) -> dict[str, Any]:
    """The full diff document: structure, shares with counts and evidence, scores, times, the engine's view.

    Parameters
    ----------
    a, b : Journey
        The journeys, named in the document by their ids (``b`` against ``a``).
    top : int
        Rows per ranked list.
    k : int
        Pain paths listed per journey.

    Returns
    -------
    dict
        ``structural_diff`` and ``engine_diff`` in one document.

    Examples
    --------
    >>> from journeymap.ingest.paths import journey_from_path_table
    >>> a = journey_from_path_table("path;total_conversions;total_null\\nA;30;70\\n", "q1")
    >>> b = journey_from_path_table("path;total_conversions;total_null\\nA;10;90\\n", "q2")
    >>> doc = diff_journeys(a, b)
    >>> doc["success_probability"], doc["transitions"][0]["p_value"] < 0.001
    ({'a': 0.3, 'b': 0.1, 'delta': -0.2}, True)
    """
    return structural_diff(a, b, top) | engine_diff(a, b, k)
