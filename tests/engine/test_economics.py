"""What a pain costs: hand-worked fixtures, exact fractions and an independent oracle."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from journeymap.engine import analyze, by_touchpoint, impact, top_paths, whatif
from journeymap.engine.fixes import fixes
from journeymap.files import load_journey
from journeymap.model import ENTRY, Journey, journey_document, parse_journey
from tests.engine import oracles
from tests.engine.conftest import make_journey
from tests.strategies import journeys

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALPHA = Fraction(1, 2)


def small(economics: dict[str, Any] | None = None) -> Journey:
    """entry → a (10); a: 4 vs 6 (s −2) → b 6, → lost 4; b: 8 vs 6 (s +2) → ok 6."""
    journey = make_journey(
        [("entry", "a", 10), ("a", "b", 6), ("a", "lost", 4), ("b", "ok", 6)],
        {"a": {"experience": 4, "expectation": 6}, "b": {"experience": 8, "expectation": 6}},
        {"ok": "success", "lost": "failure"},
    )
    if economics is None:
        return journey
    return parse_journey({**journey_document(journey), "economics": economics})


def test_small_journey_by_hand() -> None:
    """carried_a = ½·(−2) = −1 (into lost), carried_b = ½·2 + ½·(−1) = ½ (into ok).

    lost: 4 dissatisfied → 13·4 = 52 lost by word of mouth, ¼·4 = 1 complaint;
    ok: 6 satisfied buyers → 4·6 = 24 won. V̄ = 100 (the only success outcome's value).
    Value at stake = 100·(4 + 52) = 5600, won 2400, net −3200. Over a horizon of 6m of a
    1y period everything counting customers halves. Per touchpoint: φ_a = 1·(1 − 6/10),
    φ_b = 6/10·(1 − 1) = 0, so a carries all 4 lost; the word of mouth lost is a's (the
    only negative contribution into lost), that won is b's.
    """
    analysis = analyze(small({"value": 50, "outcome_values": {"ok": 100}}))
    doc, rows = analysis["economics"], by_touchpoint(analysis)
    expected = {
        "customers": 10, "customers_lost": 4, "dissatisfied": 4, "satisfied": 6, "complaints": 1,
        "word_of_mouth_lost": 52, "word_of_mouth_won": 24, "value_at_stake": 5600, "value_won": 2400,
        "net_value": -3200, "value_per_customer": 100, "customers_per_complaint": 52,
    }  # fmt: skip
    assert {k: doc[k] for k in expected} == pytest.approx(expected, abs=1e-9)
    assert doc["outcomes"]["lost"]["verdict"] == "dissatisfied"
    assert doc["outcomes"]["ok"]["verdict"] == "satisfied"
    economics = ("customers_lost", "word_of_mouth_lost", "word_of_mouth_won", "value_at_stake")
    assert {k: rows["a"][k] for k in economics} == pytest.approx(
        {"customers_lost": 4, "word_of_mouth_lost": 52, "word_of_mouth_won": 0, "value_at_stake": 5600}
    )
    assert {k: rows["b"][k] for k in economics} == pytest.approx(
        {"customers_lost": 0, "word_of_mouth_lost": 0, "word_of_mouth_won": 24, "value_at_stake": 0}
    )
    half = analyze(small({"value": 100, "horizon": "6m"}))["economics"]
    assert half["horizon_factor"] == 0.5
    assert half["value_at_stake"] == pytest.approx(2800)
    assert half["word_of_mouth_won"] == pytest.approx(12)


def test_small_journey_paths_and_impact() -> None:
    journey = small({"value": 100})
    rows = {tuple(p["nodes"]): p["economics"] for p in top_paths(journey, k=5)["paths"]}
    assert rows[(ENTRY, "a", "lost")] == pytest.approx(
        {
            "carried": -1,
            "verdict": "dissatisfied",
            "customers_lost": 4,
            "word_of_mouth_lost": 52,
            "word_of_mouth_won": 0,
            "value_at_stake": 5600,
        }
    )
    assert rows[(ENTRY, "a", "b", "ok")]["verdict"] == "satisfied"
    assert rows[(ENTRY, "a", "b", "ok")]["word_of_mouth_won"] == pytest.approx(24)
    top = impact(journey)["touchpoints"][0]
    assert (top["touchpoint"], top["value_at_stake"]) == ("a", pytest.approx(5600))


def test_whatif_reports_the_change_in_value() -> None:
    """Raising a to 6 makes carried 0 into lost (neutral): 52 fewer lost by word of mouth."""
    diff = whatif(small({"value": 100}), {"touchpoints": {"a": {"experience": 6}}})["diff"]["economics"]
    assert diff["value_at_stake"] == pytest.approx(-5200)
    assert diff["word_of_mouth_lost"] == pytest.approx(-52)
    assert diff["net_value"] == pytest.approx(5200)


def test_mei_su_by_hand() -> None:
    """Visits to product_range R = 680 + (20/580)·(580/680)·R (the loop back from the
    price tag), so R = 680·34/33. Walks away: 60 + 260 + R·(60 + 40 + 80)/680 = 5560/11;
    purchase: R·(300 + 70)/680 = 12580/33; repeat: R·110/680 = 3740/33. Every satisfaction
    is ≤ 0 and convenience (−2) meets customers of every outcome, so all three outcomes'
    carried experience is negative: all 1000 entrants are dissatisfied → 13 000 lost by
    word of mouth, 250 complaints, value at stake 5560/11 + 13 000 (value 1 a customer).
    """
    journey = load_journey("fixtures/mei-su-electronics.yaml")
    doc = analyze(journey)["economics"]
    outcomes = {o: row["customers"] for o, row in doc["outcomes"].items()}
    assert outcomes == pytest.approx(
        {"walks_away": 5560 / 11, "purchase": 12580 / 33, "repeat_customer": 3740 / 33}
    )
    assert {row["verdict"] for row in doc["outcomes"].values()} == {"dissatisfied"}
    assert doc["word_of_mouth_lost"] == pytest.approx(13000)
    assert doc["complaints"] == pytest.approx(250)
    assert doc["value_at_stake"] == pytest.approx(5560 / 11 + 13000)
    # the acceptance test of the case: convenience is the key experience, and the first fix
    by_value = impact(journey)["touchpoints"]
    assert max(by_value, key=lambda r: r["value_at_stake"])["touchpoint"] == "convenience"
    assert [f["opportunity"] for f in fixes(journey)["fixes"]] == ["more_shops", "wider_range"]


def test_auto_repair_fix_list() -> None:
    """Every outcome is dissatisfied (reception −30, quote −25, billing −30 meet everyone).
    Value recovered is the sum of the fixed shortfalls' value at stake; per unit of effort:
    itemised quote (2) > reception manner (2) > complaint team (3) > fix first time (4)."""
    journey = load_journey("fixtures/auto-repair.yaml")
    analysis = analyze(journey)
    assert analysis["economics"]["customers_lost"] == pytest.approx(
        float(1 - oracles.success_probability(journey)) * 1000
    )
    at_stake = by_touchpoint(analysis)
    doc = fixes(journey)
    assert [f["opportunity"] for f in doc["fixes"]] == [
        "itemised_quote", "reception_manner", "complaint_team", "fix_first_time",
    ]  # fmt: skip
    first = doc["fixes"][0]
    recovered = at_stake["diagnosis_quote"]["value_at_stake"] + at_stake["billing"]["value_at_stake"]
    assert first["value_recovered"] == pytest.approx(recovered)
    assert first["value_per_effort"] == pytest.approx(recovered / 2)
    assert [r["touchpoint"] for r in first["raised"]] == ["diagnosis_quote", "billing"]
    fix_first = doc["fixes"][-1]  # pickup already meets its expectation: only repair is raised
    assert [r["touchpoint"] for r in fix_first["raised"]] == ["repair"]


# --------------------------------------------------------------------------- the oracle


def _linear(journey: Journey, sat: dict[str, Fraction]) -> dict[str, Fraction]:
    """Carried experience into each outcome, solved exactly from its definition."""
    probs = oracles.exact_probabilities(journey)
    reach = oracles.exact_reach(journey)
    states = [ENTRY, *(tp.id for tp in journey.touchpoints)]
    inflow: dict[str, dict[str, Fraction]] = {}
    for u in states:
        for v, p in probs[u].items():
            inflow.setdefault(v, {})[u] = reach[u] * p
    pos = {s: i for i, s in enumerate(states)}
    n = len(states)
    matrix = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    rhs = [Fraction(0)] * n
    for v in states[1:]:
        rhs[pos[v]] = ALPHA * sat[v]
        total = sum(inflow.get(v, {}).values(), Fraction(0))
        for u, f in inflow.get(v, {}).items():
            matrix[pos[v]][pos[u]] -= (1 - ALPHA) * f / total
    carried = dict(zip(states, oracles.solve(matrix, rhs), strict=True))
    result = {}
    for o in journey.outcomes:
        into = inflow.get(o.id, {})
        total = sum(into.values(), Fraction(0))
        result[o.id] = (
            sum((f * carried[u] for u, f in into.items()), Fraction(0)) / total if total else Fraction(0)
        )
    return result


def word_of_mouth_oracle(journey: Journey) -> dict[str, Any]:
    """Totals and per-touchpoint word of mouth from exact fractions: contributions of each
    touchpoint found by solving with only its satisfaction set (the system is linear)."""
    sat = {tp.id: Fraction(tp.experience) - Fraction(tp.expected) for tp in journey.touchpoints}
    carried = _linear(journey, sat)
    entrants = Fraction(journey.effective_entrants)
    success = oracles.success_probability(journey)
    outcome_p = {o.id: _ends_at(journey, o.id) for o in journey.outcomes}
    assert sum(outcome_p.values()) == 1
    unhappy = {o: entrants * p for o, p in outcome_p.items() if carried[o] < 0}
    happy = {
        o.id: entrants * outcome_p[o.id]
        for o in journey.outcomes
        if o.kind == "success" and carried[o.id] > 0
    }
    parts = {
        tid: _linear(journey, {t: (s if t == tid else Fraction(0)) for t, s in sat.items()}) for tid in sat
    }
    lost_wom: dict[str, Fraction] = dict.fromkeys(sat, Fraction(0))
    won_wom: dict[str, Fraction] = dict.fromkeys(sat, Fraction(0))
    for group, sign, out, factor in ((unhappy, -1, lost_wom, 13), (happy, 1, won_wom, 4)):
        for o, customers in group.items():
            weights = {tid: max(Fraction(0), sign * parts[tid][o]) for tid in sat}
            total = sum(weights.values())
            for tid, w in weights.items():
                out[tid] += factor * customers * w / total
    lost = entrants * (1 - success)
    return {
        "customers_lost": lost, "dissatisfied": sum(unhappy.values(), Fraction(0)),
        "word_of_mouth_lost": 13 * sum(unhappy.values(), Fraction(0)),
        "word_of_mouth_won": 4 * sum(happy.values(), Fraction(0)),
        "touchpoints_lost": lost_wom, "touchpoints_won": won_wom,
    }  # fmt: skip


def _ends_at(journey: Journey, outcome: str) -> Fraction:
    """P(end at ``outcome``): the success probability with only that outcome counted as success."""
    doc = journey_document(journey)
    for o in doc["outcomes"]:
        o["kind"] = "success" if o["id"] == outcome else "failure"
    return oracles.success_probability(parse_journey(doc))


@FAST
@given(journeys(max_touchpoints=5))
def test_word_of_mouth_matches_an_exact_oracle(journey: Journey) -> None:
    rows = analyze(journey)
    doc = rows["economics"]
    oracle = word_of_mouth_oracle(journey)
    for key in ("customers_lost", "dissatisfied", "word_of_mouth_lost", "word_of_mouth_won"):
        assert doc[key] == pytest.approx(float(oracle[key]), rel=1e-9, abs=1e-6), key
    for tid, row in by_touchpoint(rows).items():
        assert row["word_of_mouth_lost"] == pytest.approx(
            float(oracle["touchpoints_lost"][tid]), rel=1e-7, abs=1e-6
        )
        assert row["word_of_mouth_won"] == pytest.approx(
            float(oracle["touchpoints_won"][tid]), rel=1e-7, abs=1e-6
        )
    # customers lost after meeting a touchpoint are spread over the touchpoints in full
    attributed = sum(row["customers_lost"] for row in rows["touchpoints"])
    assert attributed <= doc["customers_lost"] * (1 + 1e-9) + 1e-9


@FAST
@given(journeys(max_touchpoints=6))
def test_raising_a_touchpoint_to_its_expectation_never_raises_value_at_stake(journey: Journey) -> None:
    before = analyze(journey)["economics"]
    for tp in journey.touchpoints:
        if tp.experience < tp.expected:
            after = whatif(journey, {"touchpoints": {tp.id: {"experience": tp.expected}}})["after"][
                "economics"
            ]
            assert after["value_at_stake"] <= before["value_at_stake"] * (1 + 1e-12) + 1e-9
            assert after["net_value"] >= before["net_value"] - 1e-9 * (1 + abs(before["net_value"]))
