"""What-if patches: scores, weights, removals, and patches that break the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeymap.engine import analyze, by_touchpoint, whatif
from journeymap.errors import InvalidJourney
from journeymap.files import load_journey
from tests.engine import oracles
from tests.engine.conftest import make_journey

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
OUT = {"ok": "success", "lost": "failure"}


@pytest.fixture
def mei_su():
    return load_journey(FIXTURES / "mei-su-electronics.yaml")


def test_fixing_convenience_removes_its_pain(mei_su):
    result = whatif(mei_su, {"touchpoints": {"convenience": {"experience": 7}}})
    before, after, diff = result["before"], result["after"], result["diff"]
    assert by_touchpoint(after)["convenience"]["pain"] == 0
    assert by_touchpoint(diff)["convenience"]["pain"] == -18
    assert diff["expected_pain"] == pytest.approx(after["expected_pain"] - before["expected_pain"])
    assert diff["expected_pain"] == pytest.approx(-18 * by_touchpoint(before)["convenience"]["reach"])
    assert diff["success_probability"] == 0  # scores do not move customers
    assert before == analyze(mei_su)
    assert mei_su.touchpoint("convenience").experience == 5  # input untouched


def test_setting_a_weight_changes_the_flow_like_an_edited_file(mei_su):
    patch = {"transitions": [{"from": "convenience", "to": "walks_away", "customers": 60}]}
    result = whatif(mei_su, patch)
    edited = mei_su.model_dump(by_alias=True)
    for t in edited["transitions"]:
        if (t["from"], t["to"]) == ("convenience", "walks_away"):
            t["customers"] = 60
    expected = oracles.success_probability(type(mei_su).model_validate(edited))
    assert result["after"]["success_probability"] == pytest.approx(float(expected))
    assert result["diff"]["success_probability"] > 0


def test_adding_a_transition(mei_su):
    patch = {"transitions": [{"from": "brand_image", "to": "purchase", "customers": 100}]}
    after = whatif(mei_su, patch)["after"]
    assert after["outcomes"]["purchase"] > analyze(mei_su)["outcomes"]["purchase"]


def test_removal_bypasses_in_the_removed_touchpoints_proportions():
    edges = [("entry", "a", 10), ("a", "b", 6), ("a", "lost", 4), ("b", "ok", 3), ("b", "lost", 1)]
    scores = {"a": {"experience": 5}, "b": {"experience": 2, "expectation": 6}}
    journey = make_journey(edges, scores, OUT)
    result = whatif(journey, {"remove": ["b"]})
    after = result["after"]
    assert "b" not in by_touchpoint(after)
    assert after["success_probability"] == pytest.approx(0.6 * 0.75)  # flow unchanged
    assert after["expected_pain"] == 0
    assert result["diff"]["removed"] == ["b"]


def test_removal_drops_a_loop_back_and_rescales_shares():
    edges = [("entry", "a", 1.0), ("a", "b", 0.5), ("a", "ok", 0.5), ("b", "a", 0.5), ("b", "lost", 0.5)]
    journey = make_journey(edges, {"a": {"experience": 1}, "b": {"experience": 1}}, OUT, key="share")
    after = whatif(journey, {"remove": ["b"]})["after"]
    # a → b → a is dropped: a keeps ok 0.5 and lost 0.25, rescaled to 2/3 and 1/3
    assert after["success_probability"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        ({"touchpoints": {"nope": {"experience": 1}}}, "touchpoints.nope"),
        ({"touchpoints": {"convenience": {"colour": 1}}}, "touchpoints.convenience.colour"),
        ({"transitions": [{"from": "entry", "to": "pikcup", "customers": 3}]}, "transitions[0].to"),
        ({"remove": ["walks_away"]}, "remove[0]"),
        ({"remove": "convenience"}, "remove"),
        ({"surprise": 1}, "surprise"),
        ({"transitions": [{"from": "entry", "to": "convenience", "share": 0.5}]}, "mixed-weights"),
        ({"touchpoints": {"convenience": {"experience": 11}}}, "score-outside-scale"),
        (["not", "a", "mapping"], "mapping"),
    ],
)
def test_patches_that_break_rules_are_invalid_journeys(mei_su, patch, where):
    with pytest.raises(InvalidJourney) as caught:
        whatif(mei_su, patch)
    assert where in str(caught.value)
    assert caught.value.source == "patch"


def test_a_patch_closing_a_loop_is_refused():
    edges = [("entry", "a", 1), ("a", "b", 1), ("b", "a", 1), ("b", "ok", 1)]
    journey = make_journey(edges, {"a": {"experience": 1}, "b": {"experience": 1}}, OUT)
    assert whatif(journey, {"remove": ["b"]})["after"]["success_probability"] == 1
    with pytest.raises(InvalidJourney, match="closed-loop"):
        whatif(journey, {"transitions": [{"from": "b", "to": "ok", "customers": 0}]})
