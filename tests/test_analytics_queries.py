"""The analyst queries of cypher/analytics/, run in FalkorDB, agree with the engine on the fixtures."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from journeymap.engine import analyze, by_touchpoint, top_paths
from journeymap.files import load_journey
from journeymap.model import Journey, parse_journey
from journeymap.store.bolt import BoltStore
from tests.bolt_servers import BoltServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEAMS = [("pre_sale", "sale"), ("sale", "after_sale")]


def fixtures() -> list[Journey]:
    return [load_journey(p) for p in sorted(FIXTURES.glob("*.yaml"))]


@pytest.fixture
def loaded(falkordb: BoltServer) -> BoltStore:
    """A store holding every fixture once (loaded again only if another test wiped it)."""
    store = falkordb.store()
    journeys = fixtures()
    if [(s.id, s.version) for s in store.list()] != sorted((j.id, 1) for j in journeys):
        falkordb.wipe()
        for j in journeys:
            store.put(j)
    return store


def pain(tp: object) -> float:
    expected = tp.expected  # type: ignore[attr-defined]
    return float(tp.weight * max(0.0, expected - tp.experience))  # type: ignore[attr-defined]


def test_worst_touchpoints_match_the_engines_pain_and_priority(loaded: BoltStore) -> None:
    rows = loaded.read("analytics/worst_touchpoints", limit=1000)
    expected = {}
    for j in fixtures():
        doc = analyze(j)
        span = (j.scale.max - j.scale.min) if j.scale else 10.0
        for tid, t in by_touchpoint(doc).items():
            if t["pain"] > 0:
                expected[(j.id, tid)] = (t["pain"], t["pain"] / span, t["priority"])
    got = {(r["journey"], r["touchpoint"]): (r["pain"], r["relative_pain"], r["priority"]) for r in rows}
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        assert got[key] == pytest.approx(values, rel=1e-9, abs=1e-12)
    order = [(-r["relative_pain"], r["journey"], r["touchpoint"]) for r in rows]
    assert order == sorted(order)
    top3 = loaded.read("analytics/worst_touchpoints", limit=3)
    assert top3 == rows[:3]


@pytest.mark.parametrize("journey", [p.stem for p in sorted(FIXTURES.glob("*.yaml"))])
def test_failure_paths_match_the_engines_exact_paths(loaded: BoltStore, journey: str) -> None:
    j = load_journey(FIXTURES / f"{journey}.yaml")
    rows = loaded.read("analytics/failure_paths", journey=j.id, max_steps=12, k=1000)
    paths = top_paths(j, k=1000, rank="probability", kind="failure")["paths"]
    assert len(rows) == len(paths) > 0
    by_nodes = {tuple(p["nodes"]): p for p in paths}
    for row in rows:
        engine = by_nodes[tuple(row["nodes"])]
        assert row["outcome"] == engine["outcome"]
        for field in ("probability", "customers", "pain", "pain_mass"):
            assert row[field] == pytest.approx(engine[field], rel=1e-9, abs=1e-12), field
    probabilities = [r["probability"] for r in rows]
    assert probabilities == sorted(probabilities, reverse=True)
    top = loaded.read("analytics/failure_paths", journey=j.id, max_steps=12, k=3)
    assert [r["probability"] for r in top] == pytest.approx([p["probability"] for p in paths[:3]])


def test_failure_paths_respect_the_step_bound(loaded: BoltStore) -> None:
    j = load_journey(FIXTURES / "auto-repair.yaml")
    rows = loaded.read("analytics/failure_paths", journey=j.id, max_steps=4, k=1000)
    engine = [
        p for p in top_paths(j, k=1000, rank="probability", kind="failure")["paths"] if len(p["nodes"]) <= 5
    ]
    assert sorted(map(tuple, (r["nodes"] for r in rows))) == sorted(tuple(p["nodes"]) for p in engine)


def handoffs(j: Journey) -> dict[tuple[str, str], dict[str, float]]:
    """Seam flows from the engine's reach and the transition shares (entrants · reach_u · P)."""
    reach = {tid: t["reach"] for tid, t in by_touchpoint(analyze(j)).items()}
    totals: dict[str, float] = defaultdict(float)
    for t in j.transitions:
        totals[t.source] += t.weight
    phase = {tp.id: next(s.phase for s in j.stages if s.id == tp.stage) for tp in j.touchpoints}
    kinds = j.outcome_kinds()
    seams: dict[tuple[str, str], dict[str, float]] = {}
    for before, after in SEAMS:
        acc = {"leaving": 0.0, "handed_over": 0.0, "to_failure": 0.0, "to_success": 0.0}
        for t in j.transitions:
            if phase.get(t.source) != before or phase.get(t.target) == before:
                continue
            flow = j.effective_entrants * reach[t.source] * t.weight / totals[t.source]
            acc["leaving"] += flow
            acc["handed_over"] += flow if phase.get(t.target) == after else 0.0
            acc["to_failure"] += flow if kinds.get(t.target) == "failure" else 0.0
            acc["to_success"] += flow if kinds.get(t.target) == "success" else 0.0
        if any(phase.get(t.source) == before and phase.get(t.target) != before for t in j.transitions):
            acc["lost"] = acc["leaving"] - acc["handed_over"]
            seams[(before, after)] = acc
    return seams


def test_stage_handoffs_match_flows_from_the_engines_reach(loaded: BoltStore) -> None:
    rows = loaded.read("analytics/stage_handoffs", journey=None)
    got = {(r["journey"], r["from_phase"], r["to_phase"]): r for r in rows}
    expected = {(j.id, *seam): flows for j in fixtures() for seam, flows in handoffs(j).items()}
    assert got.keys() == expected.keys()
    for key, flows in expected.items():
        for field, value in flows.items():
            assert got[key][field] == pytest.approx(value, rel=1e-9, abs=1e-9), (key, field)
    one = loaded.read("analytics/stage_handoffs", journey="zylom-dinner")
    assert one == [r for r in rows if r["journey"] == "zylom-dinner"]


def small(journey_id: str, tp_name: str, channel: str, owner: str, experience: float) -> Journey:
    return parse_journey({
        "id": journey_id, "name": journey_id,
        "stages": [{"id": "s", "name": "S", "phase": "sale"}],
        "touchpoints": [
            {"id": "desk", "name": tp_name, "stage": "s", "channel": channel, "owner": owner,
             "experience": experience, "expectation": 8, "importance": 2},
            {"id": "other", "name": f"Only in {journey_id}", "stage": "s", "experience": 5},
        ],
        "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
        "transitions": [{"from": "entry", "to": "desk", "share": 1},
                        {"from": "desk", "to": "other", "share": 1},
                        {"from": "other", "to": "ok", "share": 1}],
    })  # fmt: skip


def test_shared_touchpoints_group_same_channel_owner_and_name(bolt_store: BoltStore) -> None:
    bolt_store.put(small("a", "Front desk", "store", "ops", 6))
    bolt_store.put(small("b", " front DESK ", "Store", "OPS", 7))
    bolt_store.put(small("c", "Front desk", "phone", "ops", 3))  # another channel: not shared
    rows = bolt_store.read("analytics/shared_touchpoints", min_journeys=2)
    assert len(rows) == 1
    (row,) = rows
    assert (row["channel"], row["owner"], row["name"], row["journey_count"]) == (
        "store",
        "ops",
        "front desk",
        2,
    )
    assert sorted(row["journeys"]) == ["a", "b"]
    assert sorted((t["journey"], t["pain"]) for t in row["touchpoints"]) == [("a", 4.0), ("b", 2.0)]
    assert row["total_pain"] == 6.0
    assert bolt_store.read("analytics/shared_touchpoints", min_journeys=3) == []


def test_shared_touchpoints_on_the_fixtures_match_a_python_grouping(loaded: BoltStore) -> None:
    groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for j in fixtures():
        for tp in j.touchpoints:
            key = (
                (tp.channel or "").strip().lower(),
                (tp.owner or "").strip().lower(),
                tp.name.strip().lower(),
            )
            groups[key].add(j.id)
    expected = {key: ids for key, ids in groups.items() if len(ids) >= 2}
    rows = loaded.read("analytics/shared_touchpoints", min_journeys=2)
    assert {(r["channel"], r["owner"], r["name"]): set(r["journeys"]) for r in rows} == expected


def test_a_zero_count_transition_is_no_path_in_the_engine_or_the_query(bolt_store: BoltStore) -> None:
    # entry -> b is counted 0: entry -> b -> lost is no path on either surface
    journey = parse_journey({
        "id": "zero", "name": "Zero",
        "stages": [{"id": "s", "name": "S", "phase": "sale"}],
        "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 3, "expectation": 5},
                        {"id": "b", "name": "B", "stage": "s", "experience": 2, "expectation": 5}],
        "outcomes": [{"id": "ok", "name": "OK", "kind": "success"},
                     {"id": "lost", "name": "Lost", "kind": "failure"}],
        "transitions": [{"from": "entry", "to": "a", "customers": 10},
                        {"from": "entry", "to": "b", "customers": 0},
                        {"from": "a", "to": "b", "customers": 4},
                        {"from": "a", "to": "lost", "customers": 2},
                        {"from": "a", "to": "ok", "customers": 4},
                        {"from": "b", "to": "lost", "customers": 4}],
    })  # fmt: skip
    bolt_store.put(journey)
    rows = bolt_store.read("analytics/failure_paths", journey="zero", max_steps=12, k=100)
    engine = top_paths(journey, k=100, rank="probability", kind="failure")["paths"]
    expected = [["entry", "a", "b", "lost"], ["entry", "a", "lost"]]
    assert [r["nodes"] for r in rows] == expected
    assert [p["nodes"] for p in engine] == expected
    assert [r["probability"] for r in rows] == pytest.approx([p["probability"] for p in engine])
