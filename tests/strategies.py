"""Hypothesis strategies for valid journeys (acyclic or with loops)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from journeymap.model import Journey, parse_journey


@st.composite
def journey_documents(
    draw: st.DrawFn,
    min_touchpoints: int = 1,
    max_touchpoints: int = 7,
    cyclic: bool | None = None,
    shares: bool | None = None,
) -> dict[str, Any]:
    """A valid journey document.

    Every touchpoint ``t{i}`` is entered from an earlier node (so all are reachable)
    and leads to a later touchpoint or an outcome (so every customer can finish);
    ``cyclic`` adds back edges. ``shares`` chooses share weights over counts.
    """
    n = draw(st.integers(min_touchpoints, max_touchpoints))
    cyclic = draw(st.booleans()) if cyclic is None else cyclic
    use_shares = draw(st.booleans()) if shares is None else shares
    tps = [f"t{i}" for i in range(n)]
    outcomes = [("ok", "success"), ("lost", "failure")]
    if draw(st.booleans()):
        outcomes.append(("back", "success"))
    out_ids = [o for o, _ in outcomes]
    edges: dict[tuple[str, str], int] = {}

    def add(u: str, v: str, positive: bool) -> None:
        low = 1 if positive else 0
        edges[(u, v)] = max(edges.get((u, v), 0), draw(st.integers(low, 9)))

    add("entry", "t0", True)
    for i in range(1, n):
        src = draw(st.sampled_from(["entry", *tps[:i]]))
        add(src, tps[i], True)
    for i, t in enumerate(tps):
        later = tps[i + 1 :] + out_ids
        add(t, draw(st.sampled_from(later)), True)
        for v in draw(st.lists(st.sampled_from(later), max_size=2)):
            add(t, v, False)
        if cyclic and i > 0 and draw(st.booleans()):
            add(t, draw(st.sampled_from(tps[:i])), True)
    if draw(st.booleans()):
        add("entry", draw(st.sampled_from(out_ids)), False)
    transitions = []
    for (u, v), w in edges.items():
        transitions.append({"from": u, "to": v, "customers": w})
    if use_shares:
        totals: dict[str, int] = {}
        for (u, _), w in edges.items():
            totals[u] = totals.get(u, 0) + w
        transitions = [
            {"from": t["from"], "to": t["to"], "share": t["customers"] / totals[t["from"]]}
            for t in transitions
        ]
        # make each source's shares sum to exactly 1 in floating point
        last: dict[str, dict[str, Any]] = {t["from"]: t for t in transitions}
        for src, t in last.items():
            rest = sum(x["share"] for x in transitions if x["from"] == src and x is not t)
            t["share"] = max(0.0, 1.0 - rest)
    stages = [
        {"id": "pre", "name": "Pre", "phase": "pre_sale"},
        {"id": "mid", "name": "Mid", "phase": "sale"},
        {"id": "post", "name": "Post", "phase": "after_sale"},
    ]
    touchpoints = []
    for i, t in enumerate(tps):
        tp: dict[str, Any] = {
            "id": t,
            "name": f"Touchpoint {i}",
            "stage": stages[min(2, 3 * i // max(n, 1))]["id"],
            "experience": draw(st.integers(0, 10)),
        }
        if draw(st.booleans()):
            tp["expectation"] = draw(st.integers(0, 10))
        if draw(st.booleans()):
            tp["importance"] = draw(st.integers(0, 9))
        if draw(st.booleans()):
            tp["ideal"] = draw(st.integers(0, 10))
        touchpoints.append(tp)
    doc: dict[str, Any] = {
        "id": "generated",
        "name": "Generated journey",
        "scale": {"min": 0, "max": 10},
        "stages": stages,
        "touchpoints": touchpoints,
        "outcomes": [{"id": o, "name": o.title(), "kind": k} for o, k in outcomes],
        "transitions": transitions,
    }
    if draw(st.booleans()):
        doc["entrants"] = draw(st.integers(1, 10**6))
    return doc


@st.composite
def journeys(draw: st.DrawFn, **kwargs: Any) -> Journey:
    """A valid ``Journey`` (see ``journey_documents`` for the options)."""
    return parse_journey(draw(journey_documents(**kwargs)))
