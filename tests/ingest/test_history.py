"""Higher-order ingest on a log where history matters, checked against what customers really did."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.engine import analyze, by_touchpoint
from journeymap.errors import InvalidJourney
from journeymap.ingest import ingest_events, parse_mapping
from journeymap.ingest.mapping import Mapping
from tests.test_cli_journeys import run

SUCCESS = "buy"
# (walk of raw events, customers): two entry channels share `mid` with different success
# rates; channel c succeeds only through the loop check -> fix -> check.
WALKS: list[tuple[list[str], int]] = [
    (["ad_a", "mid", "buy"], 40),
    (["ad_a", "mid"], 10),
    (["ad_b", "mid", "buy"], 10),
    (["ad_b", "mid"], 40),
    (["ad_c", "form", "check", "fix", "check", "buy"], 20),
    (["ad_c", "form", "check"], 20),
]
TOUCHPOINTS = ["ad_a", "ad_b", "ad_c", "mid", "form", "check", "fix"]
MAPPING: dict[str, Any] = {
    "columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    "touchpoints": {t: {"id": t, "stage": "s"} for t in TOUCHPOINTS},
    "outcomes": {SUCCESS: {"id": "purchase", "kind": "success"}},
    "default_outcome": {"id": "lost", "kind": "failure"},
}


def write_log(
    path: Path, scale: int = 10, seed: int = 3, kinds: list[tuple[list[str], int]] = WALKS
) -> list[list[str]]:
    """The log (rows shuffled) and each customer's walk of raw names, for the oracle."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, int]] = []
    walks: list[list[str]] = []
    for walk, n in kinds:
        for _ in range(n * scale):
            cust = f"c{len(walks)}"
            walks.append(walk)
            start = rng.randrange(1_000_000)
            rows += [(cust, event, start + 10 * i) for i, event in enumerate(walk)]
    rng.shuffle(rows)
    path.write_text("cust,event,ts\n" + "".join(f"{c},{e},{t}\n" for c, e, t in rows))
    return walks


def spec(**settings: Any) -> Mapping:
    return parse_mapping(MAPPING | settings)


def observed_success(walks: list[list[str]]) -> dict[str, Fraction]:
    """Oracle: share of customers starting at each touchpoint who bought."""
    starts = Counter(w[0] for w in walks)
    won = Counter(w[0] for w in walks if w[-1] == SUCCESS)
    return {t: Fraction(won[t], n) for t, n in starts.items()}


def observed_removal(walks: list[list[str]], node: str) -> Fraction:
    """Oracle: the share of successes lost when every customer reaching ``node`` is lost."""
    wins = [w for w in walks if w[-1] == SUCCESS]
    return Fraction(sum(node in w for w in wins), len(wins))


def close(value: float, exact: Fraction) -> bool:
    return abs(Fraction(value) - exact) < Fraction(1, 10**9)


def test_first_order_misleads_and_order_two_matches_the_customers(tmp_path: Path) -> None:
    walks = write_log(tmp_path / "log.csv")
    truth = observed_success(walks)
    first = ingest_events(tmp_path / "log.csv", spec())
    second = ingest_events(tmp_path / "log.csv", spec(order=2))
    one = {r["touchpoint"]: r["model"] for r in first.summary["model_check"]["by_first_touchpoint"]}
    two = {r["touchpoint"]: r["model"] for r in second.summary["model_check"]["by_first_touchpoint"]}
    assert close(one["ad_a"], Fraction(1, 2)) and truth["ad_a"] == Fraction(4, 5)  # mid mixes a and b
    assert all(close(two[t], truth[t]) for t in truth)
    assert first.summary["model_check"]["flagged"] and not second.summary["model_check"]["flagged"]
    assert first.summary["model_check"]["largest_gap"]["touchpoint"] in {"ad_a", "ad_b"}
    removal = {
        o: by_touchpoint(analyze(r.journey))["fix--check" if o == 2 else "fix"]["removal_effect"]
        for o, r in ((1, first), (2, second))
    }
    assert close(removal[2], observed_removal(walks, "fix"))  # every success of channel c loops via fix
    assert not close(removal[1], observed_removal(walks, "fix"))
    sp = analyze(second.journey)["success_probability"]
    assert close(sp, Fraction(sum(w[-1] == SUCCESS for w in walks), len(walks)))


def test_order_two_states_are_readable_and_keep_their_touchpoint(tmp_path: Path) -> None:
    write_log(tmp_path / "log.csv", scale=1)
    data = dict(MAPPING)
    data["touchpoints"] = dict(MAPPING["touchpoints"]) | {
        "mid": {"id": "mid", "stage": "s", "name": "Middle"}
    }
    journey = ingest_events(tmp_path / "log.csv", parse_mapping(data | {"order": 2})).journey
    by_id = {tp.id: tp for tp in journey.touchpoints}
    assert by_id["mid--ad_a"].name == "Middle (after ad_a)" and by_id["mid--ad_a"].stage == "s"
    assert {"ad_a", "mid--ad_b", "check--fix", "fix--check", "check--form"} <= set(by_id)
    assert ("check--fix", "purchase") in {(t.source, t.target) for t in journey.transitions}


def test_auto_picks_order_two(tmp_path: Path) -> None:
    write_log(tmp_path / "log.csv")
    result = ingest_events(tmp_path / "log.csv", spec(order="auto"))
    scores = result.summary["order_scores"]
    assert result.summary["order"] == 2
    assert scores["2"] - scores["1"] > 1e-3 >= scores["3"] - scores["2"]


def test_variants_count_walks_with_loops_against_the_customers(tmp_path: Path) -> None:
    kinds = [(walk, n + i) for i, (walk, n) in enumerate(WALKS)]  # distinct counts: one ranking
    kinds.append((["ad_a", "mid", "mid", "buy", "mid"], 7))  # a repeat and an event after the outcome
    walks = write_log(tmp_path / "log.csv", scale=1, kinds=kinds)
    journey = ingest_events(tmp_path / "log.csv", spec(variants=3)).journey
    oracle: Counter[tuple[str, ...]] = Counter()
    for walk in walks:
        cut = walk[: walk.index(SUCCESS) + 1] if SUCCESS in walk else [*walk, "lost"]
        collapsed = [n for i, n in enumerate(cut) if i == 0 or cut[i - 1] != n]
        oracle[tuple("purchase" if n == SUCCESS else n for n in collapsed)] += 1
    ranked = oracle.most_common()
    assert journey.variants is not None
    assert [(tuple(v.nodes), v.customers) for v in journey.variants.top] == ranked[:3]
    assert journey.variants.other_customers == sum(c for _, c in ranked[3:])
    assert journey.variants.other_variants == len(ranked) - 3


@pytest.mark.parametrize("order", [0, 6, "two"])
def test_bad_orders_are_refused_naming_the_field(tmp_path: Path, order: Any) -> None:
    with pytest.raises(InvalidJourney, match="order"):
        spec(order=order)
    write_log(tmp_path / "log.csv", scale=1)
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(MAPPING))
    out = tmp_path / "j.yaml"
    args = ("ingest", str(tmp_path / "log.csv"), "-m", str(tmp_path / "map.yaml"), "--order", str(order))
    result = run(*args, "-o", str(out), store=tmp_path / "db")
    assert result.returncode == 2 and "order" in result.stderr and not out.exists()


def test_cli_prints_the_model_check(tmp_path: Path) -> None:
    write_log(tmp_path / "log.csv", scale=1)
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(MAPPING))
    out = tmp_path / "j.yaml"
    result = run(
        "ingest",
        str(tmp_path / "log.csv"),
        "-m",
        str(tmp_path / "map.yaml"),
        "-o",
        str(out),
        store=tmp_path / "db",
    )
    assert result.returncode == 0, result.stderr
    assert "model check (order 1)" in result.stdout and "try --order 2" in result.stdout


def test_variants_must_walk_known_nodes_and_end_in_an_outcome(tmp_path: Path) -> None:
    write_log(tmp_path / "log.csv", scale=1)
    journey = ingest_events(tmp_path / "log.csv", spec()).journey
    from journeymap.model import journey_document, parse_journey

    document = journey_document(journey)
    document["variants"]["top"][0]["nodes"] = ["ad_a", "nowhere", "mid"]
    with pytest.raises(InvalidJourney) as caught:
        parse_journey(document)
    rules = {(p.loc, p.rule) for p in caught.value.problems}
    assert rules == {("variants.top[0].nodes[1]", "unknown-node"), ("variants.top[0].nodes", "variant-end")}
