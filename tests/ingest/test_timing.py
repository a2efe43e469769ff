"""Times and behavioural measures at ingest, against plain Python over the raw rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.ingest import ingest_events, parse_mapping
from journeymap.ingest.mapping import Mapping

NODE = {
    "view": "page",
    "cart": "cart",
    "help": "support",
    "chat": "support",
    "buy": "purchase",
    "cancel": "cancelled",
}
STAGE = {"page": 0, "cart": 1, "support": 2}
OUTCOMES = {"purchase": "success", "cancelled": "failure"}
DEFAULT = "no_purchase"
WINDOW_S = 3


def mapping(measures: dict[str, Any] | None = None) -> Mapping:
    stages = ["browse", "buy", "care"]
    return parse_mapping(
        {
            "columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
            "time_format": "epoch_s",
            "stages": [{"id": s, "name": s, "phase": "sale"} for s in stages],
            "touchpoints": {
                raw: {"id": tid, "stage": stages[STAGE[tid]]} for raw, tid in NODE.items() if tid in STAGE
            },
            "outcomes": {
                raw: {"id": oid, "kind": OUTCOMES[oid]} for raw, oid in NODE.items() if oid in OUTCOMES
            },
            "default_outcome": {"id": DEFAULT, "kind": "failure"},
            "measures": measures
            if measures is not None
            else {
                "wait": {"target": "2s"},
                "rework": {"target": 0.25},
                "repeat_contact": {"target": 0.25, "window": f"{WINDOW_S}s"},
                "back_step": {"target": 0.2},
                "drop_off": {"target": 0.5},
            },
        }
    )


def visits_of(df: pd.DataFrame) -> dict[str, list[tuple[str, float, float, int]]]:
    """Each customer's visits (node, first time, last time, events) in order, cut after the first outcome."""
    rows = sorted(
        (
            (str(c), float(t), i, NODE[e])
            for i, (c, e, t) in enumerate(zip(df["cust"], df["event"], df["ts"], strict=True))
            if e in NODE
        ),
        key=lambda r: (r[0], r[1], r[3] in OUTCOMES, r[2]),  # equal times: touchpoints before outcomes
    )
    by_customer: dict[str, list[tuple[str, float, float, int]]] = defaultdict(list)
    done: set[str] = set()
    for c, t, _, node in rows:
        if c in done:
            continue
        seq = by_customer[c]
        if seq and seq[-1][0] == node:
            seq[-1] = (node, seq[-1][1], t, seq[-1][3] + 1)
        else:
            seq.append((node, t, t, 1))
        if node in OUTCOMES:
            done.add(c)
    return by_customer


def quantiles(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "median_s": pytest.approx(float(np.percentile(values, 50)), abs=1e-6),
        "p90_s": pytest.approx(float(np.percentile(values, 90)), abs=1e-6),
        "mean_s": pytest.approx(sum(values) / len(values), abs=1e-6),
    }


def as_states(seq: list[tuple[str, float, float, int]], order: int) -> list[tuple[str, float, float, int]]:
    """Visits named by their order-``order`` state: the touchpoint, then the ones before it (``c--b--a``)."""
    names = [v[0] for v in seq]
    return [
        (node if node in OUTCOMES else "--".join(reversed(names[max(0, i - order + 1) : i + 1])), *rest)
        for i, (node, *rest) in enumerate(seq)
    ]


def stage(name: str) -> int | None:
    """The stage rank of a touchpoint or state (its touchpoint's), None for an outcome."""
    return STAGE.get(name.split("--")[0])


def oracle(df: pd.DataFrame, order: int = 1) -> dict[str, Any]:
    edge: dict[tuple[str, str], list[float]] = defaultdict(list)
    dwell: dict[str, list[float]] = defaultdict(list)
    wait: dict[str, list[float]] = defaultdict(list)
    visits: Counter[str] = Counter()
    visitors: Counter[str] = Counter()
    returners: Counter[str] = Counter()
    repeats: Counter[str] = Counter()
    leaving: Counter[str] = Counter()
    back: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for visits_seq in visits_of(df).values():
        seq = as_states(visits_seq, order)
        seen: Counter[str] = Counter()
        last_left: dict[str, float] = {}
        for i, (node, first, last, _) in enumerate(seq):
            if node in OUTCOMES:
                continue
            visits[node] += 1
            seen[node] += 1
            if seen[node] == 1:
                visitors[node] += 1
            elif seen[node] == 2:
                returners[node] += 1
            if node in last_left and first - last_left[node] <= WINDOW_S:
                repeats[node] += 1
            last_left[node] = last
            nxt = seq[i + 1] if i + 1 < len(seq) else None
            target = nxt[0] if nxt else DEFAULT
            leaving[node] += 1
            if OUTCOMES.get(target, "failure" if target == DEFAULT else "") == "failure":
                failed[node] += 1
            elif stage(target) is not None and stage(target) < stage(node):  # type: ignore[operator]
                back[node] += 1
            if nxt is not None:
                edge[(node, nxt[0])].append(nxt[1] - last)
                dwell[node].append(nxt[1] - first)
                if stage(nxt[0]) is not None:
                    wait[nxt[0]].append(nxt[1] - last)
    return {
        "edges": {e: quantiles(v) for e, v in edge.items()},
        "dwell": {n: quantiles(v) for n, v in dwell.items()},
        "measures": {
            node: {
                "wait": (float(np.percentile(wait[node], 50)), len(wait[node])) if wait[node] else None,
                "rework": (returners[node] / visitors[node], visitors[node]),
                "repeat_contact": (repeats[node] / visits[node], visits[node]),
                "back_step": (back[node] / leaving[node], leaving[node]),
                "drop_off": (failed[node] / leaving[node], leaving[node]),
            }
            for node in visits
        },
    }


def generated(seed: int, customers: int, events: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = [*NODE, "unmapped"]
    weights = np.array([5, 3, 2, 1, 1, 1, 1], dtype=float)
    return pd.DataFrame(
        {
            "cust": [f"c{i}" for i in rng.integers(0, customers, events)],
            "event": rng.choice(names, events, p=weights / weights.sum()),
            "ts": rng.integers(0, 12, events),  # few distinct times: ties, loops, repeats
        }
    )


def check(path: Path, df: pd.DataFrame, order: int = 1) -> None:
    journey = ingest_events(path, mapping().model_copy(update={"order": order})).journey
    expected = oracle(df, order)
    times = {(t.source, t.target): t.time.model_dump() for t in journey.transitions if t.time is not None}
    assert times == expected["edges"]
    assert {tp.id: tp.time.model_dump() for tp in journey.touchpoints if tp.time} == expected["dwell"]
    for tp in journey.touchpoints:
        found = {e.measure: (e.value, e.n) for e in tp.measures or []}
        want = {
            name: (pytest.approx(v[0], abs=1e-6), v[1])
            for name, v in expected["measures"][tp.id].items()
            if v is not None
        }
        assert found == want, tp.id


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), customers=st.integers(1, 12), events=st.integers(1, 120))
def test_times_and_measures_match_plain_python(
    tmp_path: Path, seed: int, customers: int, events: int
) -> None:
    df = generated(seed, customers, events)
    if not df["event"].isin(list(NODE)).any():
        return
    path = tmp_path / f"log{seed}.csv"
    df.to_csv(path, index=False)
    check(path, df)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    customers=st.integers(1, 12),
    events=st.integers(1, 120),
    order=st.integers(2, 4),
)
def test_states_get_their_own_times_and_measures(
    tmp_path: Path, seed: int, customers: int, events: int, order: int
) -> None:
    """At order K each state (``cart--page``) has the times and measures of the customers who reached it
    with that history, by the definitions a first-order touchpoint uses."""
    df = generated(seed, customers, events)
    if not df["event"].isin(list(NODE)).any():
        return
    path = tmp_path / f"log{seed}.csv"
    df.to_csv(path, index=False)
    check(path, df, order)


def test_hand_worked_state_times(tmp_path: Path) -> None:
    """a: view 0, cart 10, view 40, cart 45, buy 46: cart after view twice, but once after a cart visit."""
    path = tmp_path / "hand.csv"
    path.write_text(
        "cust,event,ts\na,view,0\na,cart,10\na,view,40\na,cart,45\na,buy,46\nb,view,0\nb,cart,4\n"
    )
    journey = ingest_events(path, mapping().model_copy(update={"order": 3})).journey
    times = {(t.source, t.target): t.time for t in journey.transitions}
    first, again = times[("page", "cart--page")], times[("page--cart--page", "cart--page--cart")]
    assert first is not None and (first.n, first.median_s) == (2, 7.0)  # 10 - 0 and 4 - 0
    assert again is not None and (again.n, again.median_s) == (1, 5.0)  # 45 - 40
    late = journey.touchpoint("page--cart--page")
    assert late.time is not None and (late.time.n, late.time.median_s) == (1, 5.0)
    drop = {e.measure: (e.value, e.n) for e in journey.touchpoint("cart--page").measures or []}
    assert drop["drop_off"] == (0.5, 2) and drop["back_step"] == (0.5, 2)  # b leaves, a goes back


def test_hand_worked_times(tmp_path: Path) -> None:
    """a: view 0, view 5 (repeat), cart 9, view 20, cart 30, buy 31; b: cart 1, cart 4; c: view 3 (alone)."""
    path = tmp_path / "hand.csv"
    path.write_text(
        "cust,event,ts\na,cart,30\nb,cart,1\na,view,0\na,view,5\nc,view,3\na,cart,9\na,view,20\nb,cart,4\na,buy,31\n"
    )
    journey = ingest_events(path, mapping()).journey
    times = {(t.source, t.target): t.time for t in journey.transitions}
    # page -> cart: 9 - 5 (from the last of the repeated views) and 30 - 20
    assert times[("page", "cart")] is not None and times[("page", "cart")].model_dump() == {
        "n": 2,
        "median_s": 7.0,
        "p90_s": 9.4,
        "mean_s": 7.0,
    }
    assert times[("cart", "purchase")] is not None and times[("cart", "purchase")].median_s == 1.0
    assert times[("entry", "page")] is None and times[("cart", DEFAULT)] is None
    page = journey.touchpoint("page")
    assert page.time is not None and (page.time.n, page.time.median_s) == (2, 9.5)  # 9 - 0, 30 - 20
    evidence = {e.measure: (e.value, e.n) for e in journey.touchpoint("cart").measures or []}
    assert evidence["rework"] == (0.5, 2)  # a came back to the cart, b did not
    assert evidence["back_step"] == (pytest.approx(1 / 3), 3)  # cart -> page, of 3 departures
    assert evidence["drop_off"] == (pytest.approx(1 / 3), 3)  # b's journey ends after it
    assert evidence["wait"] == (7.0, 2)


@pytest.mark.parametrize("fmt", ["unsorted", "after_outcome"])
def test_unsorted_rows_and_events_after_an_outcome(tmp_path: Path, fmt: str) -> None:
    df = generated(5, 8, 150)
    if fmt == "after_outcome":
        df = pd.concat(
            [
                df,
                pd.DataFrame(
                    {"cust": ["c1", "c1", "c1"], "event": ["buy", "view", "view"], "ts": [20, 21, 25]}
                ),
            ]
        )
    df = df.sample(frac=1, random_state=3)
    path = tmp_path / "log.csv"
    df.to_csv(path, index=False)
    check(path, df)


BAD_MAPPINGS = [
    (
        {"touchpoints": {"call": {"expected_wait": "3 parsecs"}}},
        "touchpoints.call.expected_wait",
        "'3 parsecs' is not a duration",
    ),
    (
        {"measures": {"wait": {"target": "3 parsecs"}}},
        "measures.wait.target",
        "'3 parsecs' is not a duration",
    ),
    ({"measures": {"wait": {"target": "0s"}}}, "measures.wait.target", "not a duration above 0"),
    ({"measures": {"rework": {"target": 0}}}, "measures.rework.target", "not a share above 0"),
    ({"measures": {"drop_off": {"target": -0.1}}}, "measures.drop_off.target", "not a share above 0"),
    ({"measures": {"rework": {"target": 0.1, "penalty": 0}}}, "measures.rework.penalty", "greater than 0"),
    (
        {"measures": {"repeat_contact": {"target": 0.1, "window": "a week"}}},
        "measures.repeat_contact.window",
        "'a week' is not a duration",
    ),
    ({"measures": {"repeat_contact": {"target": 0.1}}}, "measures.repeat_contact.window", "need a window"),
    ({"measures": {"teleport": {"target": 0.1}}}, "measures.teleport", "unknown measure 'teleport'"),
    (
        {"touchpoints": {"call": {"measures": {"wait": {}}}}},
        "touchpoints.call.measures.wait.target",
        "needs a target",
    ),
]


def refused(tmp_path: Path, mapping_doc: dict[str, Any], log: str) -> tuple[Any, Path]:
    """``journeymap ingest`` of ``log`` with ``mapping_doc``: the run (exit 2 asserted), the output path."""
    import yaml

    from tests.test_cli_journeys import run

    (tmp_path / "map.yaml").write_text(yaml.safe_dump(mapping_doc))
    (tmp_path / "log.csv").write_text(log)
    out = tmp_path / "out.yaml"
    result = run(
        "ingest",
        str(tmp_path / "log.csv"),
        "-m",
        str(tmp_path / "map.yaml"),
        "-o",
        str(out),
        store=tmp_path / "db",
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    return result, out


@pytest.mark.parametrize(("patch", "field", "message"), BAD_MAPPINGS)
def test_bad_measures_are_refused_naming_the_field(
    tmp_path: Path, patch: dict[str, Any], field: str, message: str
) -> None:
    doc: dict[str, Any] = {
        "columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
        "stages": [{"id": "s", "name": "S", "phase": "sale"}],
        "touchpoints": {"call": {"id": "call", "stage": "s"}},
    }
    for key, value in patch.items():
        if key == "touchpoints":
            doc["touchpoints"]["call"].update(value["call"])
        else:
            doc[key] = value
    result, out = refused(tmp_path, doc, "cust,event,ts\na,call,1\na,call,2\n")
    assert field in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_measured_touchpoint_without_any_time_is_refused(tmp_path: Path) -> None:
    doc = {
        "columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
        "stages": [{"id": "s", "name": "S", "phase": "sale"}],
        "touchpoints": {
            "call": {"id": "call", "stage": "s", "expected_wait": "5m", "measures": {"wait": {}}},
            "view": {"id": "page", "stage": "s"},
        },
    }
    result, out = refused(tmp_path, doc, "cust,event,ts\na,view,1\na,call,\nb,call,soon\nb,view,3\n")
    assert (
        "touchpoints.call: its measures need times, but none of its 2 rows has one (first: row 2"
        in result.stderr
    )
    assert not out.exists()


def test_the_readme_worked_example() -> None:
    """Call centre: wait 15m vs 5m, rework 0.2 vs 0.1 (penalty 2), drop-off 0.1 vs 0.2: 5 - 2 - 2 - 0."""
    from journeymap.ingest.experience import Rule, behaviour_score
    from journeymap.model import Scale

    rules = {
        "wait": Rule("wait", 300, 1.0),
        "rework": Rule("rework", 0.1, 2.0),
        "drop_off": Rule("drop_off", 0.2, 1.0),
    }
    values = {"wait": (900.0, 40), "rework": (0.2, 40), "drop_off": (0.1, 40)}
    scored = behaviour_score(5.0, rules, values, Scale())
    assert scored is not None
    experience, evidence = scored
    assert experience == 1.0
    assert [(e["measure"], e["score"]) for e in evidence] == [
        ("drop_off", 5.0),
        ("rework", 3.0),
        ("wait", 3.0),
    ]
    # clipped to the scale, and monotone: a longer wait never scores higher
    assert behaviour_score(5.0, rules, values | {"wait": (9000.0, 40)}, Scale())[0] == 0.0  # type: ignore[index]
    waits = [
        behaviour_score(5.0, {"wait": rules["wait"]}, {"wait": (w, 1)}, Scale())[0]
        for w in range(0, 3000, 60)
    ]  # type: ignore[index]
    assert waits == sorted(waits, reverse=True)


def test_survey_answers_win_and_the_evidence_stays(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("cust,event,ts\na,view,1\na,cart,2\na,view,3\nb,view,1\n")
    surveys = tmp_path / "answers.csv"
    surveys.write_text("touchpoint,experience\npage,3\npage,5\n")
    journey = ingest_events(path, mapping(), surveys=surveys).journey
    page, cart = journey.touchpoint("page"), journey.touchpoint("cart")
    assert (page.source, page.experience, page.responses) == ("survey", 4.0, 2)
    assert {e.measure for e in page.measures or []} >= {"rework", "drop_off"}
    assert cart.source == "behaviour" and cart.measures
