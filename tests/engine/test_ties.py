"""Exact ties are broken by the documented rule, never by float rounding (DESIGN.md §3, Paths)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.bench_door import ladder
from journeymap.engine import top_paths
from journeymap.engine.compiled import compile_journey
from journeymap.engine.ties import exact_top
from journeymap.files import load_journey
from journeymap.model import Journey
from tests.engine import oracles
from tests.engine.conftest import make_journey
from tests.strategies import journeys

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_equal_probabilities_go_to_the_smaller_id_list() -> None:
    # entry→t0→t1→o0 = 3/5 · 2/3 = 2/5 and entry→t1→o0 = 2/5: floats 0.39999999999999997 and 0.4
    edges = [("entry", "t0", 3), ("entry", "t1", 2), ("t0", "o0", 1), ("t0", "t1", 2), ("t1", "o0", 1)]
    scores = {t: {"experience": 5} for t in ("t0", "t1")}
    journey = make_journey(edges, scores, {"o0": "success"})
    paths = top_paths(journey, k=3, rank="probability")["paths"]
    assert [p["nodes"] for p in paths] == [
        ["entry", "t0", "t1", "o0"],
        ["entry", "t1", "o0"],
        ["entry", "t0", "o0"],
    ]
    expected = oracles.brute_force_top(journey, 3, "probability")
    assert [p["nodes"] for p in paths] == [p["nodes"] for p in expected]
    assert paths[0]["probability"] == pytest.approx(paths[1]["probability"], abs=1e-15)


def test_equal_pain_mass_goes_to_the_higher_probability() -> None:
    # entry→b→ok: p 3/5, pain 2, mass 6/5; entry→b→c→ok: p 2/5, pain 3, mass 6/5
    edges = [("entry", "b", 1), ("b", "ok", 3), ("b", "c", 2), ("c", "ok", 1)]
    scores = {"b": {"experience": 3, "expectation": 5}, "c": {"experience": 4, "expectation": 5}}
    journey = make_journey(edges, scores, {"ok": "success"})
    paths = top_paths(journey, k=2, rank="pain")["paths"]
    assert [p["nodes"] for p in paths] == [["entry", "b", "ok"], ["entry", "b", "c", "ok"]]
    assert [p["probability"] for p in paths] == pytest.approx([0.6, 0.4])
    assert [p["nodes"] for p in paths] == [p["nodes"] for p in oracles.brute_force_top(journey, 2, "pain")]


def test_shares_are_read_as_the_decimals_written() -> None:
    # 0.03 · 0.09 = 0.01 · 0.27 = 0.0027 exactly, though the float products differ in the last bit
    edges = [
        ("entry", "a", 0.03),
        ("entry", "b", 0.01),
        ("entry", "lost", 0.96),
        ("a", "ok", 0.09),
        ("a", "lost", 0.91),
        ("b", "ok", 0.27),
        ("b", "lost", 0.73),
    ]
    scores = {t: {"experience": 5} for t in "ab"}
    journey = make_journey(edges, scores, {"ok": "success", "lost": "failure"}, key="share")
    paths = top_paths(journey, k=2, rank="probability", to="ok")["paths"]
    assert [p["nodes"] for p in paths] == [["entry", "a", "ok"], ["entry", "b", "ok"]]


def test_real_estate_failure_paths_tied_at_6_875_follow_the_ids() -> None:
    journey = load_journey(FIXTURES / "real-estate-launch.yaml")
    paths = top_paths(journey, k=20, rank="probability", kind="failure")["paths"]
    failures = {o.id for o in journey.outcomes if o.kind == "failure"}
    expected = oracles.brute_force_top(journey, 20, "probability", failures)
    assert [p["nodes"] for p in paths] == [p["nodes"] for p in expected]
    assert expected[13]["exact_probability"] == expected[14]["exact_probability"] == Fraction(6, 875)
    assert paths[13]["nodes"] < paths[14]["nodes"]


@pytest.mark.parametrize("levels", [20, 40, 60])
@pytest.mark.parametrize("rank", ["probability", "pain"])
def test_the_50_50_ladder_answers_in_id_order(levels: int, rank: str) -> None:
    journey = ladder(levels)
    # all 2^N paths tie, so the id lists decide: path j takes 'b' at level i where bit N-1-i of j is set
    expected = [
        ["entry", *(f"l{i}{'b' if j >> (levels - 1 - i) & 1 else 'a'}" for i in range(levels)), "ok"]
        for j in range(10)
    ]
    for k in (1, 10):
        paths = top_paths(journey, k=k, rank=rank)["paths"]
        assert [p["nodes"] for p in paths] == expected[:k]
        assert all(p["probability"] == 2.0**-levels and p["pain"] == levels for p in paths)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(journeys(), st.integers(0, 12), st.sampled_from(["pain", "probability"]), st.data())
def test_the_exact_search_equals_brute_force(
    journey: Journey, k: int, rank: str, data: st.DataObject
) -> None:
    outcomes = [o.id for o in journey.outcomes]
    ends = set(data.draw(st.lists(st.sampled_from(outcomes), min_size=1, unique=True)))
    chain = compile_journey(journey)
    targets = np.array([node in ends for node in chain.ids])
    found = exact_top(chain, k, rank, targets, max_steps=10**6)
    expected = oracles.brute_force_top(journey, k, rank, ends)
    assert [[chain.ids[n] for n in path] for path in found] == [p["nodes"] for p in expected]


def test_the_exact_search_takes_over_when_the_compiled_one_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    journey = load_journey(FIXTURES / "real-estate-launch.yaml")
    failures = {o.id for o in journey.outcomes if o.kind == "failure"}
    monkeypatch.setattr("journeymap.engine.paths.MAX_TIED", 0)
    for rank in ("probability", "pain"):
        paths = top_paths(journey, k=20, rank=rank, kind="failure")["paths"]
        expected = oracles.brute_force_top(journey, 20, rank, failures)
        assert [p["nodes"] for p in paths] == [p["nodes"] for p in expected]
        assert [p["probability"] for p in paths] == [p["probability"] for p in expected]
        assert [p["pain_mass"] for p in paths] == [p["pain_mass"] for p in expected]
