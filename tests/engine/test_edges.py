"""Malformed and extreme journeys, and bad parameters: clear errors or right answers."""

from __future__ import annotations

import json
import math

import pytest

from benchmarks.bench_door import ladder
from journeymap.engine import analyze, by_touchpoint, impact, top_paths, whatif
from journeymap.errors import AnalysisError, InvalidInput, InvalidJourney, LimitExceeded
from journeymap.model import Journey, Outcome, Stage, Touchpoint, Transition
from tests.engine import oracles
from tests.engine.conftest import make_journey

OUT = {"ok": "success", "lost": "failure"}


def _direct(edges: list[tuple[str, str, float]], tps: list[str]) -> Journey:
    """A journey built straight from the models, skipping the file validation."""
    return Journey(
        id="direct",
        name="Direct",
        stages=[Stage(id="s", name="S", phase="sale")],
        touchpoints=[Touchpoint(id=t, name=t, stage="s", experience=3, expectation=5) for t in tps],
        outcomes=[Outcome(id=o, name=o, kind=k) for o, k in OUT.items()],  # type: ignore[arg-type]
        transitions=[Transition(**{"from": u, "to": v}, customers=w) for u, v, w in edges],
    )


def test_zero_count_exits_are_an_analysis_error_naming_the_touchpoint():
    journey = _direct([("entry", "a", 5), ("a", "b", 5), ("b", "ok", 0)], ["a", "b"])
    with pytest.raises(AnalysisError, match="'b'"):
        analyze(journey)
    with pytest.raises(AnalysisError, match="'b'"):
        top_paths(journey)


def test_closed_loop_is_an_analysis_error_naming_its_touchpoints():
    edges = [("entry", "a", 5), ("a", "b", 5), ("b", "c", 1), ("c", "b", 1), ("a", "ok", 1)]
    journey = _direct(edges, ["a", "b", "c"])
    with pytest.raises(AnalysisError) as caught:
        analyze(journey)
    assert "'b', 'c'" in caught.value.detail and "'a'" not in caught.value.detail


def test_unknown_ids_in_a_direct_journey_are_invalid():
    journey = _direct([("entry", "a", 5), ("a", "nowhere", 5)], ["a"])
    with pytest.raises(InvalidJourney, match="nowhere"):
        analyze(journey)


def test_unreached_touchpoint_of_a_direct_journey_gets_zero_reach():
    journey = _direct([("entry", "a", 5), ("a", "ok", 5), ("b", "lost", 1)], ["a", "b"])
    doc = analyze(journey)
    assert by_touchpoint(doc)["b"]["reach"] == 0
    assert by_touchpoint(doc)["b"]["removal_effect"] == 0
    assert by_touchpoint(doc)["b"]["carried"] == -1.0  # α·s_b with no inflow
    json.dumps(doc, allow_nan=False)


def test_tiny_probabilities_do_not_underflow_the_ranking():
    # a chain of 1e-300 steps: the long path's probability underflows to 0.0, yet it ranks
    # above an even less likely path by its log probability
    edges = [("entry", "a", 1), ("entry", "ok", 1e300)]
    edges += [("a", "b", 1), ("a", "lost", 1e300), ("b", "c", 1), ("b", "lost", 1e300)]
    edges += [("c", "ok", 1), ("c", "lost", 1e300), ("a", "c", 1e-10)]
    scores = {t: {"experience": 1, "expectation": 5} for t in "abc"}
    journey = make_journey(edges, scores, OUT)
    doc = analyze(journey)
    assert doc["success_probability"] == pytest.approx(1.0)
    json.dumps(doc, allow_nan=False)
    paths = top_paths(journey, k=10, rank="probability")["paths"]
    assert len(paths) == len(oracles.all_paths(journey))
    assert paths[0]["nodes"] == ["entry", "ok"]
    by_nodes = {tuple(p["nodes"]): p for p in paths}
    four = by_nodes[("entry", "a", "b", "c", "ok")]
    assert four["probability"] == 0.0  # 1e-1200 is not a float
    ranks = [p["nodes"] for p in paths]
    # entry,a,c,ok ≈ 1e-910, entry,a,b,c,ok ≈ 1e-1200: both 0.0, ordered by their logs
    assert ranks.index(["entry", "a", "c", "ok"]) < ranks.index(["entry", "a", "b", "c", "ok"])
    pain = top_paths(journey, k=3, rank="pain")["paths"]
    assert all(math.isfinite(p["pain_mass"]) for p in pain)


def test_a_billion_customers():
    edges = [("entry", "a", 1e9), ("a", "ok", 6e8), ("a", "lost", 4e8)]
    journey = make_journey(edges, {"a": {"experience": 2, "expectation": 6}}, OUT)
    doc = analyze(journey)
    assert doc["entrants"] == 1e9
    paths = top_paths(journey, k=2)["paths"]
    assert [p["customers"] for p in paths] == pytest.approx([6e8, 4e8])


def test_k_zero_and_k_beyond_the_number_of_paths():
    edges = [("entry", "a", 1), ("a", "ok", 1), ("a", "lost", 1)]
    journey = make_journey(edges, {"a": {"experience": 2, "expectation": 6}}, OUT)
    assert top_paths(journey, k=0)["paths"] == []
    assert len(top_paths(journey, k=1000)["paths"]) == 2
    assert top_paths(journey, k=5, to="lost")["paths"][0]["outcome"] == "lost"
    assert [p["kind"] for p in top_paths(journey, kind="failure")["paths"]] == ["failure"]


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"k": -1}, "k"),
        ({"k": True}, "k"),
        ({"k": 10**9}, "k"),
        ({"k": 2.5}, "k"),
        ({"rank": "fun"}, "rank"),
        ({"kind": "meh"}, "kind"),
        ({"to": "pikcup"}, "to"),
        ({"to": "a"}, "to"),
        ({"to": "ok", "kind": "failure"}, "to"),
    ],
)
def test_bad_path_parameters_name_the_parameter(kwargs, parameter):
    edges = [("entry", "a", 1), ("a", "ok", 1), ("a", "lost", 1)]
    journey = make_journey(edges, {"a": {"experience": 2}}, OUT)
    with pytest.raises(InvalidInput, match=f"^{parameter}:"):
        top_paths(journey, **kwargs)


@pytest.mark.parametrize("alpha", [0, -0.5, 1.5, math.nan, math.inf, "half", True])
def test_alpha_outside_zero_one_is_refused(alpha):
    journey = make_journey([("entry", "a", 1), ("a", "ok", 1)], {"a": {"experience": 2}}, OUT)
    with pytest.raises(InvalidInput, match=r"^alpha:"):
        analyze(journey, alpha=alpha)
    with pytest.raises(InvalidInput, match=r"^alpha:"):
        whatif(journey, {}, alpha=alpha)


def test_not_a_journey_is_refused():
    with pytest.raises(InvalidJourney, match="name: field required"):
        analyze({"id": "x"})  # a mapping is read as the journey file's fields
    with pytest.raises(InvalidInput, match=r"^x: no such file"):
        impact("x")  # a string is a journey file's path
    with pytest.raises(InvalidInput, match="not list"):
        top_paths(["x"])  # type: ignore[arg-type]


def test_no_success_outcome_reached_gives_null_removal_effects():
    journey = make_journey(
        [("entry", "a", 1), ("a", "lost", 1), ("entry", "ok", 0)], {"a": {"experience": 1}}, OUT
    )
    doc = analyze(journey)
    assert doc["success_probability"] == 0
    assert by_touchpoint(doc)["a"]["removal_effect"] is None
    assert top_paths(journey, to="ok")["paths"] == []


def test_exact_ties_are_broken_by_node_ids():
    journey = ladder(10)
    for rank in ("pain", "probability"):
        ours = [p["nodes"] for p in top_paths(journey, k=3, rank=rank)["paths"]]
        assert ours == [p["nodes"] for p in oracles.brute_force_top(journey, 3, rank)]
    assert ours[0] == ["entry", *(f"l{i}a" for i in range(10)), "ok"]


def test_a_search_too_large_is_refused_clearly(monkeypatch):
    monkeypatch.setattr("journeymap.engine.paths.MAX_STEPS", 200)
    assert len(top_paths(ladder(12), k=3)["paths"]) == 3  # 4,096 tied paths: a few steps in id order
    with pytest.raises(LimitExceeded, match=r"^paths: the answer needs more than 200 search steps.*lower k"):
        top_paths(ladder(12), k=150)


def test_overflowing_numbers_are_an_analysis_error():
    huge = make_journey(
        [("entry", "a", 1), ("a", "ok", 1)], {"a": {"experience": -1e308, "expectation": 1e308}}, OUT
    )
    with pytest.raises(AnalysisError, match="overflowed"):
        analyze(huge)
    with pytest.raises(AnalysisError, match="overflowed"):
        top_paths(huge)
    crowded = make_journey(
        [("entry", "a", 1e308), ("entry", "b", 1e308), ("a", "ok", 1), ("b", "ok", 1)],
        {"a": {"experience": 1}, "b": {"experience": 1}},
        OUT,
    )
    with pytest.raises(AnalysisError, match="'entry'"):
        analyze(crowded)
