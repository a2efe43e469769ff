"""Property tests on random journeys (acyclic and cyclic) against independent oracles."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.engine import analyze, by_touchpoint, paths, top_paths
from journeymap.model import ENTRY, Journey, journey_document, parse_journey
from tests.engine import oracles
from tests.strategies import journeys

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(journeys())
def test_outcomes_sum_to_one_and_match_exact_flow(journey: Journey) -> None:
    doc = analyze(journey)
    assert sum(doc["outcomes"].values()) == pytest.approx(1.0, abs=1e-9)
    assert doc["success_probability"] == pytest.approx(
        float(oracles.success_probability(journey)), rel=1e-9, abs=1e-12
    )
    reach = oracles.exact_reach(journey)
    for tid, row in by_touchpoint(doc).items():
        assert row["reach"] == pytest.approx(float(reach[tid]), rel=1e-9, abs=1e-12)
        assert 0.0 <= row["visit_probability"] <= 1.0
        assert row["priority"] == pytest.approx(row["reach"] * row["pain"])
        if doc["success_probability"] > 0:
            exact = float(oracles.removal_effect(journey, tid))
            assert row["removal_effect"] == pytest.approx(exact, rel=1e-9, abs=1e-12)
        else:
            assert row["removal_effect"] is None
    assert doc["expected_pain"] == pytest.approx(sum(r["priority"] for r in doc["touchpoints"]))


@FAST
@given(journeys(cyclic=False))
def test_acyclic_pain_mass_over_all_paths_is_expected_pain(journey: Journey) -> None:
    every = top_paths(journey, k=10_000)["paths"]
    assert len(every) == len(oracles.all_paths(journey))
    assert sum(p["pain_mass"] for p in every) == pytest.approx(analyze(journey)["expected_pain"], abs=1e-9)
    assert sum(p["probability"] for p in every) == pytest.approx(1.0, abs=1e-9)


def _ends(journey: Journey, to: str | None, kind: str | None) -> set[str]:
    return {o.id for o in journey.outcomes if (to is None or o.id == to) and (kind is None or o.kind == kind)}


filters = st.sampled_from(
    [(None, None), ("ok", None), (None, "failure"), (None, "success"), ("lost", "failure")]
)


@FAST
@given(journeys(), st.integers(0, 12), st.sampled_from(["pain", "probability"]), filters)
def test_top_k_equals_brute_force(
    journey: Journey, k: int, rank: str, flt: tuple[str | None, str | None]
) -> None:
    to, kind = flt
    ours = top_paths(journey, k=k, rank=rank, to=to, kind=kind)["paths"]
    expected = oracles.brute_force_top(journey, k, rank, _ends(journey, to, kind))
    assert [p["nodes"] for p in ours] == [p["nodes"] for p in expected]
    for mine, theirs in zip(ours, expected, strict=True):
        assert mine["probability"] == theirs["probability"]
        assert mine["pain_mass"] == theirs["pain_mass"]
    assert [p["rank"] for p in ours] == list(range(1, len(ours) + 1))


@FAST
@given(journeys(), st.integers(1, 8))
def test_top_k_by_probability_equals_networkx(journey: Journey, k: int) -> None:
    probs = oracles.float_probabilities(journey)
    g = nx.DiGraph()
    for u, row in probs.items():
        for v, p in row.items():
            g.add_edge(u, v, weight=-math.log(p))
    for o in journey.outcomes:
        g.add_edge(o.id, "__end__", weight=0.0)
    reference = []
    for path in nx.shortest_simple_paths(g, ENTRY, "__end__", weight="weight"):
        reference.append((path[:-1], math.exp(-nx.path_weight(g, path, "weight"))))
    ours = top_paths(journey, k=k, rank="probability")["paths"]
    assert len(ours) == min(k, len(reference))
    assert [p["probability"] for p in ours] == pytest.approx([p for _, p in reference[: len(ours)]])
    if ours:  # nx breaks ties arbitrarily: compare sets above the k-th probability
        last = ours[-1]["probability"]
        sure = {tuple(n) for n, p in reference if p > last * (1 + 1e-9)}
        tied = {tuple(n) for n, p in reference if p >= last * (1 - 1e-9)}
        mine = {tuple(p["nodes"]) for p in ours}
        assert sure <= mine <= tied


@settings(max_examples=25, deadline=None)
@given(journeys(), st.data())
def test_results_do_not_depend_on_ids(journey: Journey, data: st.DataObject) -> None:
    names = [tp.id for tp in journey.touchpoints]
    shuffled = data.draw(st.permutations(names))
    # renamed ids keep their relative order, so the documented tie-break is unchanged
    renamed_ids = {
        old: f"z{sorted(names).index(old):02d}-{new}" for old, new in zip(names, shuffled, strict=True)
    }
    renamed = _rename(journey, renamed_ids)
    before, after = analyze(journey), analyze(renamed)
    assert after["success_probability"] == pytest.approx(before["success_probability"], abs=1e-12)
    assert after["expected_pain"] == pytest.approx(before["expected_pain"], abs=1e-9)
    for old, new in renamed_ids.items():
        a, b = by_touchpoint(before)[old], by_touchpoint(after)[new]
        for field in ("reach", "carried", "priority", "removal_effect", "weighted_satisfaction"):
            assert b[field] == pytest.approx(a[field], abs=1e-9)
    paths_a = top_paths(journey, k=6)["paths"]
    paths_b = top_paths(renamed, k=6)["paths"]
    back = {v: k for k, v in renamed_ids.items()}
    assert [[back.get(n, n) for n in p["nodes"]] for p in paths_b] == [p["nodes"] for p in paths_a]


def _rename(journey: Journey, mapping: dict[str, str]) -> Journey:
    doc = journey_document(journey)
    for tp in doc["touchpoints"]:
        tp["id"] = mapping[tp["id"]]
    doc["touchpoints"].reverse()  # file order must not matter either
    for t in doc["transitions"]:
        t["from"], t["to"] = mapping.get(t["from"], t["from"]), mapping.get(t["to"], t["to"])
    return parse_journey(doc)


@FAST
@given(journeys(), st.integers(1, 12), filters, st.sampled_from([1, 2, 5, 1_000_000]))
def test_probability_search_is_exact_at_any_backward_pace(
    journey: Journey, k: int, flt: tuple[str | None, str | None], pace: int
) -> None:
    """The backward bound may advance one node per step (many re-queued prefixes) or finish
    first: the list must equal the brute force either way."""
    to, kind = flt
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "BACKWARD_PER_STEP", pace)
        ours = top_paths(journey, k=k, rank="probability", to=to, kind=kind)["paths"]
    expected = oracles.brute_force_top(journey, k, "probability", _ends(journey, to, kind))
    assert [p["nodes"] for p in ours] == [p["nodes"] for p in expected]
    assert [p["probability"] for p in ours] == [p["probability"] for p in expected]


@pytest.mark.parametrize("profile", ["branching", "funnel"])
@pytest.mark.parametrize("pace", [1, 4, 1_000_000])
def test_probability_search_on_a_staged_journey_equals_networkx(profile: str, pace: int) -> None:
    """300 touchpoints with loops back: the ten most likely paths are networkx's."""
    from benchmarks.bench_engine import generate, nx_graph, nx_top

    journey = generate(300, 1500, profile, seed=11)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "BACKWARD_PER_STEP", pace)
        ours = top_paths(journey, k=10, rank="probability")["paths"]
    g = nx_graph(journey)
    reference = nx_top(g, 10)
    weights = [nx.path_weight(g, [*p, "__end__"], "weight") for p in reference]
    assert [p["probability"] for p in ours] == pytest.approx([math.exp(-w) for w in weights], rel=1e-12)
    assert sorted(tuple(p["nodes"]) for p in ours) == sorted(map(tuple, reference))
