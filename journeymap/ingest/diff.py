"""Comparing a designed journey with the one customers actually took.

The structural part (nodes and transitions only in one journey, shares and
scores that differ most) needs nothing but the two journeys; the engine part
adds how success probability and the top pain paths change.
"""

from __future__ import annotations

from typing import Any

from journeymap.durations import seconds
from journeymap.engine import analyze, top_paths
from journeymap.engine.metrics import satisfaction, transition_probabilities
from journeymap.ingest.scores import rescale
from journeymap.model import Journey, Timing, Transition

TOP = 10


def structural_diff(planned: Journey, actual: Journey, top: int = TOP) -> dict[str, Any]:
    """What differs between two journeys, without running the engine.

    >>> from journeymap.ingest.paths import journey_from_path_table
    >>> a = journey_from_path_table("path;total_conversions;total_null\\nA > B;1;1\\n", "a")
    >>> b = journey_from_path_table("path;total_conversions;total_null\\nA;1;0\\n", "b")
    >>> structural_diff(a, b)["touchpoints"]
    {'only_planned': ['b'], 'only_actual': []}
    """
    nodes_p = {tp.id for tp in planned.touchpoints}
    nodes_a = {tp.id for tp in actual.touchpoints}
    outcomes_p = {o.id for o in planned.outcomes}
    outcomes_a = {o.id for o in actual.outcomes}
    share_p, share_a = transition_probabilities(planned), transition_probabilities(actual)
    return {
        "planned": planned.id,
        "actual": actual.id,
        "touchpoints": {"only_planned": sorted(nodes_p - nodes_a), "only_actual": sorted(nodes_a - nodes_p)},
        "outcomes": {
            "only_planned": sorted(outcomes_p - outcomes_a),
            "only_actual": sorted(outcomes_a - outcomes_p),
        },
        "transitions": {
            "only_planned": [_edge(e, share_p[e]) for e in sorted(set(share_p) - set(share_a))],
            "only_actual": [_edge(e, share_a[e]) for e in sorted(set(share_a) - set(share_p))],
        },
        "share_changes": _share_changes(share_p, share_a, top),
        "score_changes": _score_changes(planned, actual, top),
        "time_changes": time_changes(planned, actual, top),
    }


def _edge(edge: tuple[str, str], share: float) -> dict[str, Any]:
    return {"from": edge[0], "to": edge[1], "share": round(share, 6)}


def _share_changes(
    planned: dict[tuple[str, str], float], actual: dict[tuple[str, str], float], top: int
) -> list[dict[str, Any]]:
    """Transitions in both journeys, largest share difference first."""
    rows: list[dict[str, Any]] = [
        {
            "from": s,
            "to": t,
            "planned": round(planned[(s, t)], 6),
            "actual": round(actual[(s, t)], 6),
            "delta": round(actual[(s, t)] - planned[(s, t)], 6),
        }
        for s, t in set(planned) & set(actual)
    ]
    rows.sort(key=lambda r: (-abs(float(r["delta"])), str(r["from"]), str(r["to"])))
    return [r for r in rows if r["delta"] != 0][:top]


def _score_changes(planned: Journey, actual: Journey, top: int) -> list[dict[str, Any]]:
    """Touchpoints in both journeys, largest score difference first.

    The actual journey's scores are converted to the planned journey's scale
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
                        "planned": round(before, 6),
                        "actual": round(after, 6),
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
    """Transitions timed in the actual journey against the planned time (``expected_wait``,
    else ``time.median_s``) and touchpoints' measured wait against their ``expected_wait``,
    slowest against plan first.

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
        where
        | {"planned_s": plan, "median_s": time.median_s, "p90_s": time.p90_s, "n": time.n, "ratio": ratio}
    ]


def engine_diff(planned: Journey, actual: Journey, k: int = 5) -> dict[str, Any]:
    """Success probability and the top ``k`` pain paths of each journey (needs the engine)."""
    before, after = analyze(planned), analyze(actual)
    paths_before = top_paths(planned, k=k, rank="pain")["paths"]
    paths_after = top_paths(actual, k=k, rank="pain")["paths"]
    seen_before = {tuple(p["nodes"]) for p in paths_before}
    seen_after = {tuple(p["nodes"]) for p in paths_after}
    return {
        "success_probability": {
            "planned": before["success_probability"],
            "actual": after["success_probability"],
            "delta": _delta(before["success_probability"], after["success_probability"]),
        },
        "expected_pain": {
            "planned": before["expected_pain"],
            "actual": after["expected_pain"],
            "delta": _delta(before["expected_pain"], after["expected_pain"]),
        },
        "top_pain_paths": {
            "planned": [_path(p) for p in paths_before],
            "actual": [_path(p) for p in paths_after],
            "new": [list(p) for p in sorted(seen_after - seen_before)],
            "gone": [list(p) for p in sorted(seen_before - seen_after)],
        },
    }


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 9)


def _path(path: dict[str, Any]) -> dict[str, Any]:
    return {key: path[key] for key in ("rank", "nodes", "probability", "pain", "pain_mass") if key in path}


def diff_journeys(planned: Journey, actual: Journey, top: int = TOP, k: int = 5) -> dict[str, Any]:
    """The full diff document: structure, shares, scores, and the engine's view."""
    return structural_diff(planned, actual, top) | engine_diff(planned, actual, k)
