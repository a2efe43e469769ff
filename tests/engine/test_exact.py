"""Hand-worked and exact-fraction checks of the flow, removal effects and carried experience."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from journeymap.engine import analyze, by_touchpoint, impact, top_paths
from journeymap.files import load_journey
from tests.engine import oracles
from tests.engine.conftest import make_journey

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

COUNTS = [
    ("entry", "a", 8), ("entry", "b", 2), ("entry", "c", 3),
    ("a", "b", 4), ("a", "success", 2), ("a", "failure", 5),
    ("b", "success", 3), ("b", "failure", 3), ("b", "a", 1),
    ("c", "a", 2), ("c", "b", 1),
]  # fmt: skip


@pytest.fixture
def counted():
    scores = {t: {"experience": 5} for t in ("a", "b", "c")}
    return make_journey(COUNTS, scores, {"success": "success", "failure": "failure"})


def test_exact_fraction_journey(counted):
    doc = analyze(counted)
    assert oracles.success_probability(counted) == Fraction(5, 13)
    assert doc["success_probability"] == pytest.approx(5 / 13, rel=1e-12)
    expected = {"a": Fraction(26, 35), "b": Fraction(7, 11), "c": Fraction(87, 365)}
    for tid, value in expected.items():
        assert oracles.removal_effect(counted, tid) == value  # the oracle agrees with the issue
        assert by_touchpoint(doc)[tid]["removal_effect"] == pytest.approx(float(value), rel=1e-12)
    reach = oracles.exact_reach(counted)
    for tid in expected:
        assert by_touchpoint(doc)[tid]["reach"] == pytest.approx(float(reach[tid]), rel=1e-12)
    assert sum(doc["outcomes"].values()) == pytest.approx(1.0, abs=1e-12)


THREE = [
    ("entry", "a", 8), ("entry", "b", 2),
    ("a", "b", 6), ("a", "c", 2),
    ("b", "ok", 3), ("b", "lost", 1),
    ("c", "a", 1), ("c", "lost", 3),
]  # fmt: skip


@pytest.fixture
def three():
    scores = {
        "a": {"experience": 4, "expectation": 6, "importance": 2},
        "b": {"experience": 7, "expectation": 5},
        "c": {"experience": 3, "expectation": 6, "importance": 3, "ideal": 8},
    }
    journey = make_journey(THREE, scores, {"ok": "success", "lost": "failure"}, jid="three")
    data = journey.model_dump(by_alias=True, exclude_none=True)
    data["stages"].append({"id": "t", "name": "T", "phase": "after_sale"})
    data["touchpoints"][2]["stage"] = "t"
    return type(journey).model_validate(data)


def test_three_node_journey_by_hand(three):
    """Every number below is worked out by hand.

    P: entry→a 4/5, entry→b 1/5; a→b 3/4, a→c 1/4; b→ok 3/4, b→lost 1/4; c→a 1/4, c→lost 3/4.
    Scores: s_a = 4−6 = −2, π_a = 2·2 = 4; s_b = +2, π_b = 0; s_c = −3, π_c = 3·3 = 9, gap_c = 3−8 = −5.

    Reach: r_a = 4/5 + r_c/4, r_c = r_a/4 ⇒ r_a = (4/5)/(15/16) = 64/75, r_c = 16/75,
    r_b = 1/5 + (3/4)·r_a = 63/75.
    Outcomes: ok = (3/4)·r_b = 63/100; lost = (1/4)·r_b + (3/4)·r_c = 21/100 + 16/100 = 37/100.
    Expected pain = 4·64/75 + 9·16/75 = 400/75 = 16/3; priority a = 256/75, c = 144/75, b = 0.

    Removal: h_b = 3/4, h_a = (3/4)h_b + (1/4)h_c, h_c = h_a/4 ⇒ h_a = 3/5, h_c = 3/20.
    N_aa = N_cc = 1/(1 − 1/16) = 16/15, so f_a = 4/5, f_c = 1/5, f_b = r_b = 21/25.
    removal_a = (4/5)(3/5)/(63/100) = 16/21; removal_b = (21/25)(3/4)/(63/100) = 1;
    removal_c = (1/5)(3/20)/(63/100) = 1/21.

    Carried (α = 1/2): m_in(a) = (r_c/4)·c_c / r_a = c_c/16, m_in(c) = c_a,
    c_a = −1 + c_c/32, c_c = −3/2 + c_a/2 ⇒ c_a = −67/63, c_c = −128/63;
    m_in(b) = (48/75)·c_a / (63/75) = (16/21)·c_a ⇒ c_b = 1 − 536/1323 = 787/1323.
    Outcome ok: c_b; lost: (21/100·c_b + 16/100·c_c)/(37/100).

    Stages: s = {a, b}: reach 127/75, pain 256/75, satisfaction (−2·64 + 2·63)/127 = −2/127;
    t = {c}: reach 16/75, pain 144/75, satisfaction −3.

    Paths by pain mass: a,c,lost 0.8·0.25·0.75·13 = 1.95; a,b,ok 0.45·4 = 1.8;
    a,b,lost 0.15·4 = 0.6; then the painless b,ok (0.15) and b,lost (0.05) by probability.
    Peak-end: a,c: peak −3, end −3 → −3; a,b: peak −2 (a tie of magnitude goes negative),
    end 2 → 0.
    """
    doc = analyze(three)
    tp = by_touchpoint(doc)
    approx = pytest.approx
    assert doc["success_probability"] == approx(63 / 100)
    assert doc["outcomes"] == approx({"ok": 63 / 100, "lost": 37 / 100})
    assert doc["expected_pain"] == approx(16 / 3)
    assert [tp[t]["reach"] for t in "abc"] == approx([64 / 75, 63 / 75, 16 / 75])
    assert [tp[t]["visit_probability"] for t in "abc"] == approx([4 / 5, 21 / 25, 1 / 5])
    assert [tp[t]["satisfaction"] for t in "abc"] == [-2, 2, -3]
    assert [tp[t]["weighted_satisfaction"] for t in "abc"] == [-4, 2, -9]
    assert [tp[t]["pain"] for t in "abc"] == [4, 0, 9]
    assert [tp[t]["gap"] for t in "abc"] == [None, None, -5]
    assert [tp[t]["priority"] for t in "abc"] == approx([256 / 75, 0, 144 / 75])
    assert [tp[t]["removal_effect"] for t in "abc"] == approx([16 / 21, 1, 1 / 21])
    c_a, c_b, c_c = -67 / 63, 787 / 1323, -128 / 63
    assert [tp[t]["carried"] for t in "abc"] == approx([c_a, c_b, c_c])
    lost = (0.21 * c_b + 0.16 * c_c) / 0.37
    assert doc["outcome_carried"] == approx({"ok": c_b, "lost": lost})
    assert doc["stages"]["s"] == approx({"reach": 127 / 75, "pain": 256 / 75, "satisfaction": -2 / 127})
    assert doc["stages"]["t"] == approx({"reach": 16 / 75, "pain": 144 / 75, "satisfaction": -3})

    paths = top_paths(three, k=10)["paths"]
    assert [p["nodes"][1:] for p in paths] == [
        ["a", "c", "lost"], ["a", "b", "ok"], ["a", "b", "lost"], ["b", "ok"], ["b", "lost"],
    ]  # fmt: skip
    assert [p["pain_mass"] for p in paths] == approx([1.95, 1.8, 0.6, 0, 0])
    assert [p["peak_end"] for p in paths] == approx([-3, 0, 0, 2, 2])
    assert paths[0]["customers"] == approx(10 * 0.15)  # entrants = 10 customers leaving entry
    assert paths[0]["contributions"] == [
        {"touchpoint": "a", "pain": 4.0, "satisfaction": -2.0, "source": "designer"},
        {"touchpoint": "c", "pain": 9.0, "satisfaction": -3.0, "source": "designer"},
    ]


def test_alpha_one_carries_nothing(three):
    doc = analyze(three, alpha=1)
    assert [by_touchpoint(doc)[t]["carried"] for t in "abc"] == [-2, 2, -3]


def test_mei_su_convenience_is_the_key_experience():
    journey = load_journey(FIXTURES / "mei-su-electronics.yaml")
    doc = analyze(journey)
    ranked = sorted(by_touchpoint(doc).items(), key=lambda kv: kv[1]["weighted_satisfaction"])
    assert ranked[0][0] == "convenience"
    assert ranked[0][1]["weighted_satisfaction"] == -18
    assert ranked[0][1]["gap"] == -5
    assert impact(journey)["touchpoints"][0]["touchpoint"] == "convenience"
    exact = oracles.success_probability(journey)
    assert doc["success_probability"] == pytest.approx(float(exact), rel=1e-12)
    for tid in by_touchpoint(doc):
        assert by_touchpoint(doc)[tid]["removal_effect"] == pytest.approx(
            float(oracles.removal_effect(journey, tid)), rel=1e-9, abs=1e-12
        )


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_fixture_matches_the_exact_oracle(path):
    journey = load_journey(path)
    doc = analyze(journey)
    assert doc["success_probability"] == pytest.approx(float(oracles.success_probability(journey)), rel=1e-9)
    reach = oracles.exact_reach(journey)
    for tid, row in by_touchpoint(doc).items():
        assert row["reach"] == pytest.approx(float(reach[tid]), rel=1e-9, abs=1e-12)
    ranked = [r["priority"] for r in impact(journey)["touchpoints"]]
    assert ranked == sorted(ranked, reverse=True)
